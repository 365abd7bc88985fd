/**
 * One environment, start to finish: the pipeline's stages up to the gate's verdict and, when the
 * gate passes, each file serialized and written into the shared staging folder at once (so the
 * files are never all held in memory). Runs the same in the main thread and in a worker;
 * everything it returns is plain data (it crosses threads).
 */
import { ResolvedEnvironment } from '../../config/resolved';
import { GateResult } from '../../validation/gate';
import { checkedEnvironment } from '../pipeline';
import { planFiles, serializeFile } from '../planned-file';
import { EnvironmentSummary, summarize } from '../summary';
import { StagingWriter } from './staged-output';
import { CHUNK_FILES, WriteOffer, claimChunk, claimedChunks, prepareOffer } from './shared-writes';
import { Footprint, footprintOf } from '../../gitops/footprint';
import { isSharedObject } from '../../model/rendered-object';

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
  /** Namespaces and kinds rendered (for the Argo CD project); undefined when nothing was rendered. */
  readonly footprint?: Footprint;
}

export interface EnvironmentJobOptions {
  readonly onProgress?: (p: FleetProgress) => void;
  /**
   * Offers the writes to a helper (see shared-writes.ts) when there are at least
   * `shareWritesFrom` files; the job still writes whatever no helper claims.
   * @default never offered
   */
  readonly offerWrites?: (offer: WriteOffer) => void;
  /** @default 2000 */
  readonly shareWritesFrom?: number;
}

/**
 * Synthesizes `resolved` and, unless the gate found violations, writes its files under `stagingDir`
 * (paths start with the environment's folder, so environments never touch each other's files).
 */
export function runEnvironmentJob(resolved: ResolvedEnvironment, stagingDir: string, options: EnvironmentJobOptions = {}): EnvironmentOutcome {
  const environment = resolved.environment.name;
  const report = (stage: FleetStage, done: number, total: number) => options.onProgress?.({ environment, stage, done, total });
  const { objects, gate } = checkedEnvironment(resolved, report);
  const planned = planFiles(objects);
  if (gate.violations.length === 0) {
    const writer = new StagingWriter(stagingDir);
    if (options.offerWrites && planned.length >= (options.shareWritesFrom ?? 2000)) {
      const { offer, chunks } = prepareOffer(environment, planned);
      options.offerWrites(offer);
      for (let k = claimChunk(offer.claims, 'front'); k !== undefined; k = claimChunk(offer.claims, 'front')) {
        for (const p of chunks[k]) writer.write(serializeFile(p));
        report('write', Math.min(planned.length, claimedChunks(offer.claims, chunks.length) * CHUNK_FILES), planned.length);
      }
    } else {
      planned.forEach((p, i) => {
        writer.write(serializeFile(p));
        report('write', i + 1, planned.length);
      });
    }
  }
  // The file count is that of the planned files: their contents are written, not kept.
  const rendered = summarize({ config: { configDir: '', environments: [resolved] }, objects, gate, files: [] }, '', 0).environments[0];
  const summary = rendered && { ...rendered, files: planned.length };
  report('done', planned.length, planned.length);
  const footprint = objects.length ? footprintOf(objects.map((r) => r.object), objects.some(isSharedObject)) : undefined;
  return { environment, summary, gate, footprint };
}
