/**
 * Worker-thread side of the fleet: runs one environment job per `job` message, reports progress
 * (throttled: stage changes, completions, and at most every 50 ms otherwise) and the outcome.
 */
import { parentPort } from 'worker_threads';
import { EnvironmentOutcome, FleetProgress, runEnvironmentJob } from './environment-job';
import { JobMessage, WorkerMessage } from './messages';

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
    outcome = runEnvironmentJob(job.resolved, job.stagingDir, throttled());
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', environment: job.resolved.environment.name, message: error.message, stack: error.stack });
    return;
  }
  post({ type: 'result', outcome });
});
