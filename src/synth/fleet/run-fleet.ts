/**
 * Runs every environment job, in worker threads when the fleet is big enough to repay their start
 * (each worker loads the modules and compiles the schemas it needs once), else in this thread.
 * Environments are independent, and each job's output goes to its own folder, so the result is
 * byte-identical whatever the number of workers (test/synth/fleet.test.ts).
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ResolvedEnvironment } from '../../config/resolved';
import type { EnvironmentOutcome, FleetProgress } from './environment-job';
import { JobMessage, WorkerMessage } from './messages';

/** Below this many workflow renders (summed over environments) one thread is faster than starting workers. */
export const WORKER_MIN_RENDERS = 60;

export interface FleetOptions {
  /** Folder every environment's files are written into (see `beginStaging`). */
  readonly stagingDir: string;
  /**
   * Worker threads; 1 runs every environment in this thread, one after the other.
   * @default {@link defaultJobs}
   */
  readonly jobs?: number;
  /** Progress of each environment (from workers, as their messages arrive). */
  readonly onProgress?: (p: FleetProgress) => void;
}

/** One worker per environment up to the number of cores, for fleets of at least {@link WORKER_MIN_RENDERS} renders. */
export function defaultJobs(environments: readonly ResolvedEnvironment[]): number {
  const renders = environments.reduce((n, e) => n + e.workflows.length, 0);
  if (environments.length < 2 || renders < WORKER_MIN_RENDERS) return 1;
  return Math.min(environments.length, os.availableParallelism());
}

/** Outcomes in the order of `environments`. Rejects with the first job's error (as thrown in that job). */
export async function runFleet(environments: readonly ResolvedEnvironment[], options: FleetOptions): Promise<EnvironmentOutcome[]> {
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(environments), environments.length));
  if (jobs === 1) {
    // Loaded on demand: with workers, this thread never needs cdk8s, the constructs or the schemas.
    const { runEnvironmentJob } = await import('./environment-job');
    return environments.map((e) => runEnvironmentJob(e, options.stagingDir, options.onProgress));
  }
  return runInWorkers(environments, jobs, options);
}

function runInWorkers(environments: readonly ResolvedEnvironment[], jobs: number, options: FleetOptions): Promise<EnvironmentOutcome[]> {
  // Largest environments first, so the last job to start is a short one.
  const queue = environments.map((_, i) => i).sort((a, b) => environments[b].workflows.length - environments[a].workflows.length || a - b);
  const outcomes: EnvironmentOutcome[] = new Array(environments.length);
  const workers: Worker[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    let remaining = environments.length;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      reject(error);
    };
    const assignNext = (worker: Worker) => {
      const next = queue.shift();
      if (next === undefined) {
        void worker.terminate();
        return;
      }
      const job: JobMessage = { type: 'job', resolved: environments[next], stagingDir: options.stagingDir };
      worker.postMessage(job);
      (worker as WorkerWithJob).currentJob = next;
    };
    for (let i = 0; i < jobs; i++) {
      const worker = startWorker();
      workers.push(worker);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') options.onProgress?.(m.progress);
        else if (m.type === 'error') fail(rebuildError(m.message, m.stack));
        else {
          outcomes[(worker as WorkerWithJob).currentJob!] = m.outcome;
          (worker as WorkerWithJob).currentJob = undefined;
          if (--remaining === 0) {
            settled = true;
            for (const w of workers) void w.terminate();
            resolve(outcomes);
          } else assignNext(worker);
        }
      });
      worker.on('error', (e) => fail(e));
      worker.on('exit', (code) => {
        if ((worker as WorkerWithJob).currentJob !== undefined) fail(new Error(`a synth worker exited (code ${code}) before finishing environment "${environments[(worker as WorkerWithJob).currentJob!].environment.name}"`));
      });
      assignNext(worker);
    }
  });
}

interface WorkerWithJob extends Worker {
  currentJob?: number;
}

/** The worker runs this module's sibling; from TypeScript sources (tsx, ts-jest) through tsx's require hook. */
function startWorker(): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `fleet-worker${extension}`);
  if (extension !== '.ts') return new Worker(entry);
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { eval: true });
}

/** The worker's error, with its message and stack as thrown there, so both paths report the same text. */
function rebuildError(message: string, stack: string | undefined): Error {
  const error = new Error(message);
  if (stack) error.stack = stack;
  return error;
}
