/**
 * `npx tsx scripts/bench/serialize-cost.ts [--dir DIR] [--reps N] [--check-only]` (`--help`)
 *
 * The cost of serializing one object, the old way (`stringify(object, YAML_OPTIONS)`, one
 * `Document` per object) against `toYaml`'s serializer (src/synth/serialize.ts), over the objects
 * of an output folder (dist/ by default, or a bench-generated fleet's output); and the proof that
 * both give every file's exact bytes. Not a test: nothing fails on a number.
 *
 * Method: every file is parsed back once (not timed); then, per repetition, the two serializers
 * alternate, each serializing every object once, timed in CPU time of this process
 * (`process.cpuUsage`, user + system); the new one is created afresh for every repetition, so
 * what it remembers of strings starts empty each time, as in one synth. The median per object is
 * reported. Run it on a quiet machine (the load average is printed).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { defineCommand, flag, runCommand, wholeNumber } from '../../src/cli/command';
import { listFiles } from '../../src/synth/compare-trees';
import { YAML_OPTIONS, YamlSerializer, createYamlSerializer } from '../../src/synth/serialize';
import { median } from './results';

const ROOT = path.resolve(__dirname, '../..');

export const SERIALIZE_COST_COMMAND = defineCommand({
  name: 'serialize-cost',
  run: 'npx tsx scripts/bench/serialize-cost.ts',
  summary: 'CPU cost per object of the old serializer (`stringify(object, YAML_OPTIONS)`) and of `toYaml`\'s over the objects of an output folder, after checking that both give every file\'s exact bytes.',
  details: ['Exit 1 when a file\'s bytes differ from either serializer\'s output. Nothing fails on a number.'],
  flags: {
    dir: flag.value({ value: 'DIR', help: 'output folder whose .yaml files are parsed back and serialized', default: path.join(ROOT, 'dist'), defaultText: 'dist/' }),
    reps: flag.value({ value: 'N', help: 'timed repetitions (median reported)', parse: wholeNumber(1), default: 15 }),
    'check-only': flag.boolean({ help: 'only check the bytes, file by file (for folders too big to hold parsed at once, e.g. a 500 × 3 output)' }),
  },
  examples: [
    { command: 'npx tsx scripts/bench/serialize-cost.ts', explain: 'both serializers over dist/, 15 repetitions' },
    { command: 'npx tsx scripts/bench/serialize-cost.ts --dir /tmp/out-500 --check-only', explain: 'are the 500 × 3 bytes the same with both?' },
  ],
  exitCodes: ['0  every file matched', '1  some file differs, or an internal error', '2  bad arguments'],
});

/** The old serializer, kept as the definition: one `Document` per object. */
export const previousToYaml: YamlSerializer = (object) => stringify(object, YAML_OPTIONS);

interface Checked {
  readonly files: number;
  readonly mismatches: readonly string[];
}

/** Parses every file of `dir` and serializes it both ways; files whose bytes either misses. */
function checkBytes(dir: string, files: readonly string[], keep?: unknown[]): Checked {
  const serialize = createYamlSerializer();
  const mismatches: string[] = [];
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(dir, file), 'utf8');
    const object = parse(bytes, { version: '1.1' });
    if (serialize(object) !== bytes) mismatches.push(`${file}: toYaml differs`);
    if (previousToYaml(object) !== bytes) mismatches.push(`${file}: stringify(object, YAML_OPTIONS) differs`);
    keep?.push(object);
  }
  return { files: files.length, mismatches };
}

function cpuMicros(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(SERIALIZE_COST_COMMAND, argv, async ({ values }) => {
    const dir = path.resolve(values.dir);
    const files = listFiles(dir).filter((f) => f.endsWith('.yaml'));
    if (!files.length) {
      process.stderr.write(`serialize-cost: no .yaml files under ${dir}\n`);
      return 1;
    }
    const objects: unknown[] = [];
    const checked = checkBytes(dir, files, values['check-only'] ? undefined : objects);
    process.stdout.write(`${checked.files} files under ${dir}: ${checked.mismatches.length ? `${checked.mismatches.length} MISMATCHES` : 'every file is byte-identical with both serializers'}\n`);
    for (const m of checked.mismatches.slice(0, 20)) process.stdout.write(`  ${m}\n`);
    if (checked.mismatches.length) return 1;
    if (values['check-only']) return 0;

    const before: number[] = [];
    const after: number[] = [];
    for (let rep = 0; rep < values.reps; rep++) {
      before.push(cpuMicros(() => objects.forEach(previousToYaml)) / objects.length);
      const serialize = createYamlSerializer();
      after.push(cpuMicros(() => objects.forEach(serialize)) / objects.length);
    }
    const b = median(before);
    const a = median(after);
    process.stdout.write([
      `CPU per object, median of ${values.reps} repetitions over ${objects.length} objects (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} cores):`,
      `  stringify(object, YAML_OPTIONS)  ${b.toFixed(1)} µs   (runs: ${before.map((x) => x.toFixed(0)).join(' ')})`,
      `  toYaml                           ${a.toFixed(1)} µs   (runs: ${after.map((x) => x.toFixed(0)).join(' ')})`,
      `  toYaml / stringify               ${(a / b).toFixed(2)}`,
      '',
    ].join('\n'));
    return 0;
  });
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
