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
import type { HelpMessage, HelperMessage, JobMessage, RenderHelpMessage, WorkerMessage } from './messages';
import type { RenderOffer } from './shared-renders';
import type { WriteOffer } from './shared-writes';
import { StagingWriter } from './staged-output';
import type { RenderCacheProps } from '../render-cache';

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
   * The last environment offers its renders to a worker with no job left from this many workflows on (see shared-renders.ts).
   * @default two chunks' worth
   */
  readonly shareRendersFrom?: number;
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
  /** Reuse and keep rendered workflows (see render-cache.ts). @default - every workflow rendered, nothing kept */
  readonly renderCache?: RenderCacheProps;
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
    return environments.map((e) => runEnvironmentJob(e, new StagingWriter(options.stagingDir), { onProgress: options.onProgress, renderCache: options.renderCache }));
  }
  return runInWorkers(environments, jobs, options);
}

/**
 * A pool of `jobs` workers over a queue of environments, largest first. The job that empties the
 * queue offers its renders and then its writes: a worker with no job left helps render (see
 * shared-renders.ts), and is stopped once it has nothing to do (its memory goes with it); a write
 * helper (a light worker of its own, see write-helper.ts) helps write as soon as a core is free
 * (see shared-writes.ts). Settles once every job and helper is done.
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
  /** Workers helping render and the offer each is helping with. */
  const renderHelpers = new Map<Worker, RenderOffer>();
  const renderOffers: RenderOffer[] = [];
  const resolvedByName = new Map(environments.map((e) => [e.environment.name, e]));
  let finished = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (worker: Worker) => {
      running.delete(worker);
      helpers.delete(worker);
      renderHelpers.delete(worker);
      void worker.terminate();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      for (const w of [...running.keys(), ...helpers.keys(), ...renderHelpers.keys()]) stop(w);
      for (const offer of renderOffers.splice(0)) offer.port.close();
      reject(error);
    };
    // A helper may still be writing a chunk it claimed after the offer's owner is done.
    const settleWhenDone = () => {
      if (settled || finished < environments.length || helpers.size || renderHelpers.size) return;
      settled = true;
      resolve(outcomes);
    };
    /** The next job for `worker`, else a render to help with, else it is stopped. */
    const dispatch = (worker: Worker) => {
      const next = queue.shift();
      if (next === undefined) {
        const offer = renderOffers.shift();
        if (!offer) return stop(worker);
        renderHelpers.set(worker, offer);
        const help: RenderHelpMessage = { type: 'render-help', resolved: resolvedByName.get(offer.environment)!, offer, renderCache: options.renderCache };
        worker.postMessage(help, [offer.port]);
        return;
      }
      running.set(worker, next);
      const job: JobMessage = { type: 'job', resolved: environments[next], stagingDir: options.stagingDir, offerWrites: queue.length === 0, shareWritesFrom: options.shareWritesFrom, shareRendersFrom: options.shareRendersFrom, renderCache: options.renderCache };
      worker.postMessage(job);
    };
    /** Starts a write helper per offered environment while fewer threads than cores are busy. */
    const helpWhileACoreIsFree = () => {
      while (!settled && offers.length && running.size + helpers.size + renderHelpers.size < jobs) {
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
          case 'render-offer':
            renderOffers.push(m.offer);
            return;
          case 'render-helped':
            renderHelpers.delete(worker);
            dispatch(worker);
            helpWhileACoreIsFree();
            settleWhenDone();
            return;
          case 'result': {
            outcomes[running.get(worker)!] = m.outcome;
            finished++;
            // Whatever its owner did not leave to a helper is rendered and written: drop its offers.
            for (let k = offers.length - 1; k >= 0; k--) if (offers[k].environment === m.outcome.environment) offers.splice(k, 1);
            for (let k = renderOffers.length - 1; k >= 0; k--) if (renderOffers[k].environment === m.outcome.environment) renderOffers.splice(k, 1)[0].port.close();
            dispatch(worker);
            helpWhileACoreIsFree();
            settleWhenDone();
            return;
          }
          case 'error':
            fail(rebuildError(m.message, m.stack));
        }
      });
      /** The environment `worker` is synthesizing or helping render. */
      const environmentOf = (): ResolvedEnvironment | undefined => {
        const job = running.get(worker);
        if (job !== undefined) return environments[job];
        const helping = renderHelpers.get(worker);
        return helping && resolvedByName.get(helping.environment);
      };
      worker.on('error', (e) => {
        const env = environmentOf();
        fail(outOfMemory(e, env === undefined ? 'an environment' : `environment "${env.environment.name}" (${env.workflows.length} workflows)`, heapLimitMb));
      });
      worker.on('exit', (code) => {
        const env = environmentOf();
        if (!settled && env !== undefined) fail(new Error(`a synth worker exited (code ${code}) before finishing environment "${env.environment.name}"`));
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
