/**
 * Atomic output: everything is written to a staging folder beside the target, which then replaces
 * the target with renames. A failure before the swap leaves the existing output untouched.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface OutputFile {
  /** Path relative to the output folder. */
  readonly path: string;
  readonly content: string;
}

export function writeAtomically(outdir: string, files: readonly OutputFile[]): void {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.staging-`));
  try {
    for (const f of files) {
      const dest = path.join(staging, f.path);
      if (!dest.startsWith(staging + path.sep)) throw new Error(`refusing to write outside the output folder: ${f.path}`);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, f.content);
    }
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const previous = `${staging}.previous`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    if (hadTarget) fs.renameSync(previous, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  if (hadTarget) fs.rmSync(previous, { recursive: true, force: true });
}
