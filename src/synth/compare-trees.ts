/** Compares two folders file by file and describes every difference as unified-diff-like lines. */
import * as fs from 'fs';
import * as path from 'path';

export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Differences between `expectedDir` (committed) and `actualDir` (fresh), as readable lines. */
export function compareTrees(committedDir: string, freshDir: string, maxLinesPerFile = 20): string[] {
  const committed = new Set(listFiles(committedDir));
  const fresh = new Set(listFiles(freshDir));
  const out: string[] = [];
  for (const f of [...fresh].filter((f) => !committed.has(f))) out.push(`+ missing from dist/: ${f}`);
  for (const f of [...committed].filter((f) => !fresh.has(f))) out.push(`- no longer produced: ${f}`);
  for (const f of [...fresh].filter((f) => committed.has(f))) {
    const a = fs.readFileSync(path.join(committedDir, f), 'utf8');
    const b = fs.readFileSync(path.join(freshDir, f), 'utf8');
    if (a !== b) out.push(`~ changed: ${f}`, ...lineDiff(a, b).slice(0, maxLinesPerFile).map((l) => `    ${l}`));
  }
  return out;
}

/** A minimal line diff (LCS), enough to point a reviewer at the changed lines. */
export function lineDiff(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { i++; j++; } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push(`- ${x[i++]}`); else out.push(`+ ${y[j++]}`);
  }
  while (i < n) out.push(`- ${x[i++]}`);
  while (j < m) out.push(`+ ${y[j++]}`);
  return out;
}
