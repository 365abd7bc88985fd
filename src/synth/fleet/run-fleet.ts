/**
 * Runs every environment job, in worker threads when the fleet is big enough to repay their start
 * (each worker loads the modules and schema validators it needs once), else in this thread.
 * Environments are independent, and each job's output goes to its own folder, so the result is
 * byte-identical whatever the number of workers (test/synth/fleet.test.ts).
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ResolvedEnvironment } from '../../config/resolved';
import type { EnvironmentOutcome, FleetProgress } from '../environment-job';
import type { JobMessage, WorkerMessage } from './messages';
import { WriteOffer, helpWrite } from './shared-writes';
import { StagingWriter } from './staged-output';

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
  /**
   * The last environment offers its writes to this thread from this many files on (see shared-writes.ts).
   * @default 2000
   */
  readonly shareWritesFrom?: number;
  /**
   * Node.js options of each worker thread (e.g. `['--require', 'file.js']` to preload a module).
   * @default inherited from this process
   */
  readonly workerExecArgv?: readonly string[];
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
    const { runEnvironmentJob } = await import('../environment-job');
    return environments.map((e) => runEnvironmentJob(e, new StagingWriter(options.stagingDir), { onProgress: options.onProgress }));
  }
  return runInWorkers(environments, jobs, options);
}

/**
 * A pool of `jobs` workers over a queue of environments, largest first; a worker with nothing
 * left to do is stopped at once (its memory goes with it). The job that empties the queue offers
 * its writes, and this thread helps write them as soon as a core is free (see shared-writes.ts).
 */
function runInWorkers(environments: readonly ResolvedEnvironment[], jobs: number, options: FleetOptions): Promise<EnvironmentOutcome[]> {
  const queue = environments.map((_, i) => i).sort((a, b) => environments[b].workflows.length - environments[a].workflows.length || a - b);
  const outcomes: EnvironmentOutcome[] = new Array(environments.length);
  /** Running workers and the environment (index) each is synthesizing. */
  const running = new Map<Worker, number>();
  const offers: WriteOffer[] = [];
  let finished = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (worker: Worker) => {
      running.delete(worker);
      void worker.terminate();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      for (const w of [...running.keys()]) stop(w);
      reject(error);
    };
    const dispatch = (worker: Worker) => {
      const next = queue.shift();
      if (next === undefined) return stop(worker);
      running.set(worker, next);
      const job: JobMessage = { type: 'job', resolved: environments[next], stagingDir: options.stagingDir, offerWrites: queue.length === 0, shareWritesFrom: options.shareWritesFrom };
      worker.postMessage(job);
    };
    /** Writes offered chunks here while fewer workers than cores are busy. */
    const helpWhileACoreIsFree = () => {
      while (!settled && offers.length && running.size < jobs) {
        const offer = offers.shift()!;
        try {
          helpWrite(offer, options.stagingDir, (done) => options.onProgress?.({ environment: offer.environment, stage: 'write', done, total: offer.files }));
        } catch (e) {
          fail(e instanceof Error ? e : new Error(String(e)));
        }
      }
    };
    for (let i = 0; i < jobs; i++) {
      const worker = startWorker(options.workerExecArgv);
      worker.on('message', (m: WorkerMessage) => {
        if (settled) return;
        switch (m.type) {
          case 'progress':
            options.onProgress?.(m.progress);
            return;
          case 'offer':
            offers.push(m.offer);
            helpWhileACoreIsFree();
            return;
          case 'result': {
            outcomes[running.get(worker)!] = m.outcome;
            finished++;
            // Whatever its owner did not leave to a helper is written: drop the offer.
            for (let k = offers.length - 1; k >= 0; k--) if (offers[k].environment === m.outcome.environment) offers.splice(k, 1);
            dispatch(worker);
            if (finished === environments.length) {
              settled = true;
              resolve(outcomes);
            } else helpWhileACoreIsFree();
            return;
          }
          case 'error':
            fail(rebuildError(m.message, m.stack));
        }
      });
      worker.on('error', (e) => fail(e));
      worker.on('exit', (code) => {
        const job = running.get(worker);
        if (!settled && job !== undefined) fail(new Error(`a synth worker exited (code ${code}) before finishing environment "${environments[job].environment.name}"`));
      });
      dispatch(worker);
    }
  });
}

/** The worker runs this module's sibling; from TypeScript sources (tsx, ts-jest) through tsx's require hook. */
function startWorker(execArgv?: readonly string[]): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `fleet-worker${extension}`);
  const options = execArgv ? { execArgv: [...execArgv] } : {};
  if (extension !== '.ts') return new Worker(entry, options);
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { ...options, eval: true });
}

/** The worker's error, with its message and stack as thrown there, so both paths report the same text. */
function rebuildError(message: string, stack: string | undefined): Error {
  const error = new Error(message);
  if (stack) error.stack = stack;
  return error;
}
