/** "Did you mean …?" for misspelt keys and values: the closest candidates by edit distance. */

/**
 * Candidates closest to `word` (case-insensitive optimal-string-alignment distance), if close
 * enough to be a typo: at most 1 edit for short words, up to 3 for long ones. Ties are all returned.
 * `compareOn` picks the part of a candidate to compare (e.g. the last segment of `a.b`).
 */
export function closest(word: string, candidates: readonly string[], compareOn: (c: string) => string = (c) => c): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 4)));
  let best = Infinity;
  let found: string[] = [];
  for (const c of candidates) {
    const d = editDistance(w, compareOn(c).toLowerCase());
    if (d > limit) continue;
    if (d < best) { best = d; found = [c]; } else if (d === best && !found.includes(c)) found.push(c);
  }
  return found;
}

/** Levenshtein distance where swapping two neighbouring letters counts as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
