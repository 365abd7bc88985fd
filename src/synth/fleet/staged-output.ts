/**
 * The output folder, built beside the target and swapped in at the end — the same guarantee as
 * `writeAtomically` (src/synth/write.ts), split in three steps so that several workers can fill
 * the staging folder at once: {@link beginStaging}, {@link writeFilesInto} (any thread),
 * then {@link commitStaging} or {@link discardStaging}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OutputFile } from '../write';

/** Creates an empty staging folder beside `outdir` (same file system, so the swap is a rename). */
export function beginStaging(outdir: string): string {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.staging-`));
}

/**
 * Writes files under `stagingDir`, creating each folder once. `onWritten` is told how many of
 * `files` are on disk. Throws (writing nothing further) for a path that leaves the folder.
 */
export function writeFilesInto(stagingDir: string, files: readonly OutputFile[], onWritten?: (done: number, total: number) => void): void {
  const root = path.resolve(stagingDir);
  const created = new Set<string>();
  files.forEach((f, i) => {
    const dest = path.join(root, f.path);
    if (!dest.startsWith(root + path.sep)) throw new Error(`refusing to write outside the output folder: ${f.path}`);
    const dir = path.dirname(dest);
    if (!created.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      created.add(dir);
    }
    fs.writeFileSync(dest, f.content);
    onWritten?.(i + 1, files.length);
  });
}

/** Replaces `outdir` with the staging folder; on failure the previous output stays in place. */
export function commitStaging(stagingDir: string, outdir: string): void {
  const target = path.resolve(outdir);
  const previous = `${stagingDir}.previous`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, previous);
  try {
    fs.renameSync(stagingDir, target);
  } catch (e) {
    if (hadTarget) fs.renameSync(previous, target);
    discardStaging(stagingDir);
    throw e;
  }
  if (hadTarget) fs.rmSync(previous, { recursive: true, force: true });
}

export function discardStaging(stagingDir: string): void {
  fs.rmSync(stagingDir, { recursive: true, force: true });
}
