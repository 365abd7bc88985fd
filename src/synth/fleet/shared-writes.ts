/**
 * Sharing the last environment's writes. Three environments on two cores leave a core idle while
 * the last environment serializes and writes its files (half of its time); its worker therefore
 * offers the second half of them, in chunks, to a write helper started on the free core (a light
 * worker: its heap holds no rendered environment, see write-helper.ts). The owner claims chunks
 * from the front, the helper from the back, through one claim word (claims.ts), until they meet;
 * the owner writes from its objects, the helper from a JSON copy of them (rendered objects are
 * plain JSON data, so the bytes are the same: see test/synth/fleet.test.ts). With no helper, the
 * owner claims every chunk.
 */
import { PlannedFile, serializeFile } from '../planned-file';
import { MAX_CHUNKS, claimChunk, claimedChunks, newClaims } from './claims';
import { StagingWriter } from './staged-output';

/** Files per chunk: small enough to balance the tail, big enough to keep claims rare. */
export const CHUNK_FILES = 256;

/** What the owner hands over (through the main thread) to a helper: plain, cloneable data. */
export interface WriteOffer {
  readonly environment: string;
  /** Files in all chunks. */
  readonly files: number;
  readonly chunkCount: number;
  /** Index of the first chunk the helper may write (it has JSON for this one and every later one). */
  readonly firstOffered: number;
  /** JSON (`PlannedFile[]`) of chunks `firstOffered`, `firstOffered + 1`, …, in order. */
  readonly chunks: readonly string[];
  /** The claim word: the owner's next chunk (low 16 bits) and one past the helper's next (high 16 bits). Shared, not copied. */
  readonly claims: SharedArrayBuffer;
}

/** Splits the planned files into chunks and prepares the offer of the second half of them. */
export function prepareOffer(environment: string, planned: readonly PlannedFile[]): { offer: WriteOffer; chunks: PlannedFile[][] } {
  const chunks: PlannedFile[][] = [];
  for (let i = 0; i < planned.length; i += CHUNK_FILES) chunks.push(planned.slice(i, i + CHUNK_FILES));
  if (chunks.length > MAX_CHUNKS) throw new Error(`${planned.length} files are more than the ${MAX_CHUNKS * CHUNK_FILES} one environment can share`);
  const firstOffered = Math.floor(chunks.length / 2);
  const claims = newClaims(chunks.length);
  const offer: WriteOffer = {
    environment,
    files: planned.length,
    chunkCount: chunks.length,
    firstOffered,
    chunks: chunks.slice(firstOffered).map((c) => JSON.stringify(c)),
    claims,
  };
  return { offer, chunks };
}

/**
 * The helper's side: claims offered chunks from the back and writes them from their JSON. Returns
 * the files it wrote; `onClaimed` is told how many files both ends have claimed so far.
 */
export function helpWrite(offer: WriteOffer, stagingDir: string, onClaimed?: (files: number) => void): number {
  const writer = new StagingWriter(stagingDir);
  let files = 0;
  for (let k = claimChunk(offer.claims, 'back', offer.firstOffered); k !== undefined; k = claimChunk(offer.claims, 'back', offer.firstOffered)) {
    for (const planned of JSON.parse(offer.chunks[k - offer.firstOffered]) as PlannedFile[]) {
      writer.write(serializeFile(planned));
      files++;
    }
    onClaimed?.(Math.min(offer.files, claimedChunks(offer.claims, offer.chunkCount) * CHUNK_FILES));
  }
  return files;
}
