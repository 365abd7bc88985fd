/** The benchmark's printed table, BENCHMARKS.md and the chart's series, from one set of results. */
import { ChartSeries, lineChartSvg } from './chart';
import { BenchResults, coldSeconds, cpuSeconds, floorSeconds, median, peakRssMiB, perObjectMicros, projectSeconds, targets } from './results';
import { Measurement } from './measure';
import { STAGES, StageProfile } from './profile';

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number | undefined) => (kib === undefined ? '?' : `${(kib / 1024).toFixed(0)} MiB`);

function straightforwardCell(m: Measurement | undefined, timeoutSeconds: number): string {
  if (!m) return 'not run';
  if (m.timedOut) return `> ${timeoutSeconds} s (stopped)`;
  return `${s(m.wallMs)}, ${mib(m.peakRssKib)}`;
}

const cpuCell = (runs: readonly { readonly cpuMs?: number }[] | undefined) => {
  const c = runs && cpuSeconds(runs);
  return c === undefined ? '?' : `${c.toFixed(2)} s`;
};

function tableRows(r: BenchResults): string[][] {
  return r.sizes.map((size) => {
    const perObject = size.serializers && perObjectMicros(size.serializers);
    return [
      `${size.workflows} × ${size.environments}`,
      String(size.objects),
      `${projectSeconds(size).toFixed(2)} s`,
      cpuCell(size.project),
      `${peakRssMiB(size.project)?.toFixed(0) ?? '?'} MiB`,
      size.cold?.length ? `${coldSeconds(size)!.toFixed(2)} s, CPU ${cpuCell(size.cold)}, ${peakRssMiB(size.cold)?.toFixed(0) ?? '?'} MiB` : '?',
      `${floorSeconds(size).toFixed(2)} s`,
      cpuCell(size.floor),
      `${(projectSeconds(size) / floorSeconds(size)).toFixed(2)}×${size.cold?.length ? ` (--no-cache ${(coldSeconds(size)! / floorSeconds(size)).toFixed(2)}×)` : ''}`,
      size.physicalFloor?.length ? `${s(median(size.physicalFloor.map((f) => f.wallMs)))} (CPU ${cpuCell(size.physicalFloor)})` : '?',
      perObject ? `${perObject.previous.toFixed(0)} → ${perObject.current.toFixed(0)} µs` : '?',
      straightforwardCell(size.straightforward, r.straightforwardTimeoutSeconds),
    ];
  });
}

const HEADER = ['workflows × envs', 'objects', 'npm run synth (wall)', 'CPU (user+sys)', 'peak RSS', 'with --no-cache: wall, CPU, peak', 'floor (wall)', 'floor CPU', 'synth / floor', 'physical floor: JSON + write', 'YAML CPU per object: old → now', 'straightforward cdk8s'];

/** The profile by stage as a Markdown table: one column per profiled run. */
function profileTable(profiles: readonly StageProfile[]): string {
  const total = (p: StageProfile) => STAGES.reduce((n, stage) => n + p.stageMs[stage], 0);
  const head = `| stage | ${profiles.map((p) => p.label).join(' | ')} |\n|---|${profiles.map(() => '---').join('|')}|`;
  const rows = STAGES.map((stage) => `| ${stage} | ${profiles.map((p) => `${s(p.stageMs[stage])} (${((100 * p.stageMs[stage]) / total(p)).toFixed(0)} %)`).join(' | ')} |`);
  const sums = `| **CPU (profiled run)** | ${profiles.map((p) => `${s(total(p))} in ${p.threads} thread${p.threads === 1 ? '' : 's'}, ${STAGES.reduce((n, stage) => n + p.samples[stage], 0)} samples${p.processCpuMs === undefined ? ' (no GNU time: samples × 1 ms)' : ''}; ${s(p.wallMs)} wall`).join(' | ')} |`;
  return [head, ...rows, sums].join('\n');
}

function profileLines(profiles: readonly StageProfile[]): string[] {
  return profiles.map((p) => {
    const total = STAGES.reduce((n, stage) => n + p.stageMs[stage], 0);
    return `profile ${p.label}: ${STAGES.map((stage) => `${stage} ${((100 * p.stageMs[stage]) / total).toFixed(0)} %`).join(', ')} of ${s(total)} CPU`;
  });
}

export function consoleReport(r: BenchResults): string {
  const rows = [HEADER, ...tableRows(r)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join('  ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), ''];
  const ref = r.reference;
  out.push(`reference config (${ref.workflows} workflows × 3, ${ref.objects} objects): npm run synth ${s(median(ref.project.map((m) => m.wallMs)))}, CPU ${cpuCell(ref.project)} (runs: ${ref.project.map((m) => s(m.wallMs)).join(', ')})`);
  if (ref.fresh?.length) out.push(`  into an empty folder: ${s(median(ref.fresh.map((m) => m.wallMs)))}, CPU ${cpuCell(ref.fresh)} (runs: ${ref.fresh.map((m) => s(m.wallMs)).join(', ')})`);
  if (ref.cold?.length) out.push(`  with --no-cache, into an empty folder: ${s(median(ref.cold.map((m) => m.wallMs)))}, CPU ${cpuCell(ref.cold)} (runs: ${ref.cold.map((m) => s(m.wallMs)).join(', ')})`);
  if (ref.stock) out.push(`  stock npx cdk8s synth (ts-node): ${s(median(ref.stock.map((m) => m.wallMs)))}, CPU ${cpuCell(ref.stock)} (runs: ${ref.stock.map((m) => s(m.wallMs)).join(', ')})`);
  else out.push(`  stock npx cdk8s synth: skipped — ${ref.stockSkipped}`);
  if (r.profiles?.length) out.push('', ...profileLines(r.profiles));
  out.push('');
  for (const t of targets(r)) out.push(`${t.met === undefined ? '  ?  ' : t.met ? ' MET ' : 'MISSED'} ${t.name}: ${t.measured} (target ${t.goal})`);
  out.push(`load average before ${r.machine.loadAverage.join(' / ')}, after ${r.loadAverageAfter.join(' / ')} (1/5/15 min, ${r.machine.cores} cores)`);
  return out.join('\n') + '\n';
}

export function chartSvg(r: BenchResults): string {
  const series: ChartSeries[] = [
    { label: 'npm run synth', color: '#1f77b4', points: r.sizes.map((size) => ({ n: size.workflows, seconds: projectSeconds(size) })) },
    ...(r.sizes.every((size) => size.cold?.length) ? [{ label: 'synth --no-cache', color: '#9467bd', points: r.sizes.map((size) => ({ n: size.workflows, seconds: coldSeconds(size)! })) }] : []),
    { label: 'floor (yaml + write)', color: '#2ca02c', dashed: true, points: r.sizes.map((size) => ({ n: size.workflows, seconds: floorSeconds(size) })) },
    {
      label: 'straightforward cdk8s',
      color: '#d62728',
      points: r.sizes.filter((size) => size.straightforward).map((size) => size.straightforward!.timedOut
        ? { n: size.workflows, limitSeconds: r.straightforwardTimeoutSeconds }
        : { n: size.workflows, seconds: size.straightforward!.wallMs / 1000 }),
    },
  ];
  return lineChartSvg({
    title: 'Synthesis wall time against catalog size (3 environments)',
    subtitle: `${r.machine.cores} cores, ${r.machine.cpuModel}, Node ${r.machine.node}; median of ${r.runs} runs; ${r.date}`,
    series,
  });
}

export function benchmarksMarkdown(r: BenchResults): string {
  const m = r.machine;
  const rows = tableRows(r);
  const table = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
  const ref = r.reference;
  const perRun = r.sizes.map((size) => `| ${size.workflows} | ${size.project.map((p) => s(p.wallMs)).join(', ')} | ${size.cold?.map((p) => s(p.wallMs)).join(', ') ?? '—'} | ${size.floor.map((f) => s(f.wallMs)).join(', ')} | ${size.floor.map((f) => s(f.serializeMs)).join(', ')} | ${size.physicalFloor?.map((f) => s(f.wallMs)).join(', ') ?? '—'} |`).join('\n');
  const profileSection = r.profiles?.length ? `
## Where the time goes (\`npm run bench -- --profile\`)

CPU by stage, from one extra, profiled synth per size (not among the timed runs: the profiler
slows it down), all threads summed (method below).

${profileTable(r.profiles)}
` : '';
  const targetRows = targets(r).map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${t.met === undefined ? '—' : t.met ? 'met' : '**missed**'} |`).join('\n');
  return `# Benchmarks

Generated by \`npm run bench\` (scripts/bench.ts) on ${r.date}. Re-run it to refresh this file and
[docs/bench-chart.svg](docs/bench-chart.svg); nothing here is edited by hand.

![wall time against catalog size](docs/bench-chart.svg)

## Machine

| | |
|---|---|
| CPU | ${m.cpuModel} |
| cores (nproc) | ${m.cores} |
| memory | ${m.memoryGiB} GiB |
| Node.js | ${m.node} |
| OS | ${m.os} |
| load average before / after (1, 5, 15 min) | ${m.loadAverage.join(', ')} / ${r.loadAverageAfter.join(', ')} |

The load average shows how busy the machine was with other work during the run: with a load
above the number of cores, every wall time here is inflated, the project's (which uses both
cores) more than the floor's (one core).

## Targets

| target | goal | measured | |
|---|---|---|---|
${targetRows}

## Results (median of ${r.runs} runs)

${table}

Reference config (the committed catalog: ${ref.workflows} workflows × 3 environments, ${ref.objects} objects):
\`npm run synth\` over its previous output, as in the repository, ${s(median(ref.project.map((x) => x.wallMs)))}, CPU ${cpuCell(ref.project)} (runs: ${ref.project.map((x) => s(x.wallMs)).join(', ')}, peak ${peakRssMiB(ref.project)?.toFixed(0) ?? '?'} MiB)${ref.fresh?.length ? `; into an empty folder ${s(median(ref.fresh.map((x) => x.wallMs)))}, CPU ${cpuCell(ref.fresh)} (runs: ${ref.fresh.map((x) => s(x.wallMs)).join(', ')})` : ''}${ref.cold?.length ? `; with \`--no-cache\`, into an empty folder, ${s(median(ref.cold.map((x) => x.wallMs)))}, CPU ${cpuCell(ref.cold)} (runs: ${ref.cold.map((x) => s(x.wallMs)).join(', ')})` : ''};
${ref.stock ? `stock \`npx cdk8s synth --no-check-upgrade\` with the default \`npx ts-node main.ts\` app ${s(median(ref.stock.map((x) => x.wallMs)))}, CPU ${cpuCell(ref.stock)} (runs: ${ref.stock.map((x) => s(x.wallMs)).join(', ')}, peak ${peakRssMiB(ref.stock)?.toFixed(0) ?? '?'} MiB).` : `stock \`npx cdk8s synth\` not measured: ${ref.stockSkipped}.`}

Every run, per size (wall time):

| workflows | npm run synth | with --no-cache | floor | of which YAML stringify | physical floor |
|---|---|---|---|---|---|
${perRun}
${profileSection}
## What is measured

- **npm run synth**: \`npm run --silent synth -- --config <generated> --outdir <fresh folder> --json\`
  as a child process: process start, config loading, rendering, the validation gate, YAML and the
  atomic write all included. Wall time from the outside; peak RSS and CPU from GNU time
  (\`/usr/bin/time -v\`: the largest single process of the tree, worker threads included).
- **render cache, and \`--no-cache\`**: each run is a pair. First \`npm run synth -- --no-cache\`
  (into its own fresh folder): every workflow rendered, and stored in the render cache
  (src/synth/render-cache.ts) — what the first run after a change to the code costs, or CI's run
  from a clean clone. Then \`npm run synth\`, which finds every workflow in the cache (none of
  the catalog's settings changed) and renders none: what every later run costs, plus rendering
  the few workflows a change touches. Both still load the config, gate every object, serialize and
  write every file. The benchmark checks that the two write byte-identical folders. The targets'
  \`npm run synth\` figures are the second kind; the \`--no-cache\` ones are given beside them.
- **floor**: the objects the synth wrote, parsed back from its output folder (not timed), then
  serialized with the project's serializer (src/synth/serialize.ts, \`yaml\` at our settings, created afresh per run) and
  written to the same layout in a fresh folder — nothing else — timed in the benchmark's own
  process, on one thread, one environment folder at a time (holding all 500 × 3 workflows' objects
  at once makes V8's full collections mark a huge heap again and again: measured here, that more
  than doubles the time, so it would not be a floor). The benchmark checks that the floor's folder
  is byte-identical to the synth's. Wall and CPU time (\`process.cpuUsage\`) of that part.
- **physical floor**: the same objects written to the same layout as \`JSON.stringify\` text: file
  creation with the cheapest serialization there is; the gap to the floor is YAML's.
- **YAML CPU per object, old → now**: once per size, every loaded object serialized by the old
  serializer (\`stringify(object, YAML_OPTIONS)\`, a \`Document\` per object) and by the current one
  (src/synth/serialize.ts: created afresh per environment folder, so nothing is remembered from
  before), one folder at a time in this process, the one that goes first alternating folder by
  folder (the second pays for collecting the first's garbage), in CPU time; the benchmark checks that
  both give the same text for every object (so the old serializer's bytes equal the synth's).
- **profile** (with \`--profile\`): \`node --cpu-prof scripts/run-built.js cli/synth …\` (the program
  \`npm run synth\` runs, without npm), one V8 profile per thread (the fleet's workers inherit the
  flag); each sample goes to the stage of the innermost frame of its stack that belongs to one,
  by source file (scripts/bench/profile.ts): load (module loading and compiling, config, capacity
  plans), construct (charts, constructs, cdk8s, Argo CD, observability), render cache (reading
  and storing rendered workflows), gate (src/validation/),
  serialize (src/synth/serialize.ts and \`yaml\` below it), write (staging, shared writes, the
  swap); garbage collection apart; "other" is the rest (CLI, the fleet's coordination, messages
  between threads). Samples are counted (their time deltas are wall time, which on a busy machine
  includes waiting for a core), and each stage's share applied to the profiled process's CPU time
  from GNU time (the profiler's own cost included, so the total is above the timed runs' CPU).
- **straightforward cdk8s**: a stock cdk8s app (scripts/bench/stock-app.ts: one \`App\`, one
  \`WorkflowChart\` per workflow and environment and each environment's \`SharedChart\`,
  \`app.synth()\`: the objects \`npm run synth\` writes under \`dist/<env>/\`) run with tsx, so no type-check:
  cdk8s's own cost. Every chart's synthesis re-runs the whole-app passes, so it grows with the
  square of the catalog; runs are stopped after ${r.straightforwardTimeoutSeconds} s.
- **reference**: the committed catalog, \`npm run synth\` against the same stock app run by the
  stock CLI, \`npx cdk8s synth --no-check-upgrade --output <tmp>\`, whose app command is the
  \`cdk8s init\` default \`npx ts-node main.ts\` (type-checked on every run). \`npm run synth\` is
  timed as a developer runs it in the repository: over its previous output (an untimed first run
  renders it), where files whose bytes did not change are hard-linked from it rather than created
  again; and, beside it, into a new, empty folder every run. Every run after the benchmark's first
  finds lib/ built and the module and schema-validator caches (node_modules/.cache) filled, as a
  developer's second run does; a first run after \`npm ci\` compiles and fills them (seconds).
  Measured before the catalogs, on a quiet machine (after them, the kernel is busy for a while
  writing back and discarding their files).
- **waivers**: the gate alone (scripts/bench/waivers.ts), in this process, over one environment of
  a generated catalog (${r.waivers ? `${r.waivers.workflows} workflows, ${r.waivers.objects} objects` : 'not measured in this run'}) with about 1,000 scanner waivers
  added, against the same objects with the catalog's own few, and with a linear scan of the list
  in the waiver index's place; CPU time, runs interleaved.
- Catalogs of 1, 100 and 500 workflows are generated (scripts/bench/catalog.ts) over the
  committed defaults and environments: a deterministic mix of canary and rolling delivery, four
  pod sizes, grace-period, app-config and per-environment autoscaling overrides. Above the 63
  workflows one Gateway API Gateway can serve, a \`gateway-api\` environment takes its default entry
  type (synth refuses the config otherwise).
- The runs of the synth and of the floor alternate, so both see the same background load; the
  disk is flushed (\`sync\`, not timed) before every timed run, and outputs are deleted only after
  the last one (the root file system is mounted with \`discard\`: after deleting tens of thousands of
  files, creating files is several times slower for a while), so no run pays for another's.
`;
}
