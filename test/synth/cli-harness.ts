/** Runs a command's exported main(argv) in this process and captures what it writes. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from '../../src/synth/compare-trees';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Calls `run` with process.stdout/stderr writes captured (not printed); both are restored afterwards. */
export async function capture(run: () => number | Promise<number>): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(sink(out) as typeof process.stdout.write);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(sink(err) as typeof process.stderr.write);
  try {
    const code = await run();
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

export function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file under `dir` (relative path → content); `{}` when it does not exist. */
export function tree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f.split(path.sep).join('/'), fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** `result.files` as a tree. */
export function filesOf(result: { readonly files: readonly { readonly path: string; readonly content: string }[] }): Record<string, string> {
  return Object.fromEntries(result.files.map((f) => [f.path, f.content]));
}

/** The entries of `tree` whose path satisfies `keep`. */
export function pick(files: Record<string, string>, keep: (file: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([f]) => keep(f)));
}
