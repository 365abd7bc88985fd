/**
 * Worker-thread side of a write helper: writes the chunks of one offer that it claims (see
 * shared-writes.ts) and says when it is done. A thread of its own, with a bounded heap, rather than
 * the main thread: serializing thousands of objects lets an unbounded heap grow to several times
 * what it keeps alive, and this runs while the last environment's whole render is held in memory,
 * the fleet's peak. It loads only the serializer and the writer.
 */
import { parentPort } from 'worker_threads';
import { HelpMessage, HelperMessage } from './messages';
import { helpWrite } from './shared-writes';

const PROGRESS_INTERVAL_MS = 50;

function post(message: HelperMessage): void {
  parentPort!.postMessage(message);
}

parentPort!.on('message', (m: HelpMessage) => {
  let last = 0;
  try {
    const files = helpWrite(m.offer, m.stagingDir, (done) => {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS && done < m.offer.files) return;
      last = now;
      post({ type: 'claimed', done });
    });
    post({ type: 'helped', files });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', environment: m.offer.environment, message: error.message, stack: error.stack });
  }
});
