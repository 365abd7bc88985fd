/**
 * `npx tsx scripts/bench/waivers.ts [--workflows 500] [--environment prod] [--runs 3]`
 *
 * The gate with about 1,000 waivers: a generated catalog (scripts/bench/catalog.ts) whose waiver
 * list gets scanner waivers on each workflow's objects until the environment holds about 1,000,
 * rendered once; then the gate is timed over the same objects with the waiver index
 * (src/validation/waiver-index.ts) and with a linear scan of the list in its place (the cost the
 * index removes: waivers × objects), interleaved, medians printed. Not a test, and not part of
 * `npm run bench`: nothing fails on a number.
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

function main(): void {
  const workflows = Number(option('workflows', '500'));
  const environment = option('environment', 'prod');
  const runs = Number(option('runs', '3'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-waivers-'));
  try {
    const configDir = writeGeneratedConfig({ baseConfigDir: path.join(ROOT, 'config'), targetDir: path.join(work, 'config'), workflows });
    const names = (parseDocument(fs.readFileSync(path.join(configDir, 'workflows.yaml'), 'utf8')).toJS() as { workflows: { name: string }[] }).workflows.map((w) => w.name);
    // Scanner waivers, spread over the workflows until the environment holds about 1,000 (each must
    // name a rendered object or it is stale: every workflow has a Namespace and a Service `<name>-api`).
    const file = path.join(configDir, 'waivers.yaml');
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    const list = doc.get('waivers');
    if (!isSeq(list)) throw new Error(`${file} has no waivers list`);
    const existing = loadPlatform(configDir).environments.find((e) => e.environment.name === environment)?.environment.waivers.length ?? 0;
    for (let k = 0; k < Math.max(names.length, TARGET_WAIVERS - existing); k++) {
      const name = names[k % names.length];
      const [kind, object] = k < names.length ? ['Namespace', name] : ['Service', `${name}-api`];
      list.add(doc.createNode({ rule: 'kube-linter/bench-check', kind, name: object, environments: [environment], reason: 'benchmark: waivers spread over the workflows' }));
    }
    fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));

    const resolved = loadPlatform(configDir).environments.find((e) => e.environment.name === environment);
    if (!resolved) throw new Error(`no environment "${environment}"`);
    process.stderr.write(`rendering ${environment}: ${resolved.workflows.length} workflows, ${resolved.environment.waivers.length} waivers\n`);
    const objects = renderEnvironment(resolved);
    runGate(objects.slice(0, 200), [resolved]); // load the schema validators outside the timed runs

    const indexed = WaiverIndex.prototype.matching;
    const timed: Record<'index' | 'linear scan', number[]> = { index: [], 'linear scan': [] };
    for (let run = 0; run < runs; run++) {
      for (const mode of ['index', 'linear scan'] as const) {
        WaiverIndex.prototype.matching = mode === 'index' ? indexed : linearMatching;
        const before = cpuMs();
        const gate = runGate(objects, [resolved]);
        const spent = cpuMs() - before;
        if (gate.violations.length) throw new Error(`the gate found ${gate.violations.length} violation(s) (${mode}): ${gate.violations[0].rule} ${gate.violations[0].object}`);
        timed[mode].push(spent);
        process.stderr.write(`  run ${run + 1}, ${mode}: ${(spent / 1000).toFixed(2)} CPU-s, ${gate.waived?.length ?? 0} waived\n`);
      }
    }
    WaiverIndex.prototype.matching = indexed;
    process.stdout.write(`${environment}, ${resolved.workflows.length} workflows, ${objects.length} objects, ${resolved.environment.waivers.length} waivers; gate CPU time, median of ${runs}:\n`);
    for (const [mode, values] of Object.entries(timed)) process.stdout.write(`  ${mode.padEnd(12)} ${(median(values) / 1000).toFixed(2)} s\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
