/**
 * `npm run check:dist` (`--help` for the details): re-synthesizes the committed config into a
 * temporary folder, exactly as `npm run synth` does (same function, src/cli/synth.ts), and fails with a readable diff when the committed dist/ differs (stale,
 * hand-edited, or missing files). `--dist DIR` and `--config DIR` check another pair.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defineCommand, flag, processIo, runCommand, CommandIo } from '../src/cli/command';
import { ConfigError } from '../src/config/errors';
import { renderInto } from '../src/cli/synth';
import { compareTrees } from '../src/synth/compare-trees';

const ROOT = path.resolve(__dirname, '..');

export const CHECK_DIST_COMMAND = defineCommand({
  name: 'check:dist',
  run: 'npm run check:dist --',
  summary: 'Fail, with a readable diff, when the rendered manifests differ from a fresh synth of the config (stale, hand-edited, missing or extra files).',
  details: ['The fresh synth goes to a temporary folder, removed afterwards; nothing else is written.'],
  flags: {
    dist: flag.value({ value: 'DIR', help: 'the rendered manifests to check', default: path.join(ROOT, 'dist'), defaultText: 'dist/ of this project' }),
    config: flag.value({ value: 'DIR', help: 'the config folder they must come from', default: path.join(ROOT, 'config'), defaultText: 'config/ of this project' }),
  },
  examples: [
    { command: 'npm run check:dist', explain: 'is the committed dist/ what the committed config renders?' },
    { command: 'npm run check:dist -- --dist=/tmp/out --config=/tmp/config', explain: 'another pair of folders' },
  ],
  exitCodes: [
    '0  the folder matches a fresh synth',
    '1  it differs (the diff is printed), or the config fails the validation gate',
    '2  bad arguments, a config error, or an unreadable folder',
  ],
});

export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  return runCommand(CHECK_DIST_COMMAND, argv, async ({ values }) => {
    const dist = path.resolve(values.dist);
    const shown = dist === path.join(ROOT, 'dist') ? 'dist/' : dist;
    const config = path.resolve(values.config);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-dist-'));
    try {
      const fresh = path.join(tmp, 'dist');
      let result;
      try {
        result = await renderInto({ configDir: config, outdir: fresh });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        io.err(`check:dist: ${e.message}\n`);
        return 2;
      }
      if (result.refused) {
        io.err(`check:dist: the config fails the validation gate (${result.refused.length} violations); run npm run synth to see them\n`);
        return 1;
      }
      const diff = compareTrees(dist, fresh);
      if (diff.length === 0) {
        io.out(`check:dist: ${shown} matches a fresh synth (${result.files} files)\n`);
        return 0;
      }
      io.err(`check:dist: ${shown} is stale — run \`npm run synth\` and commit dist/.\n${diff.join('\n')}\n`);
      return 1;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, io);
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
