/** The benchmark's measurements and what is derived from them (medians, ratios, targets). */
import { FloorMeasurement, SerializerComparison } from './floor';
import { MachineInfo } from './machine';
import { Measurement } from './measure';
import { StageProfile } from './profile';
import type { WaiverMeasurement } from './waivers';

export interface SizeResult {
  /** Workflows per environment. */
  readonly workflows: number;
  readonly environments: number;
  readonly objects: number;
  readonly files: number;
  /** `npm run synth`, one entry per run: the render cache holds every workflow (see `cold`). */
  readonly project: readonly Measurement[];
  /** `npm run synth -- --no-cache` (every workflow rendered), one entry per run; absent in older results. */
  readonly cold?: readonly Measurement[];
  /** The floor, one entry per run (interleaved with the project's runs). */
  readonly floor: readonly FloorMeasurement[];
  /** The physical floor (`JSON.stringify` + the same writes), one entry per run; absent in older results. */
  readonly physicalFloor?: readonly FloorMeasurement[];
  /** The old serializer against the current one over the same objects (first run only); absent in older results. */
  readonly serializers?: SerializerComparison;
  /** The stock cdk8s app run through tsx (no type-check); undefined when not measured at this size. */
  readonly straightforward?: Measurement;
}

export interface ReferenceResult {
  readonly workflows: number;
  readonly objects: number;
  /** `npm run synth` over its previous output, as in the repository (dist/ is committed), one entry per run. */
  readonly project: readonly Measurement[];
  /** `npm run synth` into a new, empty folder, one entry per run; absent in older results. */
  readonly fresh?: readonly Measurement[];
  /** `npm run synth -- --no-cache` into a new, empty folder, one entry per run; absent in older results. */
  readonly cold?: readonly Measurement[];
  /** `npx cdk8s synth` with the default ts-node app command; undefined when skipped. */
  readonly stock?: readonly Measurement[];
  readonly stockSkipped?: string;
}

export interface BenchResults {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly loadAverageAfter: readonly number[];
  readonly runs: number;
  readonly straightforwardTimeoutSeconds: number;
  readonly sizes: readonly SizeResult[];
  readonly reference: ReferenceResult;
  /** With `--profile`: CPU by stage, one profiled synth per size and of the reference config. */
  readonly profiles?: readonly StageProfile[];
  /** The gate with about 1,000 waivers (scripts/bench/waivers.ts); absent when not measured. */
  readonly waivers?: WaiverMeasurement;
}

export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  /** undefined when not measured in this run. */
  readonly met?: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const projectSeconds = (s: SizeResult) => median(s.project.map((m) => m.wallMs)) / 1000;
/** Median wall seconds of the `--no-cache` runs; undefined when not measured. */
export const coldSeconds = (s: SizeResult) => (s.cold?.length ? median(s.cold.map((m) => m.wallMs)) / 1000 : undefined);
export const floorSeconds = (s: SizeResult) => median(s.floor.map((f) => f.wallMs)) / 1000;
/** Median CPU seconds of measurements that have it; undefined when none has. */
export const cpuSeconds = (runs: readonly { readonly cpuMs?: number }[]) => {
  const known = runs.map((m) => m.cpuMs).filter((v): v is number => v !== undefined);
  return known.length ? median(known) / 1000 : undefined;
};
export const peakRssMiB = (runs: readonly Measurement[]) => {
  const known = runs.map((m) => m.peakRssKib).filter((v): v is number => v !== undefined);
  return known.length ? Math.max(...known) / 1024 : undefined;
};
/** Serialization CPU per object, old and current, in microseconds. */
export const perObjectMicros = (c: SerializerComparison) => ({ previous: (c.previousCpuMs * 1000) / c.objects, current: (c.currentCpuMs * 1000) / c.objects });

/** The targets of issue 20 (the fleet's serialization, fast start, linear growth, memory, waivers). */
export function targets(results: BenchResults): Target[] {
  const size = (n: number) => results.sizes.find((s) => s.workflows === n);
  const s100 = size(100);
  const s500 = size(500);
  const out: Target[] = [];
  const ref = results.reference;
  const refCpu = cpuSeconds(ref.project);
  const stockCpu = ref.stock && cpuSeconds(ref.stock);
  const speedup = { name: 'reference config: CPU of stock `npx cdk8s synth` / CPU of `npm run synth`', goal: '≥ 10×' };
  if (refCpu !== undefined && stockCpu !== undefined) {
    const x = stockCpu / refCpu;
    out.push({ ...speedup, measured: `${x.toFixed(1)}× (${stockCpu.toFixed(2)} s vs ${refCpu.toFixed(2)} s CPU)`, met: x >= 10 });
  } else {
    out.push({ ...speedup, measured: `not measured: ${ref.stock ? 'no CPU time (GNU time is not installed)' : ref.stockSkipped}` });
  }
  const refWall = median(ref.project.map((m) => m.wallMs)) / 1000;
  const fresh = ref.fresh?.length ? `; into an empty folder ${(median(ref.fresh.map((m) => m.wallMs)) / 1000).toFixed(2)} s` : '';
  const refCold = ref.cold?.length ? median(ref.cold.map((m) => m.wallMs)) / 1000 : undefined;
  const cold = refCold === undefined ? '' : `; with --no-cache, into an empty folder, ${refCold.toFixed(2)} s`;
  out.push({ name: 'reference config: `npm run synth` wall time (over its previous output, as in the repository)', goal: '< 1.5 s', measured: `${refWall.toFixed(2)} s${fresh}${cold}`, met: refWall < 1.5 && (refCold === undefined || refCold < 1.5) });
  const s500serializers = s500?.serializers;
  if (s500serializers) {
    const { previous, current } = perObjectMicros(s500serializers);
    out.push({ name: '500 × 3: serialization CPU per object against the old serializer (same run)', goal: '≤ 0.5×', measured: `${(current / previous).toFixed(2)}× (${current.toFixed(0)} µs vs ${previous.toFixed(0)} µs)`, met: current / previous <= 0.5 });
  }
  if (s500) {
    const ratio = projectSeconds(s500) / floorSeconds(s500);
    const cold = coldSeconds(s500);
    const coldText = cold === undefined ? '' : `; with --no-cache (every workflow rendered) ${(cold / floorSeconds(s500)).toFixed(2)}× (${cold.toFixed(2)} s)`;
    out.push({ name: '500 × 3: wall time against the floor (gate on; the render cache filled by an earlier run)', goal: '≤ 1.1× the floor', measured: `${ratio.toFixed(2)}× (${projectSeconds(s500).toFixed(2)} s vs ${floorSeconds(s500).toFixed(2)} s)${coldText}`, met: ratio <= 1.1 });
  }
  if (s100 && s500) {
    const scaling = projectSeconds(s500) / projectSeconds(s100);
    const [c100, c500] = [coldSeconds(s100), coldSeconds(s500)];
    const coldScaling = c100 !== undefined && c500 !== undefined ? c500 / c100 : undefined;
    out.push({ name: 'time(500) / time(100)', goal: '≤ 5.2', measured: `${scaling.toFixed(2)}${coldScaling === undefined ? '' : `; with --no-cache ${coldScaling.toFixed(2)}`}`, met: scaling <= 5.2 && (coldScaling === undefined || coldScaling <= 5.2) });
  }
  if (s500) {
    const peak = peakRssMiB([...s500.project, ...(s500.cold ?? [])]);
    out.push({ name: 'peak memory at 500 × 3 (with and without the render cache)', goal: '< 768 MiB', measured: peak === undefined ? 'unknown' : `${peak.toFixed(0)} MiB`, met: peak === undefined ? undefined : peak < 768 });
  }
  const waiverTarget = { name: 'gate CPU with about 1,000 waivers against the catalog\'s own few (waivers indexed by kind and name)', goal: '≤ 1.1× (does not grow with waivers × objects)' };
  const w = results.waivers;
  if (w) {
    const [few, many, linear] = [w.gateCpuMs.few, w.gateCpuMs.many, w.gateCpuMs['many, linear scan']].map((v) => median(v) / 1000);
    out.push({ ...waiverTarget, measured: `${(many / few).toFixed(2)}× (${many.toFixed(2)} s with ${w.manyWaivers} vs ${few.toFixed(2)} s with ${w.fewWaivers}, ${w.objects} objects; a linear scan instead of the index: ${linear.toFixed(2)} s)`, met: many / few <= 1.1 });
  } else {
    out.push({ ...waiverTarget, measured: 'not measured in this run (--waivers 0)' });
  }
  return out;
}
