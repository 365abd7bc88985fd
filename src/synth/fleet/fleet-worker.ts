/**
 * Worker-thread side of the fleet: runs one environment job per `job` message and reports its
 * progress (throttled: stage changes, completions, and at most every 50 ms otherwise), its write
 * offer (see shared-writes.ts), and its outcome or error.
 */
import { parentPort } from 'worker_threads';
import { EnvironmentOutcome, FleetProgress, runEnvironmentJob } from '../environment-job';
import { JobMessage, WorkerMessage } from './messages';
import { StagingWriter } from './staged-output';

const PROGRESS_INTERVAL_MS = 50;

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
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

parentPort!.on('message', (job: JobMessage) => {
  let outcome: EnvironmentOutcome;
  try {
    outcome = runEnvironmentJob(job.resolved, new StagingWriter(job.stagingDir), {
      onProgress: throttled(),
      offerWrites: job.offerWrites ? (offer) => post({ type: 'offer', offer }) : undefined,
      shareWritesFrom: job.shareWritesFrom,
    });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', environment: job.resolved.environment.name, message: error.message, stack: error.stack });
    return;
  }
  post({ type: 'result', outcome });
});
