/**
 * Metric catalog read from a Prometheus text exposition (format 0.0.4), such as the
 * real LangGraph server's /metrics recorded by scripts/signals/harvest-metrics.sh into
 * test/fixtures/signals/langgraph-api-metrics.prom.
 *
 * A family is what a `# TYPE` line declares; its samples are the lines whose names
 * belong to it (`<name>_bucket|_sum|_count` for histograms, `<name>_sum|_count` and
 * `<name>` for summaries, `<name>` otherwise). A sample with no `# TYPE` becomes an
 * `untyped` family of its own.
 */
import * as fs from 'fs';
import * as path from 'path';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name, e.g. `lg_api_http_requests_latency_bucket`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  /** `# HELP` text ('' when the line is missing or empty). */
  readonly help: string;
  /** Sorted union of label names over the samples, without the structural `le` / `quantile`. */
  readonly labels: readonly string[];
  /** Histogram upper bounds in ascending order (`+Inf` as Infinity); [] for other types. */
  readonly buckets: readonly number[];
  /** Series names a query can select: `<name>_bucket`, `_sum`, `_count` for a histogram. */
  readonly seriesNames: readonly string[];
  readonly samples: readonly Sample[];
}

export type Catalog = ReadonlyMap<string, MetricFamily>;

/** Directory of the fixtures the harvest script writes. */
export const SIGNALS_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'signals');

const METRIC_TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const STRUCTURAL_LABELS = new Set(['le', 'quantile']);

function suffixesOf(type: MetricType): readonly string[] {
  if (type === 'histogram') return ['_bucket', '_sum', '_count'];
  if (type === 'summary') return ['', '_sum', '_count'];
  return [''];
}

function parseValue(raw: string, where: string): number {
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  const value = Number(raw);
  if (raw === '' || Number.isNaN(value)) throw new Error(`${where}: value ${JSON.stringify(raw)} is not a number`);
  return value;
}

/** Parses `{a="x",b="y\"z"}` starting at `text[start] === '{'`; returns labels and the index after `}`. */
function parseLabels(text: string, start: number, where: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipSpaces = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpaces();
    if (text[i] === '}') return { labels, end: i + 1 };
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (!nameMatch) throw new Error(`${where}: expected a label name at column ${i + 1}`);
    const name = nameMatch[0];
    i += name.length;
    skipSpaces();
    if (text[i] !== '=') throw new Error(`${where}: expected '=' after label ${name}`);
    i++;
    skipSpaces();
    if (text[i] !== '"') throw new Error(`${where}: expected a quoted value for label ${name}`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`${where}: unterminated value for label ${name}`);
      if (c === '\\') {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : next;
        i += 2;
        continue;
      }
      if (c === '"') {
        i++;
        break;
      }
      value += c;
      i++;
    }
    if (name in labels) throw new Error(`${where}: label ${name} appears twice`);
    labels[name] = value;
    skipSpaces();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') return { labels, end: i + 1 };
    throw new Error(`${where}: expected ',' or '}' after label ${name}`);
  }
}

function parseSample(line: string, where: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`${where}: no metric name in ${JSON.stringify(line)}`);
  const name = nameMatch[0];
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(line, name.length, where);
    labels = parsed.labels;
    rest = line.slice(parsed.end);
  }
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') {
    throw new Error(`${where}: expected '<value> [timestamp]' after ${name}, got ${JSON.stringify(rest)}`);
  }
  return { name, labels, value: parseValue(fields[0], where) };
}

interface Draft {
  type?: MetricType;
  help: string;
  samples: Sample[];
}

/** Parses exposition text into families keyed by family name. `source` names the input in errors. */
export function parseExposition(text: string, source = 'exposition'): Catalog {
  const drafts = new Map<string, Draft>();
  const draft = (name: string): Draft => {
    let d = drafts.get(name);
    if (!d) {
      d = { help: '', samples: [] };
      drafts.set(name, d);
    }
    return d;
  };
  const familyOf = (sampleName: string): string => {
    for (const [name, d] of drafts) {
      if (d.type && suffixesOf(d.type).some((s) => sampleName === name + s)) return name;
    }
    return sampleName;
  };

  text.split('\n').forEach((raw, index) => {
    const where = `${source}:${index + 1}`;
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s(.*))?$/.exec(line);
      if (!meta) return; // a plain comment
      const [, kind, name, arg = ''] = meta;
      if (kind === 'HELP') {
        draft(name).help = arg.trim();
      } else {
        const type = arg.trim() as MetricType;
        if (!METRIC_TYPES.includes(type)) throw new Error(`${where}: unknown metric type ${JSON.stringify(arg)} for ${name}`);
        const d = draft(name);
        if (d.type && d.type !== type) throw new Error(`${where}: ${name} declared as ${d.type} and ${type}`);
        d.type = type;
      }
      return;
    }
    const sample = parseSample(line, where);
    draft(familyOf(sample.name)).samples.push(sample);
  });

  const catalog = new Map<string, MetricFamily>();
  for (const [name, d] of drafts) {
    const type = d.type ?? 'untyped';
    const labelNames = new Set<string>();
    const bounds = new Set<number>();
    for (const s of d.samples) {
      for (const label of Object.keys(s.labels)) if (!STRUCTURAL_LABELS.has(label)) labelNames.add(label);
      if (type === 'histogram' && s.name === `${name}_bucket`) {
        if (s.labels.le === undefined) throw new Error(`${source}: ${s.name} sample without an le label`);
        bounds.add(parseValue(s.labels.le, `${source}: ${s.name} le`));
      }
    }
    catalog.set(name, {
      name,
      type,
      help: d.help,
      labels: [...labelNames].sort(),
      buckets: [...bounds].sort((a, b) => a - b),
      seriesNames: suffixesOf(type).map((s) => name + s),
      samples: d.samples,
    });
  }
  return catalog;
}

/** Reads and parses an exposition file. */
export function loadCatalog(file: string): Catalog {
  return parseExposition(fs.readFileSync(file, 'utf8'), path.basename(file));
}

/** Distinct values of one label over a family's samples, sorted. */
export function labelValues(family: MetricFamily, label: string): string[] {
  return [...new Set(family.samples.flatMap((s) => (label in s.labels ? [s.labels[label]] : [])))].sort();
}

/** The family, or an error that lists what the catalog has. */
export function familyOf(catalog: Catalog, name: string): MetricFamily {
  const family = catalog.get(name);
  if (!family) throw new Error(`metric ${name} is not in the catalog; it has: ${[...catalog.keys()].sort().join(', ')}`);
  return family;
}
