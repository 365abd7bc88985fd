/**
 * Atomic output: everything is written to a staging folder beside the target, which then replaces
 * the target with renames (src/synth/fleet/staged-output.ts). A failure before the swap leaves the
 * existing output untouched.
 */
import { beginStaging, commitStaging, discardStaging, writeFilesInto } from './fleet/staged-output';

export interface OutputFile {
  /** Path relative to the output folder. */
  readonly path: string;
  readonly content: string;
}

/** Replaces `outdir` with exactly `files`, or leaves it as it was. */
export function writeAtomically(outdir: string, files: readonly OutputFile[]): void {
  const staging = beginStaging(outdir);
  try {
    writeFilesInto(staging, files);
  } catch (e) {
    discardStaging(staging);
    throw e;
  }
  commitStaging(staging, outdir);
}
