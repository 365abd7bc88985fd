/**
 * `npm run bench [-- --sizes 1,100,500] [--runs 3] [--straightforward-timeout 60] [--waivers 500] [--profile] [--no-write] [--save FILE] [--render FILE]`
 * (`--help` for the details)
 *
 * Measures `npm run synth` on generated catalogs of 1, 100 and 500 workflows × 3 environments,
 * from the render cache and with --no-cache, against the floor (and the physical floor: JSON + write), the old serializer against the current
 * one, and against the straightforward cdk8s structure, and the committed config against stock
 * `npx cdk8s synth`, and the gate with 1,000 waivers (scripts/bench/waivers.ts); with --profile, where each synth's CPU goes by stage (scripts/bench/profile.ts);
 * prints a table and the targets, and (unless --no-write)
 * rewrites BENCHMARKS.md and docs/bench-chart.svg. `--save FILE` also keeps the raw measurements
 * as JSON; `--render FILE` rewrites the report from such a file without measuring anything.
 * Not a test: nothing here fails on a number.
 * See BENCHMARKS.md ("What is measured") for the method.
 *
 * The stock comparison needs ts-node (the `cdk8s init` app command is `npx ts-node main.ts`):
 * from the project's devDependencies, or from BENCH_TS_NODE_DIR (a folder holding the ts-node
 * package, e.g. <prefix>/node_modules/ts-node); without either it is skipped, never downloaded.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/config/load';
import { listFiles } from '../src/synth/compare-trees';
import { writeGeneratedConfig } from './bench/catalog';
import { FloorMeasurement, LoadedOutput, SerializerComparison, compareSerializers, loadOutput, measureFloor, measurePhysicalFloor } from './bench/floor';
import { machineInfo } from './bench/machine';
import { Measurement, measureCommand } from './bench/measure';
import { StageProfile, profileSynth } from './bench/profile';
import { benchmarksMarkdown, chartSvg, consoleReport } from './bench/report';
import { BenchResults, ReferenceResult, SizeResult } from './bench/results';
import { writeStockApp } from './bench/stock-app';
import { measureWaivers } from './bench/waivers';
import { UsageError, defineCommand, flag, runCommand, wholeNumber } from '../src/cli/command';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require('./run-built.js') as { ensureBuilt: (root: string) => boolean };

const ROOT = path.resolve(__dirname, '..');
const CONFIG_DIR = path.join(ROOT, 'config');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const ENVIRONMENTS = fs.readdirSync(path.join(CONFIG_DIR, 'environments')).filter((f) => f.endsWith('.yaml')).length;

interface BenchOptions {
  readonly sizes: number[];
  readonly runs: number;
  readonly straightforwardTimeoutSeconds: number;
  /** Workflows of the catalog the 1,000-waiver gate is timed on; 0 skips it. */
  readonly waiverWorkflows: number;
  readonly write: boolean;
  /** One extra, profiled synth per size and of the reference config: CPU by stage. */
  readonly profile: boolean;
  /** Keep the raw results here (JSON). */
  readonly save?: string;
  /** Report from these saved results instead of measuring. */
  readonly render?: string;
}

export const BENCH_COMMAND = defineCommand({
  name: 'bench',
  run: 'npm run bench --',
  summary: 'Measure `npm run synth` on generated catalogs (N workflows × every environment) against the floor (serializing and writing the same objects) and against the straightforward cdk8s structure, and the committed config against stock `npx cdk8s synth`; print a table and, unless --no-write, rewrite BENCHMARKS.md and docs/bench-chart.svg.',
  details: [
    'Not a test: nothing fails on a number. See BENCHMARKS.md ("What is measured") for the method. The stock comparison needs ts-node (from the devDependencies, or BENCH_TS_NODE_DIR); without it, it is skipped, never downloaded.',
  ],
  flags: {
    sizes: flag.value({ value: 'N,N,...', help: 'catalog sizes (workflows per environment)', parse: sizeList, default: [1, 100, 500], defaultText: '1,100,500' }),
    runs: flag.value({ value: 'N', help: 'runs per measurement', parse: wholeNumber(1), default: 3 }),
    waivers: flag.value({ value: 'N', help: 'workflows of the catalog the gate with 1,000 waivers is timed on; 0 skips it', parse: wholeNumber(0), default: 500 }),
    'straightforward-timeout': flag.value({ value: 'SECONDS', help: 'stop the straightforward cdk8s app after this long', parse: wholeNumber(1), default: 60 }),
    profile: flag.boolean({ help: 'also profile one synth per size and of the reference config (node --cpu-prof) and report its CPU by stage: load, construct, gate, serialize, write' }),
    'no-write': flag.boolean({ help: 'leave BENCHMARKS.md and docs/bench-chart.svg as they are' }),
    save: flag.value({ value: 'FILE', help: 'also keep the raw measurements as JSON', parse: (raw) => path.resolve(raw) }),
    render: flag.value({ value: 'FILE', help: 'rewrite the report from such a JSON file without measuring anything', parse: (raw) => path.resolve(raw) }),
  },
  examples: [
    { command: 'npm run bench', explain: 'the full benchmark (minutes), rewriting BENCHMARKS.md and the chart' },
    { command: 'npm run bench -- --sizes=1,50 --runs 1 --no-write', explain: 'a quick look, writing nothing' },
    { command: 'npm run bench -- --profile', explain: 'the full benchmark, with where the CPU goes by stage' },
    { command: 'npm run bench -- --render /tmp/bench.json', explain: 'the report again from saved measurements' },
  ],
  exitCodes: ['0  measured and reported', '1  a measured command failed, or an internal error', '2  bad arguments'],
});

function sizeList(raw: string, name: string): number[] {
  const sizes = raw.split(',').map((s) => s.trim());
  if (sizes.some((s) => !/^\d+$/.test(s) || Number(s) < 1)) throw new UsageError(`${name} takes whole numbers ≥ 1, e.g. 1,100,500 (not "${raw}")`);
  return sizes.map(Number);
}

/**
 * Flushes written files to disk before a timed run (not timed), so that no run pays for the
 * write-back of the one before it. Outputs are only deleted at the very end: on a file system
 * mounted with `discard` (this one is), deleting tens of thousands of files slows every file
 * creation for a while after, and both the synth and the floor create tens of thousands.
 */
function settleDisk(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** `npm run synth`, exactly as a developer runs it, with a machine-readable summary; `--no-cache` with `noCache`. */
async function runProjectSynth(configDir: string, outdir: string, workflows: number, noCache = false): Promise<{ measurement: Measurement; objects: number; files: number }> {
  const measurement = await measureCommand('npm', ['run', '--silent', 'synth', '--', '--config', configDir, '--outdir', outdir, '--json', ...(noCache ? ['--no-cache'] : [])], { cwd: ROOT });
  if (measurement.exitCode !== 0) throw new Error(`npm run synth failed (exit ${measurement.exitCode}) for ${configDir}:\n${measurement.stderr}`);
  const summary = JSON.parse(measurement.stdout);
  const rendered = summary.environments.map((e: { workflows: number }) => e.workflows);
  if (rendered.length !== ENVIRONMENTS || rendered.some((n: number) => n !== workflows)) {
    throw new Error(`npm run synth rendered ${rendered.join('/')} workflows per environment, expected ${workflows} in each of ${ENVIRONMENTS}`);
  }
  const sum = (key: 'objects' | 'files') => summary.environments.reduce((n: number, e: Record<string, number>) => n + e[key], 0);
  return { measurement, objects: sum('objects'), files: sum('files') };
}

/** Throws unless both folders hold the same files with the same bytes; `what` names them: [expected, actual, why it matters]. */
function assertSameTree(expectedDir: string, actualDir: string, what: readonly [string, string, string]): void {
  const expected = listFiles(expectedDir);
  const actual = listFiles(actualDir);
  if (expected.join('\n') !== actual.join('\n')) throw new Error(`${what[1]} wrote other files than ${what[0]} (${actual.length} vs ${expected.length})`);
  for (const f of expected) {
    if (!fs.readFileSync(path.join(expectedDir, f)).equals(fs.readFileSync(path.join(actualDir, f)))) {
      throw new Error(`${what[1]}'s ${f} differs from ${what[0]}'s: ${what[2]}`);
    }
  }
}

async function measureSize(workflows: number, options: BenchOptions, work: string, profiles: StageProfile[]): Promise<SizeResult> {
  const configDir = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(work, `config-${workflows}`), workflows });
  const project: Measurement[] = [];
  const cold: Measurement[] = [];
  const floor: FloorMeasurement[] = [];
  const physicalFloor: FloorMeasurement[] = [];
  let serializers: SerializerComparison | undefined;
  let loaded: LoadedOutput | undefined;
  let counts = { objects: 0, files: 0 };
  for (let run = 0; run < options.runs; run++) {
    // Every workflow rendered (and stored in the render cache), then the same catalog again with
    // the cache as that run left it: the first run after a code change, then every run after it.
    const coldDir = path.join(work, `synth-no-cache-${workflows}-${run}`);
    settleDisk();
    const rendered = await runProjectSynth(configDir, coldDir, workflows, true);
    cold.push(rendered.measurement);
    log(`${workflows} × ${ENVIRONMENTS}: npm run synth -- --no-cache ${(rendered.measurement.wallMs / 1000).toFixed(2)} s, peak ${((rendered.measurement.peakRssKib ?? 0) / 1024).toFixed(0)} MiB`);
    const outdir = path.join(work, `synth-${workflows}-${run}`);
    settleDisk();
    const synth = await runProjectSynth(configDir, outdir, workflows);
    project.push(synth.measurement);
    counts = { objects: synth.objects, files: synth.files };
    log(`${workflows} × ${ENVIRONMENTS}: npm run synth ${(synth.measurement.wallMs / 1000).toFixed(2)} s, peak ${((synth.measurement.peakRssKib ?? 0) / 1024).toFixed(0)} MiB, ${synth.objects} objects`);
    if (run === 0) assertSameTree(coldDir, outdir, ['the synth with --no-cache', 'the synth from the render cache', 'the render cache would not give back what was rendered']);
    loaded ??= loadOutput(outdir);
    const floorDir = path.join(work, `floor-${workflows}-${run}`);
    settleDisk();
    const f = measureFloor(loaded, floorDir);
    floor.push(f);
    log(`${workflows} × ${ENVIRONMENTS}: floor ${(f.wallMs / 1000).toFixed(2)} s (yaml ${(f.serializeMs / 1000).toFixed(2)} s)`);
    if (run === 0) assertSameTree(outdir, floorDir, ['the synth', 'the floor', 'the floor would not be serializing the same objects the same way']);
    const physicalDir = path.join(work, `physical-floor-${workflows}-${run}`);
    settleDisk();
    const p = measurePhysicalFloor(loaded, physicalDir);
    physicalFloor.push(p);
    log(`${workflows} × ${ENVIRONMENTS}: physical floor (JSON + write) ${(p.wallMs / 1000).toFixed(2)} s`);
    if (run === 0) {
      // Also proves the old serializer's bytes are the synth's: the floor's (the current serializer's) are.
      serializers = compareSerializers(loaded);
      log(`${workflows} × ${ENVIRONMENTS}: YAML CPU per object, old ${((serializers.previousCpuMs * 1000) / serializers.objects).toFixed(0)} µs, now ${((serializers.currentCpuMs * 1000) / serializers.objects).toFixed(0)} µs (same bytes)`);
    }
  }
  loaded = undefined;
  if (options.profile) {
    for (const noCache of [false, true]) {
      const profile = await profileSynth({ root: ROOT, configDir, outdir: path.join(work, `profiled-${workflows}${noCache ? '-no-cache' : ''}`), label: `${workflows} × ${ENVIRONMENTS}${noCache ? ', --no-cache' : ''}`, noCache });
      profiles.push(profile);
      log(`${workflows} × ${ENVIRONMENTS}: profiled synth${noCache ? ' --no-cache' : ''}, ${profile.threads} threads`);
    }
  }

  const stockDir = path.join(work, `stock-app-${workflows}`);
  const main = writeStockApp({ dir: stockDir, projectRoot: ROOT, configDir });
  const outdir = path.join(work, `straightforward-${workflows}`);
  settleDisk();
  const straightforward = await measureCommand(TSX, [main], { cwd: stockDir, env: { CDK8S_OUTDIR: outdir }, timeoutMs: options.straightforwardTimeoutSeconds * 1000 });
  if (!straightforward.timedOut && straightforward.exitCode !== 0) throw new Error(`the straightforward cdk8s app failed (exit ${straightforward.exitCode}):\n${straightforward.stderr}`);
  log(`${workflows} × ${ENVIRONMENTS}: straightforward cdk8s ${straightforward.timedOut ? `stopped after ${options.straightforwardTimeoutSeconds} s` : `${(straightforward.wallMs / 1000).toFixed(2)} s`}`);
  return { workflows, environments: ENVIRONMENTS, ...counts, project, cold, floor, physicalFloor, serializers, straightforward };
}

/** Where ts-node comes from for the stock comparison, or why there is none. */
function locateTsNode(): { extraPackages: Record<string, string> } | { skipped: string } {
  try {
    require.resolve('ts-node/package.json', { paths: [ROOT] });
    return { extraPackages: {} };
  } catch {
    const dir = process.env.BENCH_TS_NODE_DIR;
    if (dir && fs.existsSync(path.join(dir, 'package.json'))) return { extraPackages: { 'ts-node': path.resolve(dir) } };
    return { skipped: 'ts-node is not installed (add the devDependency ts-node@10.9.2, or set BENCH_TS_NODE_DIR to a ts-node package folder)' };
  }
}

function countDocuments(dir: string): number {
  return listFiles(dir).reduce((n, f) => n + parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).filter((d) => d.contents !== null).length, 0);
}

async function measureReference(options: BenchOptions, work: string, profiles: StageProfile[]): Promise<ReferenceResult> {
  const workflows = loadConfig(CONFIG_DIR).environments[0]?.workflows.length ?? 0;
  const tsNode = locateTsNode();
  const stockDir = path.join(work, 'stock-app-reference');
  if ('extraPackages' in tsNode) writeStockApp({ dir: stockDir, projectRoot: ROOT, configDir: CONFIG_DIR, extraPackages: tsNode.extraPackages });
  const project: Measurement[] = [];
  const fresh: Measurement[] = [];
  const cold: Measurement[] = [];
  const stock: Measurement[] = [];
  // As in the repository, where dist/ is committed: every timed run renders over the previous output.
  const outdir = path.join(work, 'reference-synth');
  let objects = (await runProjectSynth(CONFIG_DIR, outdir, workflows)).objects;
  for (let run = 0; run < options.runs; run++) {
    settleDisk();
    const synth = await runProjectSynth(CONFIG_DIR, outdir, workflows);
    project.push(synth.measurement);
    objects = synth.objects;
    settleDisk();
    const empty = await runProjectSynth(CONFIG_DIR, path.join(work, `reference-fresh-${run}`), workflows);
    fresh.push(empty.measurement);
    settleDisk();
    const rendered = await runProjectSynth(CONFIG_DIR, path.join(work, `reference-no-cache-${run}`), workflows, true);
    cold.push(rendered.measurement);
    log(`reference: npm run synth ${(synth.measurement.wallMs / 1000).toFixed(2)} s over its output, ${(empty.measurement.wallMs / 1000).toFixed(2)} s into an empty folder, ${(rendered.measurement.wallMs / 1000).toFixed(2)} s with --no-cache`);
    if (!('extraPackages' in tsNode)) continue;
    const stockOut = path.join(work, `reference-stock-${run}`);
    settleDisk();
    const m = await measureCommand('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', stockOut], { cwd: stockDir });
    if (m.exitCode !== 0) throw new Error(`npx cdk8s synth failed (exit ${m.exitCode}):\n${m.stderr}${m.stdout}`);
    const stockObjects = countDocuments(stockOut);
    if (stockObjects !== objects) throw new Error(`stock cdk8s synth wrote ${stockObjects} objects, npm run synth ${objects}: they do not render the same catalog`);
    stock.push(m);
    log(`reference: npx cdk8s synth ${(m.wallMs / 1000).toFixed(2)} s`);
  }
  if (options.profile) {
    for (const noCache of [false, true]) {
      profiles.push(await profileSynth({ root: ROOT, configDir: CONFIG_DIR, outdir: path.join(work, `reference-profiled${noCache ? '-no-cache' : ''}`), label: `reference (${workflows} × 3)${noCache ? ', --no-cache' : ''}`, noCache }));
    }
  }
  return 'extraPackages' in tsNode ? { workflows, objects, project, fresh, cold, stock } : { workflows, objects, project, fresh, cold, stockSkipped: tsNode.skipped };
}

function report(results: BenchResults, options: BenchOptions): void {
  process.stdout.write('\n' + consoleReport(results));
  if (options.save) fs.writeFileSync(options.save, JSON.stringify(results, null, 2) + '\n');
  if (options.write) {
    fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), benchmarksMarkdown(results));
    fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'docs', 'bench-chart.svg'), chartSvg(results));
    log('wrote BENCHMARKS.md and docs/bench-chart.svg');
  }
}

async function bench(options: BenchOptions): Promise<void> {
  if (options.render) {
    report(JSON.parse(fs.readFileSync(options.render, 'utf8')) as BenchResults, options);
    return;
  }
  const machine = machineInfo();
  log(`${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; load ${machine.loadAverage.join(' ')}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'langgraph-bench-'));
  try {
    const sizes: SizeResult[] = [];
    const profiles: StageProfile[] = [];
    // The reference first, while the machine is quiet: after the big catalogs, the kernel is still
    // writing back and discarding hundreds of thousands of files for a while.
    const reference = await measureReference(options, work, profiles);
    for (const n of options.sizes) sizes.push(await measureSize(n, options, work, profiles));
    const waivers = options.waiverWorkflows > 0 ? measureWaivers({ workflows: options.waiverWorkflows, environment: 'prod', runs: options.runs, log }) : undefined;
    const results: BenchResults = {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      machine,
      loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
      runs: options.runs,
      straightforwardTimeoutSeconds: options.straightforwardTimeoutSeconds,
      sizes,
      reference,
      ...(options.profile ? { profiles } : {}),
      ...(waivers ? { waivers } : {}),
    };
    report(results, options);
  } finally {
    log(`removing ${work}`);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** `npm run bench` with `argv`; returns the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  return runCommand(BENCH_COMMAND, argv, async ({ values }) => {
    const options: BenchOptions = {
      sizes: values.sizes,
      runs: values.runs,
      straightforwardTimeoutSeconds: values['straightforward-timeout'],
      waiverWorkflows: values.waivers,
      write: !values['no-write'],
      profile: values.profile,
      save: values.save,
      render: values.render,
    };
    try {
      // `npm run synth` runs the precompiled lib/: build it now, so no measured run pays for it.
      if (ensureBuilt(ROOT)) log('built lib/ (npm run synth runs it)');
      await bench(options);
      return 0;
    } catch (e) {
      process.stderr.write(`bench failed: ${e instanceof Error ? e.message : e}\n`);
      return 1;
    }
  });
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
