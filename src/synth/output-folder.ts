/**
 * Whether a full synth may replace a folder. It swaps in a new output folder whole, so whatever else
 * the folder held is gone: pointed at the config's parent, a project root or a folder of notes, a
 * successful run would delete them. A folder is replaceable when it is missing, empty, or shaped
 * like an output: folders only at the top (one per environment, `argocd`), and below each only
 * folders and `.yaml` files. Two levels are read, never the whole tree, so the check costs a few
 * directory reads however many files the previous output has. (`--env` keeps every other entry,
 * so a partial render needs no such check.)
 */
import * as fs from 'fs';
import * as path from 'path';

/** How many foreign entries a refusal names. */
const NAMED = 3;

/** Why a full synth must not replace `outdir`, or undefined when it may. Both paths absolute. */
export function unreplaceableOutputFolder(outdir: string, configDir: string): string | undefined {
  const fix = 'pass an --outdir that is new, empty or a previous output (e.g. dist)';
  if (holds(outdir, configDir)) {
    return `output folder ${outdir} holds the config folder ${configDir}, and a synth replaces the whole output folder: ${fix}`;
  }
  const foreign: string[] = [];
  for (const top of entries(outdir)) {
    if (!top.isDirectory()) {
      foreign.push(top.name);
      continue;
    }
    for (const inner of entries(path.join(outdir, top.name))) {
      if (inner.isDirectory() || (inner.isFile() && inner.name.endsWith('.yaml'))) continue;
      foreign.push(`${top.name}/${inner.name}`);
    }
  }
  if (foreign.length === 0) return undefined;
  const named = foreign.slice(0, NAMED).join(', ') + (foreign.length > NAMED ? ` and ${foreign.length - NAMED} more` : '');
  return `output folder ${outdir} holds ${named}, which no synth writes, and a synth replaces the whole output folder: ${fix}, or move them out`;
}

/**
 * Whether `folder` is `inner` or one of its ancestors, by identity (device and inode), not by
 * spelling: a symlink, a letter case a case-insensitive file system ignores, or macOS's
 * /tmp → /private/tmp would otherwise hide that they are the same folder.
 */
function holds(folder: string, inner: string): boolean {
  const target = statOf(folder);
  if (!target) return false; // a folder that does not exist holds nothing
  // From the physical path up, so a symlinked config folder's real ancestors are the ones compared.
  for (let dir = realpathOf(inner); ; dir = path.dirname(dir)) {
    const stat = statOf(dir);
    if (stat && stat.dev === target.dev && stat.ino === target.ino) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/** `read(p)`, or `absent` where nothing is (a missing path, or one through a file: later steps report it). */
function orAbsent<T>(read: () => T, absent: T): T {
  try {
    return read();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return absent;
    throw e;
  }
}

const statOf = (p: string): fs.Stats | undefined => orAbsent(() => fs.statSync(p), undefined);
const realpathOf = (p: string): string => orAbsent(() => fs.realpathSync.native(p), p);
const entries = (dir: string): fs.Dirent[] =>
  orAbsent(() => fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), []);
