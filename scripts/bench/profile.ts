/**
 * Where a synth's CPU goes, by stage (`npm run bench -- --profile`). One extra synth per size, not
 * timed with the others (the profiler slows it down): the same program `npm run synth` runs
 * (`node scripts/run-built.js cli/synth`, without npm in front), under V8's sampling profiler
 * (`node --cpu-prof`, one profile per thread: the main thread and every worker of the fleet, which
 * inherit the flag).
 *
 * Each sample is one tick (1 ms) of a running thread with its call stack; it goes to the stage of
 * the innermost frame on that stack that belongs to a stage (by the file of the function):
 *   load       module loading and compiling (require), config loading and merging, capacity plans
 *   construct  charts and constructs, cdk8s and cdk8s-plus, Argo CD, observability rules
 *   render cache  reading and storing rendered workflows (src/synth/render-cache.ts)
 *   gate       the validation gate (src/validation/)
 *   serialize  YAML (src/synth/serialize.ts, and `yaml` below it)
 *   write      staging files, shared writes, the atomic swap (src/synth/write.ts, fleet/staged-output.ts, fleet/shared-writes.ts)
 * Innermost wins, so a module loaded lazily while rendering counts as load, and YAML written by a
 * helper thread as serialize. Garbage collection (no JavaScript stack) is its own line; samples
 * in none of these (the CLI, the fleet's coordination, messages between threads) are "other";
 * idle samples are not CPU and are left out.
 *
 * Samples are counted, not their time deltas: a delta is wall time since the previous sample, so
 * on a busy machine it includes the time the thread waited for a core. Each stage's share of the
 * samples (all threads) is then applied to the process's CPU time measured by GNU time (user +
 * system, the profiler's own cost included); without GNU time, samples × the 1 ms interval.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measureCommand } from './measure';

export const STAGES = ['load', 'construct', 'render cache', 'gate', 'serialize', 'write', 'garbage collection', 'other'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageProfile {
  /** What was profiled, e.g. "500 × 3". */
  readonly label: string;
  /** Threads profiled (main + workers). */
  readonly threads: number;
  /** Samples per stage, all threads. */
  readonly samples: Readonly<Record<Stage, number>>;
  /** CPU time per stage, in milliseconds: its share of the samples × the process's CPU time. */
  readonly stageMs: Readonly<Record<Stage, number>>;
  /** CPU time (user + system) of the profiled process, profiler included, from GNU time; undefined without it. */
  readonly processCpuMs?: number;
  readonly wallMs: number;
}

interface CallFrame { readonly functionName: string; readonly url: string }
interface ProfileNode { readonly id: number; readonly callFrame: CallFrame; readonly children?: readonly number[] }
interface CpuProfile { readonly nodes: readonly ProfileNode[]; readonly samples: readonly number[] }

/** V8's default sampling interval (`--cpu-prof-interval`, 1000 µs). */
const SAMPLE_MS = 1;

/** The stage a frame belongs to, or undefined when it marks none. */
export function stageOfFrame(frame: CallFrame): Stage | undefined {
  const url = frame.url.replace(/\\/g, '/');
  if (url.includes('/src/synth/serialize.')) return 'serialize';
  if (url.includes('/src/synth/render-cache.')) return 'render cache';
  if (/\/src\/synth\/(write|fleet\/staged-output|fleet\/shared-writes)\./.test(url)) return 'write';
  if (url.includes('/src/validation/')) return 'gate';
  if (/\/src\/(config|capacity)\//.test(url)) return 'load';
  if (url.startsWith('node:internal/modules/') || /^(Module\._load|Module\._compile|Module\.require|compileFunction|wrapSafe)$/.test(frame.functionName)) return 'load';
  if (/\/src\/(charts|constructs|gitops|observability|metric-catalog)\//.test(url) || url.includes('/src/synth/render.') || url.includes('/src/synth/platform-aspects.') || url.includes('/imports/')) return 'construct';
  if (/\/node_modules\/(cdk8s|cdk8s-plus-27|constructs)\//.test(url)) return 'construct';
  return undefined;
}

/** Samples per stage of one thread's profile. */
export function stagesOfProfile(profile: CpuProfile): Record<Stage, number> {
  const out = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOfNode = new Map<number, Stage | 'idle'>();
  const resolve = (id: number): Stage | 'idle' => {
    const known = stageOfNode.get(id);
    if (known) return known;
    const frame = byId.get(id)!.callFrame;
    let stage: Stage | 'idle' | undefined;
    if (frame.functionName === '(idle)') stage = 'idle';
    else if (frame.functionName === '(garbage collector)') stage = 'garbage collection';
    else stage = stageOfFrame(frame) ?? (parent.has(id) ? resolve(parent.get(id)!) : 'other');
    stageOfNode.set(id, stage);
    return stage;
  };
  profile.samples.forEach((id) => {
    const stage = resolve(id);
    if (stage !== 'idle') out[stage] += 1;
  });
  return out;
}

/**
 * Runs the synth under the profiler into `outdir` and sums its threads' profiles by stage.
 * Throws if the synth fails or leaves no profile.
 */
export async function profileSynth(options: { readonly root: string; readonly configDir: string; readonly outdir: string; readonly label: string; /** Run with --no-cache (every workflow rendered). @default false */ readonly noCache?: boolean }): Promise<StageProfile> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  try {
    const m = await measureCommand(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, path.join(options.root, 'scripts', 'run-built.js'), 'cli/synth', '--config', options.configDir, '--outdir', options.outdir, '--quiet', ...(options.noCache ? ['--no-cache'] : [])], { cwd: options.root });
    if (m.exitCode !== 0) throw new Error(`the profiled synth failed (exit ${m.exitCode}):\n${m.stderr}`);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (!files.length) throw new Error('the profiled synth left no CPU profile');
    const samples = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
    for (const f of files) {
      const stages = stagesOfProfile(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CpuProfile);
      for (const s of STAGES) samples[s] += stages[s];
    }
    const total = STAGES.reduce((n, s) => n + samples[s], 0);
    const msPerSample = m.cpuMs !== undefined && total > 0 ? m.cpuMs / total : SAMPLE_MS;
    const stageMs = Object.fromEntries(STAGES.map((s) => [s, samples[s] * msPerSample])) as Record<Stage, number>;
    return { label: options.label, threads: files.length, samples, stageMs, processCpuMs: m.cpuMs, wallMs: m.wallMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
