/**
 * One environment, start to finish: rendered, gated and, when the gate passes, each file
 * serialized and written into a sink at once (so the files are never all held in memory). The one
 * job of every synthesis (src/synth/pipeline.ts): in this thread into memory (`synthesize`), or in
 * the CLI's worker-thread fleet into a staging folder. Without `keepObjects`, everything it returns
 * is plain data small enough to cross threads.
 */
import { ResolvedEnvironment } from '../config/resolved';
import { GateResult, runGate } from '../validation/gate';
import { planFiles, serializeFile } from './planned-file';
import { EnvironmentSummary, summarize } from './summary';
import { CHUNK_FILES, WriteOffer, prepareOffer } from './fleet/shared-writes';
import { claimChunk, claimedChunks } from './fleet/claims';
import { CHUNK_WORKFLOWS, RenderOffer, sharedRenders } from './fleet/shared-renders';
import { Footprint, footprintOf } from '../gitops/footprint';
import { RenderedObject, isSharedObject } from '../model/rendered-object';
import { WorkflowRenders, renderEnvironment } from './render';
import { RenderCacheProps } from './render-cache';
import { OutputFile } from './write';

/** Where a job's files go: a staging folder (`StagingWriter`) or memory (`MemoryOutput`). */
export interface FileSink {
  write(file: OutputFile): void;
}

/** Keeps the files written to it, in order. */
export class MemoryOutput implements FileSink {
  public readonly files: OutputFile[] = [];
  public write(file: OutputFile): void {
    this.files.push(file);
  }
}

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
  /** The rendered objects, with `keepObjects`. */
  readonly objects?: readonly RenderedObject[];
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
  /**
   * Offers the renders to a helper (see shared-renders.ts) when there are at least
   * `shareRendersFrom` workflows; the job still renders whatever no helper claims.
   * @default never offered
   */
  readonly offerRenders?: (offer: RenderOffer) => void;
  /** @default two chunks' worth ({@link CHUNK_WORKFLOWS} × 2) */
  readonly shareRendersFrom?: number;
  /** Reuse and keep rendered workflows (see render-cache.ts). @default - every workflow rendered, nothing kept */
  readonly renderCache?: RenderCacheProps;
  /** Return the rendered objects too (in this thread only: they are too big to send between threads). @default false */
  readonly keepObjects?: boolean;
}

/**
 * Synthesizes `resolved` and, unless the gate found violations, writes its files into `sink`
 * (paths start with the environment's folder, so environments never touch each other's files).
 */
export function runEnvironmentJob(resolved: ResolvedEnvironment, sink: FileSink, options: EnvironmentJobOptions = {}): EnvironmentOutcome {
  const environment = resolved.environment.name;
  const report = (stage: FleetStage, done: number, total: number) => options.onProgress?.({ environment, stage, done, total });
  const renders = options.offerRenders && resolved.workflows.length >= (options.shareRendersFrom ?? 2 * CHUNK_WORKFLOWS) ? sharedRenders(resolved, options.offerRenders, options.renderCache) : undefined;
  const { objects, gate } = checkedEnvironment(resolved, report, renders, options.renderCache);
  const planned = planFiles(objects);
  if (gate.violations.length === 0) {
    if (options.offerWrites && planned.length >= (options.shareWritesFrom ?? 2000)) {
      const { offer, chunks } = prepareOffer(environment, planned);
      options.offerWrites(offer);
      for (let k = claimChunk(offer.claims, 'front'); k !== undefined; k = claimChunk(offer.claims, 'front')) {
        for (const p of chunks[k]) sink.write(serializeFile(p));
        report('write', Math.min(planned.length, claimedChunks(offer.claims, chunks.length) * CHUNK_FILES), planned.length);
      }
    } else {
      planned.forEach((p, i) => {
        sink.write(serializeFile(p));
        report('write', i + 1, planned.length);
      });
    }
  }
  // The file count is that of the planned files: their contents are written, not kept.
  const rendered = summarize({ config: { configDir: '', environments: [resolved] }, objects, gate, files: [] }, '', 0).environments[0];
  const summary = rendered && { ...rendered, files: planned.length };
  report('done', planned.length, planned.length);
  const footprint = objects.length ? footprintOf(objects.map((r) => r.object), objects.some(isSharedObject)) : undefined;
  return { environment, summary, gate, footprint, ...(options.keepObjects ? { objects } : {}) };
}

/**
 * One environment up to the gate's verdict: everything but serialization. Waiver annotations,
 * sync waves and keep-on-delete are aspects of each chart (src/synth/platform-aspects.ts).
 * `renders`: how the workflows are rendered (see `renderEnvironment`); `cache`: the render cache.
 */
export function checkedEnvironment(resolved: ResolvedEnvironment, progress?: (stage: 'render' | 'gate', done: number, total: number) => void, renders?: WorkflowRenders, cache?: RenderCacheProps): { readonly objects: RenderedObject[]; readonly gate: GateResult } {
  const objects = renderEnvironment(resolved, progress && ((done, total) => progress('render', done, total)), renders, cache);
  progress?.('gate', 0, objects.length);
  return { objects, gate: runGate(objects, [resolved]) };
}
