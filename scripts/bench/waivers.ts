/**
 * The gate with about 1,000 waivers (part of `npm run bench`; alone:
 * `npx tsx scripts/bench/waivers.ts [--workflows 500] [--environment prod] [--runs 3]`).
 *
 * A generated catalog (scripts/bench/catalog.ts) is rendered once; its waiver list gets scanner
 * waivers on each workflow's objects until the environment holds about 1,000. The gate is then
 * timed (CPU) over the same objects three ways, interleaved: with the catalog's own few waivers,
 * with the 1,000 through the waiver index (src/validation/waiver-index.ts), and with the 1,000
 * through a linear scan of the list in the index's place (the cost the index removes: waivers ×
 * objects). Medians are reported. Not a test: nothing fails on a number.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isSeq, parseDocument } from 'yaml';
import { writeGeneratedConfig } from './catalog';
import { loadPlatform } from '../../src/synth/pipeline';
import { renderEnvironment } from '../../src/synth/render';
import { runGate } from '../../src/validation/gate';
import { WaiverIndex } from '../../src/validation/waiver-index';
import { WORKFLOW_PLACEHOLDER } from '../../src/constructs/langgraph-workflow';
import type { Waiver } from '../../src/config/schema';

const ROOT = path.resolve(__dirname, '..', '..');
const TARGET_WAIVERS = 1000;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** The index's answer by scanning the whole list, as before the index. */
function linearMatching(this: WaiverIndex, kind: string, name: string, workflow: string | undefined): number[] {
  const waivers = (this as unknown as { waivers: readonly Waiver[] }).waivers;
  const out: number[] = [];
  waivers.forEach((w, i) => {
    if (w.kind !== kind) return;
    if (w.name === name || (workflow !== undefined && w.name.includes(WORKFLOW_PLACEHOLDER) && w.name.split(WORKFLOW_PLACEHOLDER).join(workflow) === name)) out.push(i);
  });
  return out;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface WaiverMeasurement {
  readonly environment: string;
  readonly workflows: number;
  readonly objects: number;
  /** The catalog's own waivers in the environment, and with the benchmark's added. */
  readonly fewWaivers: number;
  readonly manyWaivers: number;
  /** Gate CPU time per run, in ms. */
  readonly gateCpuMs: Readonly<Record<'few' | 'many' | 'many, linear scan', readonly number[]>>;
}

/** See the file comment. `log` is told each run. */
export function measureWaivers(options: { workflows: number; environment: string; runs: number; log?: (line: string) => void }): WaiverMeasurement {
  const { workflows, environment, runs } = options;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-waivers-'));
  try {
    const configDir = writeGeneratedConfig({ baseConfigDir: path.join(ROOT, 'config'), targetDir: path.join(work, 'config'), workflows });
    const few = loadPlatform(configDir).environments.find((e) => e.environment.name === environment);
    if (!few) throw new Error(`no environment "${environment}"`);
    const names = few.workflows.map((w) => w.name);
    // Scanner waivers, spread over the workflows until the environment holds about 1,000 (each must
    // name a rendered object or it is stale: every workflow has a Namespace and a Service `<name>-api`).
    const file = path.join(configDir, 'waivers.yaml');
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    const list = doc.get('waivers');
    if (!isSeq(list)) throw new Error(`${file} has no waivers list`);
    // Two per workflow at most (one object each), so fewer than 500 workflows hold fewer than 1,000.
    const added = Math.min(Math.max(names.length, TARGET_WAIVERS - few.environment.waivers.length), 2 * names.length);
    for (let k = 0; k < added; k++) {
      const name = names[k % names.length];
      const [kind, object] = k < names.length ? ['Namespace', name] : ['Service', `${name}-api`];
      list.add(doc.createNode({ rule: 'kube-linter/bench-check', kind, name: object, environments: [environment], reason: 'benchmark: waivers spread over the workflows' }));
    }
    fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
    const many = loadPlatform(configDir).environments.find((e) => e.environment.name === environment)!;

    options.log?.(`waivers: rendering ${environment}, ${many.workflows.length} workflows, ${many.environment.waivers.length} waivers`);
    const objects = renderEnvironment(many);
    runGate(objects.slice(0, 200), [many]); // load the schema validators outside the timed runs

    const indexed = WaiverIndex.prototype.matching;
    const timed: Record<'few' | 'many' | 'many, linear scan', number[]> = { few: [], many: [], 'many, linear scan': [] };
    try {
      for (let run = 0; run < runs; run++) {
        for (const mode of Object.keys(timed) as (keyof typeof timed)[]) {
          WaiverIndex.prototype.matching = mode === 'many, linear scan' ? linearMatching : indexed;
          const resolved = mode === 'few' ? few : many;
          const before = cpuMs();
          const gate = runGate(objects, [resolved]);
          const spent = cpuMs() - before;
          // With the few, the objects the benchmark's waivers name are reported: that is expected.
          if (mode !== 'few' && gate.violations.length) throw new Error(`the gate found ${gate.violations.length} violation(s) (${mode}): ${gate.violations[0].rule} ${gate.violations[0].object}`);
          timed[mode].push(spent);
          options.log?.(`waivers: run ${run + 1}, ${mode}: ${(spent / 1000).toFixed(2)} CPU-s, ${gate.waived?.length ?? 0} waived`);
        }
      }
    } finally {
      WaiverIndex.prototype.matching = indexed;
    }
    return { environment, workflows: many.workflows.length, objects: objects.length, fewWaivers: few.environment.waivers.length, manyWaivers: many.environment.waivers.length, gateCpuMs: timed };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const m = measureWaivers({ workflows: Number(option('workflows', '500')), environment: option('environment', 'prod'), runs: Number(option('runs', '3')), log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${m.environment}, ${m.workflows} workflows, ${m.objects} objects, ${m.fewWaivers} / ${m.manyWaivers} waivers; gate CPU time, median of ${m.gateCpuMs.few.length}:\n`);
  for (const [mode, values] of Object.entries(m.gateCpuMs)) process.stdout.write(`  ${mode.padEnd(18)} ${(median(values) / 1000).toFixed(2)} s\n`);
}
