/**
 * File operations of the on-disk caches (src/validation/schema-cache.ts, src/synth/render-cache.ts),
 * safe with concurrent processes and threads: files appear whole or not at all, folders disappear
 * whole. Every cache is best effort, so `removeAway` never throws; `writeAtomically` throws for
 * its caller to skip the entry.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes `file` through a temporary file renamed over it, so no reader sees half of it; the temporary file is removed on failure. */
export function writeAtomically(file: string, content: string | Buffer): void {
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(partial, content);
    fs.renameSync(partial, file);
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw e;
  }
}

/** Renames `target` away first (a concurrent pruner or reader sees it whole or not at all), then removes it. Best effort. */
export function removeAway(target: string): void {
  const away = path.join(path.dirname(target), `.${path.basename(target)}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    fs.renameSync(target, away);
  } catch {
    return; // gone already, or another pruner took it
  }
  removeQuietly(away);
}

/** `rm -rf target`, best effort. */
export function removeQuietly(target: string): void {
  try {
    fs.rmSync(target, { recursive: true, force: true });
  } catch {
    // best effort
  }
}
