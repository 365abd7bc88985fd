/**
 * The import graph of src/, read with the TypeScript scanner (static imports, `export … from`,
 * `import()` and `require()`), for the layering tests. Only relative imports that land in src/
 * count; packages and generated `imports/` are outside the layering.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export const SRC = path.resolve(__dirname, '../../src');

export interface ImportEdge {
  /** Importing file, relative to src/ with `/` separators. */
  readonly from: string;
  /** Imported file, relative to src/. */
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

function resolveInSrc(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate) && !path.relative(SRC, candidate).startsWith('..')) return candidate;
  }
  return undefined;
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');

/** Every import between two files of src/. */
export function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(SRC).sort()) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const imported of info.importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const target = resolveInSrc(file, imported.fileName);
      if (target) edges.push({ from: rel(file), to: rel(target) });
    }
  }
  return edges;
}

/** The top-level folder under src/ a file belongs to; `.` for files directly in src/. */
export function folderOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? '.' : file.slice(0, slash);
}

/** Strongly connected components with more than one node (Tarjan): each is a cycle or a knot of them. */
export function cycles(nodes: Iterable<string>, next: (node: string) => readonly string[]): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}
