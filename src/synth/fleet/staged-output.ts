/**
 * The output folder, built beside the target and swapped in at the end — the same guarantee as
 * `writeAtomically` (src/synth/write.ts), split in steps so that several workers can fill the
 * staging folder at once, each file as soon as it is serialized: {@link beginStaging}, a
 * {@link StagingWriter} per thread, then {@link commitStaging} or {@link discardStaging}.
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

/** Writes files under a staging folder, creating each folder once. */
export class StagingWriter {
  private readonly root: string;
  private readonly created = new Set<string>();

  constructor(stagingDir: string) {
    this.root = path.resolve(stagingDir);
  }

  /** Throws (writing nothing) for a path that leaves the folder. */
  write(file: OutputFile): void {
    const dest = path.join(this.root, file.path);
    if (!dest.startsWith(this.root + path.sep)) throw new Error(`refusing to write outside the output folder: ${file.path}`);
    const dir = path.dirname(dest);
    if (!this.created.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.created.add(dir);
    }
    fs.writeFileSync(dest, file.content);
  }
}

/** Writes `files` under `stagingDir` (see {@link StagingWriter}). */
export function writeFilesInto(stagingDir: string, files: readonly OutputFile[], onWritten?: (done: number, total: number) => void): void {
  const writer = new StagingWriter(stagingDir);
  files.forEach((f, i) => {
    writer.write(f);
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
