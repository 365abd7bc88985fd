/**
 * The output folder, built beside the target and swapped in at the end — the same guarantee as
 * `writeAtomically` (src/synth/write.ts), split in steps so that several workers can fill the
 * staging folder at once, each file as soon as it is serialized: {@link beginStaging}, a
 * {@link StagingWriter} per thread, then {@link commitStaging} or {@link discardStaging}.
 * When only part of the output is rendered (`--env`), {@link seedStaging} first carries every
 * other file of the previous output over, unchanged, so that the swap replaces only that part.
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
    // `wx`: never write over a file. A staging folder seeded from the previous output holds hard
    // links to its files (seedStaging); writing through one would change the live output.
    fs.writeFileSync(dest, file.content, { flag: 'wx' });
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

/**
 * Carries the previous output over into a staging folder, except the paths `replaced` names
 * (relative, with `/`; a folder named is skipped whole). Files are hard-linked (copied where the
 * file system refuses links), so they stay byte-identical through the swap and cost no copy; the
 * previous output is never written to ({@link StagingWriter} refuses to write over a file).
 * Returns the number of files carried over.
 */
export function seedStaging(stagingDir: string, outdir: string, replaced: (relativePath: string) => boolean): number {
  const source = path.resolve(outdir);
  if (!fs.existsSync(source)) return 0;
  let files = 0;
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(source, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (replaced(child)) continue;
      const from = path.join(source, child);
      const to = path.join(stagingDir, child);
      if (entry.isDirectory()) {
        fs.mkdirSync(to, { recursive: true });
        walk(child);
      } else if (entry.isSymbolicLink()) {
        fs.symlinkSync(fs.readlinkSync(from), to);
        files++;
      } else {
        linkOrCopy(from, to);
        files++;
      }
    }
  };
  walk('');
  return files;
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EXDEV' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'EOPNOTSUPP') throw e;
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
  }
}
