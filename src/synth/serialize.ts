import { Document, DocumentOptions, Node, Pair, Scalar, SchemaOptions, ToStringOptions, YAMLMap, YAMLSeq } from 'yaml';

/**
 * Deterministic YAML: no line folding, no anchors; key order is cdk8s's (sorted, apiVersion/kind
 * first). YAML 1.1 quoting, because Kubernetes and Argo CD read YAML 1.1, where a bare `Off` or
 * `yes` is a boolean (a VPA's `updateMode: Off` would arrive as `false`).
 *
 * `stringify(object, YAML_OPTIONS)` is the definition of our bytes; `toYaml` produces the same
 * bytes for less work (test/synth/serialize.test.ts compares both over all of dist/, and the
 * bench over its generated fleets).
 */
export const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' } as const;

/** Serializes one object to YAML text (one document, ending in a newline). */
export type YamlSerializer = (object: unknown) => string;

/** Beyond this many remembered strings a serializer forgets them all (bounds its memory in a fleet). */
const MAX_REMEMBERED_STRINGS = 20_000;

/** Where `yaml` styles a string by its position (see its stringifyString: plainString, doubleQuotedString). */
const DOCUMENT_MARKER = /^(---|\.\.\.)/;

type Stringify = (item: Scalar, ctx: { readonly inFlow?: boolean | null }, onComment?: () => void, onChompKeep?: () => void) => string;

/** A string's node, shared by every occurrence of the string, with its YAML once known. */
class RememberedString extends Scalar<string> {
  public text?: string;
}

/**
 * A serializer with the bytes of `stringify(object, YAML_OPTIONS)`, from the `yaml` package with
 * the work it repeats for every object done once (profiled with our settings: scripts/bench/serialize-cost.ts):
 * - one `Document` (options, YAML 1.1 schema and tags, directives) for every object, instead of
 *   one each: only its contents change;
 * - no `%YAML`/`%TAG` directives pass (`directives: false`), which walks every node to learn that
 *   our documents have none;
 * - the `str` tag (through `customTags`, the package's own extension point) gives every
 *   occurrence of a string one node, which remembers what `yaml`'s own string stringifier
 *   returned for it. Most strings of a fleet repeat (keys, labels, images), and the YAML 1.1
 *   quoting decision (a dozen regular expressions per string, and a copy of the context) was the
 *   largest single cost. Only single-line strings not starting with a document marker (`---`,
 *   `...`), outside flow collections, are remembered: with `lineWidth: 0` (no folding) their
 *   output is the same wherever they stand (key or value, any indentation); multi-line strings
 *   (block scalars: indented, with callbacks) and the rest always go to `yaml`. The test
 *   (test/synth/serialize.test.ts) puts awkward strings in every position to hold this.
 * - the node tree of plain JSON data (plain objects, arrays, strings, numbers with NaN and the
 *   infinities, booleans, null) is built with the package's node classes directly, as
 *   `doc.createNode` builds it for such data with our options (no tags set, as every tag it would
 *   pick is a default one; `undefined` map values left out, `undefined` items as null), without
 *   asking each of the schema's 21 tags whether it identifies every value; anything else (a Map,
 *   a Date, a class instance, an object with `toJSON`) goes to `doc.createNode`.
 * Each call returns a new serializer (own document and memory): one per thread, or per measurement.
 */
export function createYamlSerializer(): YamlSerializer {
  const nodes = new Map<string, RememberedString>();
  const stringNode = (value: string): RememberedString => {
    let node = nodes.get(value);
    if (!node) {
      if (nodes.size >= MAX_REMEMBERED_STRINGS) nodes.clear();
      nodes.set(value, (node = new RememberedString(value)));
    }
    return node;
  };
  const customTags: SchemaOptions['customTags'] = (tags) => tags.map((t) => {
    if (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:str' || !('stringify' in t) || typeof t.stringify !== 'function') return t;
    const original = t.stringify as unknown as Stringify;
    const stringify: Stringify = (item, ctx, onComment, onChompKeep) => {
      if (item instanceof RememberedString) {
        if (item.text !== undefined && !ctx.inFlow) return item.text;
        const text = original(item, ctx, onComment, onChompKeep);
        if (!ctx.inFlow && !item.value.includes('\n') && !DOCUMENT_MARKER.test(item.value)) item.text = text;
        return text;
      }
      return original(item, ctx, onComment, onChompKeep);
    };
    const createNode = (_schema: unknown, value: string): RememberedString => stringNode(value);
    return { ...t, stringify, createNode } as unknown as typeof t;
  });
  const documentOptions: DocumentOptions & SchemaOptions = { ...YAML_OPTIONS, customTags };
  const toStringOptions: ToStringOptions = { lineWidth: YAML_OPTIONS.lineWidth, directives: false };
  const doc = new Document(null, documentOptions);
  const createOptions = { aliasDuplicateObjects: YAML_OPTIONS.aliasDuplicateObjects };
  const build = (value: unknown): Node => {
    if (typeof value === 'string') return stringNode(value);
    if (typeof value === 'number' || typeof value === 'boolean') return new Scalar(value);
    if (value === null || value === undefined) return new Scalar(null);
    if (Array.isArray(value)) {
      const seq = new YAMLSeq(doc.schema);
      for (const item of value) seq.items.push(build(item));
      return seq;
    }
    if (isPlainData(value)) {
      const map = new YAMLMap<Node, Node>(doc.schema);
      for (const key of Object.keys(value)) {
        const item = value[key];
        if (item !== undefined) map.items.push(new Pair(stringNode(key), build(item)));
      }
      return map;
    }
    return doc.createNode(value, createOptions);
  };
  return (object) => {
    doc.contents = build(object);
    try {
      return doc.toString(toStringOptions);
    } finally {
      doc.contents = null; // the object's nodes are not kept until the next call
    }
  };
}

/** A plain object (as JSON and cdk8s build them) that `doc.createNode` would turn into a map of its own keys. */
function isPlainData(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

let shared: YamlSerializer | undefined;

/** `stringify(object, YAML_OPTIONS)`, cheaper: this thread's serializer (see `createYamlSerializer`). */
export function toYaml(object: unknown): string {
  return (shared ??= createYamlSerializer())(object);
}
