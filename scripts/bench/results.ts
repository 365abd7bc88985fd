/** The benchmark's measurements and what is derived from them (medians, ratios, targets). */
import { FloorMeasurement } from './floor';
import { MachineInfo } from './machine';
import { Measurement } from './measure';

export interface SizeResult {
  /** Workflows per environment. */
  readonly workflows: number;
  readonly environments: number;
  readonly objects: number;
  readonly files: number;
  /** `npm run synth`, one entry per run. */
  readonly project: readonly Measurement[];
  /** The floor, one entry per run (interleaved with the project's runs). */
  readonly floor: readonly FloorMeasurement[];
  /** The stock cdk8s app run through tsx (no type-check); undefined when not measured at this size. */
  readonly straightforward?: Measurement;
}

export interface ReferenceResult {
  readonly workflows: number;
  readonly objects: number;
  readonly project: readonly Measurement[];
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
export const floorSeconds = (s: SizeResult) => median(s.floor.map((f) => f.wallMs)) / 1000;
export const peakRssMiB = (runs: readonly Measurement[]) => {
  const known = runs.map((m) => m.peakRssKib).filter((v): v is number => v !== undefined);
  return known.length ? Math.max(...known) / 1024 : undefined;
};

export function targets(results: BenchResults): Target[] {
  const size = (n: number) => results.sizes.find((s) => s.workflows === n);
  const s100 = size(100);
  const s500 = size(500);
  const out: Target[] = [];
  if (s500) {
    const ratio = projectSeconds(s500) / floorSeconds(s500);
    out.push({ name: '500 × 3 against the floor', goal: '≤ 1.5× the floor', measured: `${ratio.toFixed(2)}× (${projectSeconds(s500).toFixed(2)} s vs ${floorSeconds(s500).toFixed(2)} s)`, met: ratio <= 1.5 });
  }
  if (s100 && s500) {
    const scaling = projectSeconds(s500) / projectSeconds(s100);
    out.push({ name: 'time(500) / time(100)', goal: '≤ 5.5 (linear)', measured: scaling.toFixed(2), met: scaling <= 5.5 });
  }
  const ref = results.reference;
  if (ref.stock) {
    const speedup = median(ref.stock.map((m) => m.wallMs)) / median(ref.project.map((m) => m.wallMs));
    out.push({ name: 'reference config: stock `npx cdk8s synth` / `npm run synth`', goal: '≥ 3× faster', measured: `${speedup.toFixed(2)}×`, met: speedup >= 3 });
  } else {
    out.push({ name: 'reference config: stock `npx cdk8s synth` / `npm run synth`', goal: '≥ 3× faster', measured: `not measured: ${ref.stockSkipped}` });
  }
  if (s500) {
    const peak = peakRssMiB(s500.project);
    out.push({ name: 'peak memory at 500 × 3', goal: '< 1 GiB', measured: peak === undefined ? 'unknown' : `${peak.toFixed(0)} MiB`, met: peak === undefined ? undefined : peak < 1024 });
  }
  return out;
}
