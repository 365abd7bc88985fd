/**
 * The floor: the least work that produces the same output folder from the same objects. The
 * objects a synth wrote are loaded back (not timed), then serialized with the `yaml` package and
 * the project's options (src/synth/serialize.ts) and written to the same layout in a fresh folder,
 * in this process, one thread: nothing else (no config, no constructs, no validation) is timed.
 *
 * One top-level folder (environment) at a time: holding every object of a 500-workflow fleet at
 * once makes V8's full garbage collections mark a huge heap over and over while `yaml` allocates,
 * which more than doubles the time; the floor is the cheapest way, so it does not do that.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { listFiles } from '../../src/synth/compare-trees';
import { toYaml } from '../../src/synth/serialize';

export interface FloorMeasurement {
  readonly files: number;
  /** Serialization and writing, in milliseconds. */
  readonly wallMs: number;
  /** Of which `yaml` stringify, in milliseconds. */
  readonly serializeMs: number;
}

/** A synth's output, parsed back: per top-level folder, `[relative path, object][]` as compact JSON. */
export type LoadedOutput = ReadonlyMap<string, string>;

/**
 * Parses every file of an output folder back into the object it holds (not timed). Kept as JSON
 * text per folder — the same plain data (YAML parsing yields only JSON types), without a heap of
 * live objects between runs.
 */
export function loadOutput(outdir: string): LoadedOutput {
  const byFolder = new Map<string, [string, unknown][]>();
  for (const file of listFiles(outdir)) {
    if (!file.endsWith('.yaml')) continue;
    const folder = file.split(path.sep)[0];
    let list = byFolder.get(folder);
    if (!list) byFolder.set(folder, (list = []));
    list.push([file, parse(fs.readFileSync(path.join(outdir, file), 'utf8'))]);
  }
  return new Map([...byFolder].map(([folder, entries]) => [folder, JSON.stringify(entries)]));
}

/**
 * Serializes and writes the loaded objects under `targetDir` (which must not exist yet), folder
 * by folder; each directory is created once, each file written with one call. Only that is timed.
 */
export function measureFloor(loaded: LoadedOutput, targetDir: string): FloorMeasurement {
  let files = 0;
  let wallNs = 0n;
  let serializeNs = 0n;
  for (const json of loaded.values()) {
    const entries = JSON.parse(json) as [string, unknown][];
    const started = process.hrtime.bigint();
    const createdDirs = new Set<string>();
    for (const [file, object] of entries) {
      const before = process.hrtime.bigint();
      const text = toYaml(object);
      serializeNs += process.hrtime.bigint() - before;
      const dest = path.join(targetDir, file);
      const dir = path.dirname(dest);
      if (!createdDirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        createdDirs.add(dir);
      }
      fs.writeFileSync(dest, text);
    }
    wallNs += process.hrtime.bigint() - started;
    files += entries.length;
  }
  return { files, wallMs: Number(wallNs) / 1e6, serializeMs: Number(serializeNs) / 1e6 };
}
