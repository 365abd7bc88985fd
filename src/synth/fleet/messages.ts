/** What the main thread and the fleet's workers say to each other (all plain, cloneable data). */
import { ResolvedEnvironment } from '../../config/resolved';
import { EnvironmentOutcome, FleetProgress } from './environment-job';

export interface JobMessage {
  readonly type: 'job';
  readonly resolved: ResolvedEnvironment;
  readonly stagingDir: string;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: FleetProgress }
  | { readonly type: 'result'; readonly outcome: EnvironmentOutcome }
  | { readonly type: 'error'; readonly environment: string; readonly message: string; readonly stack?: string };
