/**
 * Worker-thread side of the fleet: runs one environment job per `job` message and reports its
 * progress (throttled: stage changes, completions, and at most every 50 ms otherwise), its render
 * and write offers (see shared-renders.ts, shared-writes.ts), and its outcome or error; helps
 * render another job's environment per `render-help` message.
 */
import { TransferListItem, parentPort } from 'worker_threads';
import { EnvironmentOutcome, FleetProgress, runEnvironmentJob } from '../environment-job';
import { JobMessage, RenderHelpMessage, WorkerMessage } from './messages';
import { helpRender } from './shared-renders';
import { StagingWriter } from './staged-output';

const PROGRESS_INTERVAL_MS = 50;

function post(message: WorkerMessage, transfer?: readonly TransferListItem[]): void {
  parentPort!.postMessage(message, transfer);
}

function throttled(): (p: FleetProgress) => void {
  let lastStage = '';
  let lastPost = 0;
  return (p) => {
    const now = Date.now();
    if (p.stage === lastStage && p.done < p.total && now - lastPost < PROGRESS_INTERVAL_MS) return;
    lastStage = p.stage;
    lastPost = now;
    post({ type: 'progress', progress: p });
  };
}

parentPort!.on('message', (m: JobMessage | RenderHelpMessage) => {
  try {
    if (m.type === 'render-help') {
      post({ type: 'render-helped', chunks: helpRender(m.resolved, m.offer, m.renderCache) });
      return;
    }
    const outcome: EnvironmentOutcome = runEnvironmentJob(m.resolved, new StagingWriter(m.stagingDir), {
      onProgress: throttled(),
      offerRenders: m.offerWrites ? (offer) => post({ type: 'render-offer', offer }, [offer.port]) : undefined,
      shareRendersFrom: m.shareRendersFrom,
      offerWrites: m.offerWrites ? (offer) => post({ type: 'offer', offer }) : undefined,
      shareWritesFrom: m.shareWritesFrom,
      renderCache: m.renderCache,
    });
    post({ type: 'result', outcome });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', environment: m.resolved.environment.name, message: error.message, stack: error.stack });
  }
});
