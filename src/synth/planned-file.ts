/**
 * From rendered objects to output files: where each object is written and what the file holds.
 * Kept apart from the pipeline (and light: no cdk8s, no gate) because every thread that writes
 * files needs it, including the fleet's coordinating thread when it helps write.
 */
import { RenderedObject, relativePath } from '../model/rendered-object';
import { toYaml } from './serialize';
import { OutputFile } from './write';

export interface PlannedFile {
  readonly path: string;
  readonly rendered: RenderedObject;
}

/** Where each object goes, sorted by path. Refuses two objects for one file. */
export function planFiles(objects: readonly RenderedObject[]): PlannedFile[] {
  const planned = objects.map((rendered) => ({ path: relativePath(rendered), rendered }));
  const seen = new Map<string, number>();
  for (const f of planned) seen.set(f.path, (seen.get(f.path) ?? 0) + 1);
  const clashes = [...seen].filter(([, n]) => n > 1).map(([p]) => p);
  if (clashes.length) throw new Error(`two objects would be written to the same file: ${clashes.join(', ')}`);
  return planned.sort(byPath);
}

/** The file one object is written to: its YAML at its path. */
export function serializeFile(planned: PlannedFile): OutputFile {
  return { path: planned.path, content: toYaml(planned.rendered.object) };
}

export function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
