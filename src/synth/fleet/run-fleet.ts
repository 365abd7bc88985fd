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
import type { HelpMessage, HelperMessage, JobMessage, WorkerMessage } from './messages';
import type { WriteOffer } from './shared-writes';
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
  /**
   * Old-generation heap limit of each worker thread, in MiB. Besides a limit, it is what keeps the
   * fleet's peak memory down: V8 lets a heap grow to up to 4 × its live size between collections
   * when its limit is 2 GiB or more (the default here is the machine's), and to about 1.6 × at
   * 1 GiB. An environment of 500 workflows keeps about 150 MiB alive; one too big for the limit
   * fails with a message naming this fix: fewer workflows per environment, or `--jobs 1`.
   * @default {@link WORKER_HEAP_LIMIT_MB}
   */
  readonly workerHeapLimitMb?: number;
}

/** See {@link FleetOptions.workerHeapLimitMb}. */
export const WORKER_HEAP_LIMIT_MB = 1024;

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
 * its writes, and a write helper (a light worker of its own, see write-helper.ts) helps write them
 * as soon as a core is free (see shared-writes.ts). Settles once every job and helper is done.
 */
function runInWorkers(environments: readonly ResolvedEnvironment[], jobs: number, options: FleetOptions): Promise<EnvironmentOutcome[]> {
  const queue = environments.map((_, i) => i).sort((a, b) => environments[b].workflows.length - environments[a].workflows.length || a - b);
  const outcomes: EnvironmentOutcome[] = new Array(environments.length);
  const heapLimitMb = options.workerHeapLimitMb ?? WORKER_HEAP_LIMIT_MB;
  /** Running workers and the environment (index) each is synthesizing. */
  const running = new Map<Worker, number>();
  /** Running write helpers and the offer each is helping with. */
  const helpers = new Map<Worker, WriteOffer>();
  const offers: WriteOffer[] = [];
  let finished = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (worker: Worker) => {
      running.delete(worker);
      helpers.delete(worker);
      void worker.terminate();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      for (const w of [...running.keys(), ...helpers.keys()]) stop(w);
      reject(error);
    };
    // A helper may still be writing a chunk it claimed after the offer's owner is done.
    const settleWhenDone = () => {
      if (settled || finished < environments.length || helpers.size) return;
      settled = true;
      resolve(outcomes);
    };
    const dispatch = (worker: Worker) => {
      const next = queue.shift();
      if (next === undefined) return stop(worker);
      running.set(worker, next);
      const job: JobMessage = { type: 'job', resolved: environments[next], stagingDir: options.stagingDir, offerWrites: queue.length === 0, shareWritesFrom: options.shareWritesFrom };
      worker.postMessage(job);
    };
    /** Starts a write helper per offered environment while fewer threads than cores are busy. */
    const helpWhileACoreIsFree = () => {
      while (!settled && offers.length && running.size + helpers.size < jobs) {
        const offer = offers.shift()!;
        const helper = startWorker('write-helper', options.workerExecArgv, heapLimitMb);
        helpers.set(helper, offer);
        helper.on('message', (m: HelperMessage) => {
          if (settled) return;
          if (m.type === 'claimed') options.onProgress?.({ environment: offer.environment, stage: 'write', done: m.done, total: offer.files });
          else if (m.type === 'helped') {
            stop(helper);
            settleWhenDone();
          } else fail(rebuildError(m.message, m.stack));
        });
        helper.on('error', (e) => fail(outOfMemory(e, `the write helper of environment "${offer.environment}"`, heapLimitMb)));
        helper.on('exit', (code) => {
          if (!settled && helpers.has(helper)) fail(new Error(`a synth write helper exited (code ${code}) before finishing environment "${offer.environment}"`));
        });
        const help: HelpMessage = { type: 'help', offer, stagingDir: options.stagingDir };
        helper.postMessage(help);
      }
    };
    for (let i = 0; i < jobs; i++) {
      const worker = startWorker('fleet-worker', options.workerExecArgv, heapLimitMb);
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
            helpWhileACoreIsFree();
            settleWhenDone();
            return;
          }
          case 'error':
            fail(rebuildError(m.message, m.stack));
        }
      });
      worker.on('error', (e) => {
        const job = running.get(worker);
        fail(outOfMemory(e, job === undefined ? 'an environment' : `environment "${environments[job].environment.name}" (${environments[job].workflows.length} workflows)`, heapLimitMb));
      });
      worker.on('exit', (code) => {
        const job = running.get(worker);
        if (!settled && job !== undefined) fail(new Error(`a synth worker exited (code ${code}) before finishing environment "${environments[job].environment.name}"`));
      });
      dispatch(worker);
    }
  });
}

/** Starts `fleet-worker` or `write-helper` (this module's siblings); from TypeScript sources (tsx, ts-jest) through tsx's require hook. */
function startWorker(name: 'fleet-worker' | 'write-helper', execArgv: readonly string[] | undefined, heapLimitMb: number): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `${name}${extension}`);
  const options = { resourceLimits: { maxOldGenerationSizeMb: heapLimitMb }, ...(execArgv ? { execArgv: [...execArgv] } : {}) };
  if (extension !== '.ts') return new Worker(entry, options);
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { ...options, eval: true });
}

/** A worker stopped at its heap limit: which environment, and what to do. */
function outOfMemory(error: Error, which: string, heapLimitMb: number): Error {
  if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return error;
  return new Error(`${which} needs more than the ${heapLimitMb} MiB heap a synth worker may use: split its workflows over more environments, or render with --jobs 1 (in the main thread, without that limit)`);
}

/** The worker's error, with its message and stack as thrown there, so both paths report the same text. */
function rebuildError(message: string, stack: string | undefined): Error {
  const error = new Error(message);
  if (stack) error.stack = stack;
  return error;
}
