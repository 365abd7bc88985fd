/**
 * The floor: the cheapest possible way to produce the same output folder from the same objects.
 * The objects a synth wrote are loaded back (untimed), then serialized with the `yaml` package and
 * the project's options (src/synth/serialize.ts) and written to the same layout in a fresh folder:
 * nothing else (no config, no constructs, no validation) is timed.
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

interface LoadedObject {
  readonly path: string;
  readonly object: unknown;
}

/** Parses every file of a synth's output folder back into the object it holds (untimed). */
export function loadOutput(outdir: string): LoadedObject[] {
  return listFiles(outdir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ path: f, object: parse(fs.readFileSync(path.join(outdir, f), 'utf8')) }));
}

/**
 * Serializes and writes `objects` under `targetDir` (which must not exist yet). Each folder is
 * created once; each file is written with one call.
 */
export function measureFloor(objects: readonly LoadedObject[], targetDir: string): FloorMeasurement {
  const started = process.hrtime.bigint();
  let serializeNs = 0n;
  const createdDirs = new Set<string>();
  for (const o of objects) {
    const before = process.hrtime.bigint();
    const text = toYaml(o.object);
    serializeNs += process.hrtime.bigint() - before;
    const dest = path.join(targetDir, o.path);
    const dir = path.dirname(dest);
    if (!createdDirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      createdDirs.add(dir);
    }
    fs.writeFileSync(dest, text);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { files: objects.length, wallMs, serializeMs: Number(serializeNs) / 1e6 };
}
