/** What the main thread and the fleet's workers say to each other (all plain, cloneable data). */
import { ResolvedEnvironment } from '../../config/resolved';
import { EnvironmentOutcome, FleetProgress } from '../environment-job';
import { WriteOffer } from './shared-writes';
import { RenderOffer } from './shared-renders';
import { RenderCacheProps } from '../render-cache';

/** Synthesize one environment; offer its renders and writes when `offerWrites` (it is the last job). */
export interface JobMessage {
  readonly type: 'job';
  readonly resolved: ResolvedEnvironment;
  readonly stagingDir: string;
  readonly offerWrites: boolean;
  readonly shareWritesFrom?: number;
  readonly shareRendersFrom?: number;
  readonly renderCache?: RenderCacheProps;
}

/** Help render another job's environment (to a fleet worker with no job left, see shared-renders.ts); its port is transferred. */
export interface RenderHelpMessage {
  readonly type: 'render-help';
  readonly resolved: ResolvedEnvironment;
  readonly offer: RenderOffer;
  readonly renderCache?: RenderCacheProps;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: FleetProgress }
  | { readonly type: 'offer'; readonly offer: WriteOffer }
  | { readonly type: 'render-offer'; readonly offer: RenderOffer }
  | { readonly type: 'render-helped'; readonly chunks: number }
  | { readonly type: 'result'; readonly outcome: EnvironmentOutcome }
  | { readonly type: 'error'; readonly environment: string; readonly message: string; readonly stack?: string };

/** Help write an offer's chunks (to a write helper, see write-helper.ts). */
export interface HelpMessage {
  readonly type: 'help';
  readonly offer: WriteOffer;
  readonly stagingDir: string;
}

export type HelperMessage =
  | { readonly type: 'claimed'; /** Files both ends have claimed so far. */ readonly done: number }
  | { readonly type: 'helped'; readonly files: number }
  | { readonly type: 'error'; readonly environment: string; readonly message: string; readonly stack?: string };
