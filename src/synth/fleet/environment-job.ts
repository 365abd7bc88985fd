/**
 * One environment, start to finish: the pipeline's stages (render, waivers, gate, serialize) and,
 * when the gate passes, its files written into the shared staging folder. Runs the same in the
 * main thread and in a worker; everything it returns is plain data (it crosses threads).
 */
import { ResolvedEnvironment } from '../../config/resolved';
import { GateResult } from '../../validation/gate';
import { synthesizeEnvironment } from '../pipeline';
import { EnvironmentSummary, summarize } from '../summary';
import { writeFilesInto } from './staged-output';

export type FleetStage = 'render' | 'gate' | 'serialize' | 'write' | 'done';

/** Where one environment stands: `done` of `total` workflows (render) or objects (later stages). */
export interface FleetProgress {
  readonly environment: string;
  readonly stage: FleetStage;
  readonly done: number;
  readonly total: number;
}

export interface EnvironmentOutcome {
  readonly environment: string;
  /** What was rendered; undefined when the environment renders no objects (as `summarize` leaves it out). */
  readonly summary?: EnvironmentSummary;
  readonly gate: GateResult;
}

/**
 * Synthesizes `resolved` and, unless the gate found violations, writes its files under `stagingDir`
 * (paths start with the environment's folder, so environments never touch each other's files).
 */
export function runEnvironmentJob(resolved: ResolvedEnvironment, stagingDir: string, onProgress?: (p: FleetProgress) => void): EnvironmentOutcome {
  const environment = resolved.environment.name;
  const report = (stage: FleetStage, done: number, total: number) => onProgress?.({ environment, stage, done, total });
  const part = synthesizeEnvironment(resolved, report);
  if (part.gate.violations.length === 0) writeFilesInto(stagingDir, part.files, (done, total) => report('write', done, total));
  const summary = summarize({ config: { configDir: '', environments: [resolved] }, ...part }, '', 0).environments[0];
  report('done', part.files.length, part.files.length);
  return { environment, summary, gate: part.gate };
}
