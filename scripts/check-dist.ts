/**
 * `npm run check:dist`: re-synthesizes the committed config into a temporary folder and fails with
 * a readable diff when the committed dist/ differs (stale, hand-edited, or missing files).
 * `--dist DIR` and `--config DIR` check another pair.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../src/synth/pipeline';
import { writeAtomically } from '../src/synth/write';
import { compareTrees } from '../src/synth/compare-trees';

const ROOT = path.resolve(__dirname, '..');

function main(argv: readonly string[]): number {
  const arg = (name: string, fallback: string) => (argv.includes(name) ? path.resolve(argv[argv.indexOf(name) + 1]) : fallback);
  const dist = arg('--dist', path.join(ROOT, 'dist'));
  const config = arg('--config', path.join(ROOT, 'config'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-dist-'));
  try {
    const fresh = path.join(tmp, 'dist');
    const result = synthesize(config);
    if (result.gate.violations.length) {
      process.stderr.write(`check:dist: the committed config fails the validation gate (${result.gate.violations.length} violations); run npm run synth to see them\n`);
      return 1;
    }
    writeAtomically(fresh, result.files);
    const diff = compareTrees(dist, fresh);
    if (diff.length === 0) {
      process.stdout.write(`check:dist: dist/ matches a fresh synth (${result.files.length} files)\n`);
      return 0;
    }
    process.stderr.write(`check:dist: dist/ is stale — run \`npm run synth\` and commit dist/.\n${diff.join('\n')}\n`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
