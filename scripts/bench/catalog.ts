/**
 * Generated workflow catalogs for the benchmark and the fleet tests: a copy of a config folder
 * whose catalog holds N workflows. The first ones are the committed workflows themselves; the rest
 * are clones of them, round-robin (so the fleet mixes their delivery strategies, sizes and
 * features), each renamed everywhere its entry mentions the name, with every fourth clone on a
 * different pod size. Waivers of the gate's own rules that name a committed workflow's object are
 * copied for its clones (the clones need them to pass the gate); scanner waivers stay with the
 * committed workflows (only the scanners read them, and the benchmark runs none). Waivers naming
 * a committed workflow that is not in the catalog are dropped (they would be stale).
 *
 * An environment with entry type `gateway-api` holds its workflows' HTTPS listeners on one Gateway,
 * which takes at most MAX_WORKFLOW_LISTENERS of them (synth refuses more): in a catalog larger than
 * that, such an environment falls back to its default entry type (`gateway` with the mesh, `ingress`
 * without), which still renders one entry object per workflow, so that the bench's large catalogs
 * remain valid configs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, isMap, isSeq, parseDocument } from 'yaml';
import { MAX_WORKFLOW_LISTENERS } from '../../src/constructs/entry-gateway';

export interface GeneratedCatalogOptions {
  /** Config folder copied (defaults, environments, waivers, catalog). */
  readonly baseConfigDir: string;
  /** Folder to create. */
  readonly targetDir: string;
  /** Workflows in the generated catalog (each rendered in every environment). */
  readonly workflows: number;
}

/** Pod sizes given to every fourth clone. */
const SIZES = [
  { requests: { cpu: '100m', memory: '256Mi', ephemeralStorage: '1Gi' }, limits: { cpu: '250m', memory: '512Mi', ephemeralStorage: '2Gi' } },
  { requests: { cpu: '500m', memory: '1Gi', ephemeralStorage: '1Gi' }, limits: { cpu: '1', memory: '2Gi', ephemeralStorage: '4Gi' } },
  { requests: { cpu: '1', memory: '2Gi', ephemeralStorage: '2Gi' }, limits: { cpu: '2', memory: '4Gi', ephemeralStorage: '8Gi' } },
];

type Entry = Record<string, unknown> & { name: string };

/** Name of the clone at catalog position `index` of template workflow `template`. */
export function cloneName(template: string, index: number): string {
  return `${template}-${String(index).padStart(4, '0')}`;
}

export interface GeneratedEntry {
  readonly entry: Entry;
  /** The committed workflow it copies (itself for the committed ones). */
  readonly template: string;
}

/** The catalog entries: the committed ones first, then renamed clones of them, round-robin. */
export function generatedEntries(committed: readonly Entry[], workflows: number): GeneratedEntry[] {
  if (committed.length === 0) throw new Error('the base catalog has no workflows to clone');
  return Array.from({ length: workflows }, (_, index) => {
    const template = committed[index % committed.length];
    if (index < committed.length) return { entry: template, template: template.name };
    const clone = renamed(template, template.name, cloneName(template.name, index)) as Entry;
    if (index % 4 === 3) {
      const overrides = (clone.overrides ?? {}) as Record<string, unknown>;
      clone.overrides = { ...overrides, resources: SIZES[(index >> 2) % SIZES.length] };
    }
    return { entry: clone, template: template.name };
  });
}

/** Copies the config folder with a catalog of `workflows` entries (see the file comment). Returns `targetDir`. */
export function writeGeneratedConfig(options: GeneratedCatalogOptions): string {
  fs.cpSync(options.baseConfigDir, options.targetDir, { recursive: true });
  const catalogFile = path.join(options.targetDir, 'workflows.yaml');
  const catalog = readYaml(catalogFile);
  const committed = (catalog.toJS() as { workflows: Entry[] }).workflows;
  const generated = generatedEntries(committed, options.workflows);
  catalog.setIn(['workflows'], createNode(catalog, generated.map((g) => g.entry)));
  writeYaml(catalogFile, catalog);

  if (options.workflows > MAX_WORKFLOW_LISTENERS) {
    for (const file of yamlFiles(path.join(options.targetDir, 'environments'))) {
      const doc = readYaml(file);
      if (doc.getIn(['entry', 'type']) !== 'gateway-api') continue;
      doc.deleteIn(['entry', 'type']);
      doc.deleteIn(['entry', 'gatewayApi']);
      writeYaml(file, doc);
    }
  }

  const clonesOf = new Map(committed.map((w) => [w.name, generated.filter((g) => g.template === w.name).map((g) => g.entry.name)]));
  for (const file of yamlFiles(options.targetDir)) {
    const doc = readYaml(file);
    if (!isSeq(doc.get('waivers'))) continue;
    const rewritten = (doc.toJS() as { waivers: Record<string, unknown>[] }).waivers.flatMap((w) => waiverForCatalog(w, committed, clonesOf));
    doc.set('waivers', createNode(doc, rewritten));
    writeYaml(file, doc);
  }
  return options.targetDir;
}

/** Rule namespaces the validation gate itself enforces (see src/validation/waivers.ts). */
const GATE_RULE = /^(policy|cross-object)\//;

/** A waiver naming one committed workflow's object, for the catalog: kept if that workflow is in it, plus copies for its clones when the gate enforces the rule. */
function waiverForCatalog(waiver: Record<string, unknown>, committed: readonly Entry[], clonesOf: ReadonlyMap<string, readonly string[]>): Record<string, unknown>[] {
  const name = waiver.name;
  if (typeof name !== 'string' || name.includes('<workflow>')) return [waiver];
  const owner = [...committed].sort((a, b) => b.name.length - a.name.length).find((w) => name === w.name || name.startsWith(`${w.name}-`));
  if (!owner) return [waiver];
  const entries = clonesOf.get(owner.name) ?? [];
  const targets = GATE_RULE.test(String(waiver.rule)) ? entries : entries.filter((e) => e === owner.name);
  return targets.map((entry) => renamed(waiver, owner.name, entry) as Record<string, unknown>);
}

/** Deep copy with every occurrence of `from` in strings (keys untouched) replaced by `to`. */
function renamed(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => renamed(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, from, to)]));
  return value;
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

function readYaml(file: string): Document {
  const doc: Document = parseDocument(fs.readFileSync(file, 'utf8'));
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
  if (!isMap(doc.contents) && doc.contents !== null) throw new Error(`${file}: expected a mapping at the top`);
  return doc;
}

/** No anchors: shared objects (the pod sizes) would otherwise become aliases, which the config loader caps. */
function createNode(doc: Document, value: unknown) {
  return doc.createNode(value, { aliasDuplicateObjects: false });
}

function writeYaml(file: string, doc: Document): void {
  fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
}
