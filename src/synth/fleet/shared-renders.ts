/**
 * Sharing the last environment's renders. Three environments on two cores: when one worker has
 * finished its environment and the queue is empty, the other is still rendering the last one, and
 * a core would idle until that environment's writes are offered (shared-writes.ts). So the last
 * job offers its workflows, in chunks, to the first worker left with nothing to do (its modules
 * are loaded, its heap emptied by then). The owner renders chunks from the front, the helper from
 * the back, through one claim word (claims.ts), until they meet; the helper posts each chunk's
 * objects to the owner through a message port (a structured clone: a few per cent of rendering
 * them), and the owner takes every workflow's objects in workflow order, so the environment's
 * objects, and every byte written from them, are those of a render in one thread
 * (test/synth/fleet.test.ts). With no helper, the owner renders every chunk.
 */
import { MessageChannel, MessagePort, receiveMessageOnPort } from 'worker_threads';
import { ResolvedEnvironment } from '../../config/resolved';
import { KubeObject } from '../../model/kube-object';
import { WorkflowRenders, workflowRenderer } from '../render';
import { RenderCacheProps } from '../render-cache';
import { claimChunk, newClaims } from './claims';

/** Workflows per chunk: small enough to balance the tail, big enough to keep messages few. */
export const CHUNK_WORKFLOWS = 4;

/** Index of the word, after the claim word, that counts the chunks the helper has posted. */
const POSTED = 1;
/** How long the owner sleeps at most between looks at its port (a missed wake-up costs no more). */
const WAIT_MS = 200;
/**
 * Looks at an empty port, while the helper has posted more chunks than arrived, before the owner
 * gives up (about 10 s): a chunk is queued on the port before it is counted, so this never happens
 * unless a message was lost, and then failing beats waiting for ever.
 */
const MAX_EMPTY_LOOKS = 50;

/** What the owner hands over (through the main thread) to a helper: cloneable, the port transferred. */
export interface RenderOffer {
  readonly environment: string;
  readonly chunkCount: number;
  /** The claim word, then the count of chunks posted. Shared, not copied. */
  readonly shared: SharedArrayBuffer;
  /** Where the helper posts each chunk it renders ({@link RenderedChunk}). */
  readonly port: MessagePort;
}

/** One chunk's objects, as the helper posts them: per workflow, in order. */
interface RenderedChunk {
  readonly chunk: number;
  readonly workflows: readonly (readonly KubeObject[])[];
}

/**
 * The owner's side, as the `renders` of `renderEnvironment`: offers the chunks (through `offer`,
 * once), renders those it claims and takes the helper's from the port.
 */
export function sharedRenders(resolved: ResolvedEnvironment, offer: (offer: RenderOffer) => void, cache?: RenderCacheProps): WorkflowRenders {
  return (take) => {
    const render = workflowRenderer(resolved, cache);
    const chunkCount = Math.ceil(resolved.workflows.length / CHUNK_WORKFLOWS);
    const shared = newClaims(chunkCount, 1);
    const { port1, port2 } = new MessageChannel();
    offer({ environment: resolved.environment.name, chunkCount, shared, port: port2 });
    try {
      let owned = 0;
      for (let k = claimChunk(shared, 'front'); k !== undefined; k = claimChunk(shared, 'front')) {
        chunkWorkflows(resolved, k).forEach((i) => take(i, render(resolved.workflows[i])));
        owned++;
      }
      // Every chunk is claimed now: the rest are the helper's, posted or still being rendered.
      const posted = new Int32Array(shared);
      let arrived = 0;
      let emptyLooks = 0;
      while (arrived < chunkCount - owned) {
        const seen = Atomics.load(posted, POSTED);
        const received = receiveMessageOnPort(port1);
        if (!received) {
          if (seen > arrived && ++emptyLooks > MAX_EMPTY_LOOKS) throw new Error(`the render helper of environment "${resolved.environment.name}" posted ${seen} chunk(s), but only ${arrived} arrived`);
          Atomics.wait(posted, POSTED, seen, WAIT_MS);
          continue;
        }
        emptyLooks = 0;
        const { chunk, workflows } = received.message as RenderedChunk;
        chunkWorkflows(resolved, chunk).forEach((i, j) => take(i, workflows[j]));
        arrived++;
      }
    } finally {
      port1.close();
    }
  };
}

/**
 * The helper's side: renders the chunks it claims from the back and posts their objects to the
 * owner. Returns how many chunks it rendered.
 */
export function helpRender(resolved: ResolvedEnvironment, offer: RenderOffer, cache?: RenderCacheProps): number {
  const render = workflowRenderer(resolved, cache);
  const posted = new Int32Array(offer.shared);
  let chunks = 0;
  try {
    for (let k = claimChunk(offer.shared, 'back'); k !== undefined; k = claimChunk(offer.shared, 'back')) {
      const rendered: RenderedChunk = { chunk: k, workflows: chunkWorkflows(resolved, k).map((i) => render(resolved.workflows[i])) };
      offer.port.postMessage(rendered);
      // Counted after the message is queued, so an owner woken by the count finds it.
      Atomics.add(posted, POSTED, 1);
      Atomics.notify(posted, POSTED);
      chunks++;
    }
  } finally {
    offer.port.close();
  }
  return chunks;
}

/** The workflow indexes of chunk `k`. */
function chunkWorkflows(resolved: ResolvedEnvironment, k: number): number[] {
  const first = k * CHUNK_WORKFLOWS;
  return Array.from({ length: Math.min(CHUNK_WORKFLOWS, resolved.workflows.length - first) }, (_, j) => first + j);
}
