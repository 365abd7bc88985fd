/**
 * The layering of src/: no import cycle between its folders (each folder can be read, tested and
 * replaced on top of the ones it imports), none between the config files, and constructs that
 * import nothing from config, capacity or validation (a library user composes them without the
 * YAML layer; defaults and checks live in the constructs).
 */
import { ImportEdge, cycles, folderOf, importEdges } from './import-graph';

/**
 * Imports from constructs into config, capacity or validation allowed for now: none. Should one be
 * needed while something is moved, list it here; the test fails on an entry that no longer matches,
 * so this list only shrinks.
 */
const KNOWN_CONSTRUCT_IMPORTS: readonly ImportEdge[] = [];

const LOWER_LAYERS_OF_CONSTRUCTS = new Set(['config', 'capacity', 'validation']);

const edges = importEdges();
const isKnown = (e: ImportEdge) => KNOWN_CONSTRUCT_IMPORTS.some((k) => k.from === e.from && k.to === e.to);
const show = (e: ImportEdge) => `src/${e.from} → src/${e.to}`;

test('the import graph is read (a broken reader would pass every rule below)', () => {
  expect(edges).toContainEqual({ from: 'synth/pipeline.ts', to: 'config/load.ts' });
  expect(edges).toContainEqual({ from: 'config/load.ts', to: 'config/semantic-checks.ts' });
  expect(new Set(edges.map((e) => folderOf(e.from))).size).toBeGreaterThan(8);
});

test('no import cycle between the folders of src/', () => {
  // The known construct imports are held to their own rule below; counting them here too would
  // report the same imports twice until they go.
  const between = edges.filter((e) => folderOf(e.from) !== folderOf(e.to) && !isKnown(e));
  const next = new Map<string, Set<string>>();
  for (const e of between) {
    const targets = next.get(folderOf(e.from)) ?? new Set<string>();
    targets.add(folderOf(e.to));
    next.set(folderOf(e.from), targets);
  }
  const folders = new Set(edges.flatMap((e) => [folderOf(e.from), folderOf(e.to)]));
  const found = cycles(folders, (f) => [...(next.get(f) ?? [])].sort());
  // Each knot of folders with the imports that tie it, so the message names what to move.
  const report = found.map((knot) => ({
    folders: knot,
    imports: between.filter((e) => knot.includes(folderOf(e.from)) && knot.includes(folderOf(e.to))).map(show),
  }));
  expect(report).toEqual([]);
});

test('no import cycle between the files of src/config (the checks call the features; the features never call back)', () => {
  const inConfig = edges.filter((e) => folderOf(e.from) === 'config' && folderOf(e.to) === 'config');
  const next = new Map<string, string[]>();
  for (const e of inConfig) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const files = new Set(inConfig.flatMap((e) => [e.from, e.to]));
  expect(cycles(files, (f) => next.get(f) ?? [])).toEqual([]);
});

test('constructs import nothing from config, capacity or validation, beyond the shrinking list of known imports', () => {
  const fromConstructs = edges.filter((e) => folderOf(e.from) === 'constructs' && LOWER_LAYERS_OF_CONSTRUCTS.has(folderOf(e.to)));
  expect(fromConstructs.filter((e) => !isKnown(e)).map(show)).toEqual([]);
  // An entry whose import is gone must leave the list, so it cannot hide a new import later.
  const gone = KNOWN_CONSTRUCT_IMPORTS.filter((k) => !fromConstructs.some((e) => e.from === k.from && e.to === k.to));
  expect(gone.map(show)).toEqual([]);
});

test('the shared vocabulary (src/model, src/metric-catalog) imports nothing else of src/', () => {
  const leaves = new Set(['model', 'metric-catalog']);
  expect(edges.filter((e) => leaves.has(folderOf(e.from)) && folderOf(e.to) !== folderOf(e.from)).map(show)).toEqual([]);
});
