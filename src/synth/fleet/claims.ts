/**
 * A claim word: two threads share a run of chunks through one 32-bit word in shared memory, one
 * taking chunks from the front, the other from the back, until they meet, so every chunk is
 * taken exactly once without a lock. Used to share the last environment's renders
 * (shared-renders.ts) and writes (shared-writes.ts).
 */

/** Claims are packed in one 32-bit word (16 bits per end). */
export const MAX_CHUNKS = 0xffff;

/**
 * Shared memory whose first 32-bit word is the claim word of `chunkCount` chunks, none claimed yet;
 * `extraWords` more words after it are the caller's (zero).
 */
export function newClaims(chunkCount: number, extraWords = 0): SharedArrayBuffer {
  if (chunkCount > MAX_CHUNKS) throw new Error(`${chunkCount} chunks are more than the ${MAX_CHUNKS} a claim word can share`);
  const claims = new SharedArrayBuffer(4 * (1 + extraWords));
  new Int32Array(claims)[0] = chunkCount << 16;
  return claims;
}

/** Takes the next chunk from the front or the back (never below `lowest`); undefined when none is left. */
export function claimChunk(claims: SharedArrayBuffer, end: 'front' | 'back', lowest = 0): number | undefined {
  const word = new Int32Array(claims);
  for (;;) {
    const current = Atomics.load(word, 0);
    const front = current & 0xffff;
    const back = current >>> 16;
    if (front >= back) return undefined;
    const chunk = end === 'front' ? front : back - 1;
    if (chunk < lowest) return undefined;
    const next = end === 'front' ? (back << 16) | (front + 1) : ((back - 1) << 16) | front;
    if (Atomics.compareExchange(word, 0, current, next) === current) return chunk;
  }
}

/** How many chunks both ends have claimed so far. */
export function claimedChunks(claims: SharedArrayBuffer, chunkCount: number): number {
  const current = Atomics.load(new Int32Array(claims), 0);
  return (current & 0xffff) + (chunkCount - (current >>> 16));
}
