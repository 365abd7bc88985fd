/**
 * The floor: the least work that produces the same output folder from the same objects. The
 * objects a synth wrote are loaded back (not timed), then serialized with the project's serializer
 * (src/synth/serialize.ts: `toYaml`'s, created afresh for each measurement, as a synth's thread
 * starts with one) and written to the same layout in a fresh folder, in this process, one thread:
 * nothing else (no config, no constructs, no validation) is timed. Beside it, the physical floor
 * (`JSON.stringify` + the same writes) and the old serializer against the current one.
 *
 * One top-level folder (environment) at a time: holding every object of a 500-workflow fleet at
 * once makes V8's full garbage collections mark a huge heap over and over while `yaml` allocates,
 * which more than doubles the time; the floor is the cheapest way, so it does not do that.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { listFiles } from '../../src/synth/compare-trees';
import { YAML_OPTIONS, createYamlSerializer } from '../../src/synth/serialize';

export interface FloorMeasurement {
  readonly files: number;
  /** Serialization and writing, in milliseconds. */
  readonly wallMs: number;
  /** CPU time (user + system) of the same, in milliseconds; undefined in results saved before it was measured. */
  readonly cpuMs?: number;
  /** Of which `yaml` stringify (or, for the physical floor, `JSON.stringify`), in milliseconds. */
  readonly serializeMs: number;
}

/** The old serializer and the current one, over the same objects in the same run (see `compareSerializers`). */
export interface SerializerComparison {
  readonly objects: number;
  /** `stringify(object, YAML_OPTIONS)`: a `Document` per object, as before src/synth/serialize.ts's serializer. CPU ms. */
  readonly previousCpuMs: number;
  /** `toYaml`'s serializer, created afresh (nothing remembered) for each environment folder. CPU ms. */
  readonly currentCpuMs: number;
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
  return writeLayout(loaded, targetDir, createYamlSerializer());
}

/**
 * The physical floor: the same objects written to the same layout as `JSON.stringify` text — what
 * creating the files costs with the cheapest serialization there is, so the gap between the two
 * floors is YAML's. The files are not YAML (nothing reads them).
 */
export function measurePhysicalFloor(loaded: LoadedOutput, targetDir: string): FloorMeasurement {
  return writeLayout(loaded, targetDir, (object) => JSON.stringify(object));
}

/**
 * Both serializers over every loaded object, in CPU time, one folder at a time (so both see the
 * same load), which goes first alternating; throws if any object's text differs between them.
 * Nothing is written.
 */
export function compareSerializers(loaded: LoadedOutput): SerializerComparison {
  let objects = 0;
  let previous = 0;
  let current = 0;
  let folderIndex = 0;
  for (const [folder, json] of loaded) {
    const entries = JSON.parse(json) as [string, unknown][];
    const texts: string[] = [];
    const again: string[] = [];
    const runPrevious = () => (previous += cpuMicros(() => entries.forEach(([, object]) => texts.push(stringify(object, YAML_OPTIONS)))));
    const runCurrent = () => {
      const serialize = createYamlSerializer();
      current += cpuMicros(() => entries.forEach(([, object]) => again.push(serialize(object))));
    };
    // Which goes first alternates folder by folder: the second pays for collecting the first's
    // garbage (and holds its output alive), so a fixed order would favour one of them.
    if (folderIndex++ % 2 === 0) {
      runPrevious();
      runCurrent();
    } else {
      runCurrent();
      runPrevious();
    }
    const differs = entries.findIndex((_, i) => texts[i] !== again[i]);
    if (differs >= 0) throw new Error(`${entries[differs][0]} (in ${folder}): toYaml's bytes differ from stringify(object, YAML_OPTIONS)'s`);
    objects += entries.length;
  }
  return { objects, previousCpuMs: previous / 1000, currentCpuMs: current / 1000 };
}

function cpuMicros(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

function writeLayout(loaded: LoadedOutput, targetDir: string, serialize: (object: unknown) => string): FloorMeasurement {
  let files = 0;
  let wallNs = 0n;
  let cpu = 0;
  let serializeNs = 0n;
  for (const json of loaded.values()) {
    const entries = JSON.parse(json) as [string, unknown][];
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const createdDirs = new Set<string>();
    for (const [file, object] of entries) {
      const before = process.hrtime.bigint();
      const text = serialize(object);
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
    const used = process.cpuUsage(cpuBefore);
    cpu += used.user + used.system;
    files += entries.length;
  }
  return { files, wallMs: Number(wallNs) / 1e6, cpuMs: cpu / 1000, serializeMs: Number(serializeNs) / 1e6 };
}
