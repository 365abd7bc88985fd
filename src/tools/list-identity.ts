/**
 * How the semantic diff lines up the items of two versions of one list, so that inserting one item
 * reads as one added item instead of every later index changing.
 *
 * Three ways, chosen from the list's field name and its items:
 * - **keyed**: every item (on both sides) has a distinguishing key and no key repeats — containers,
 *   env, volumes, HTTP routes (`name`), volume mounts (`mountPath`), PrometheusRule rules
 *   (`alert`/`record`), RBAC rules (the apiGroups + resources + resourceNames they grant on), role
 *   binding subjects, AppProject kinds (`group` + `kind`) and destinations, unnamed ports
 *   (`containerPort`/`port` + protocol). Items are matched by key; a reordering is reported only
 *   where Kubernetes or the consumer reads the order ({@link ORDER_SIGNIFICANT_KEYED}).
 * - **set**: order means nothing, so items are matched by value — RBAC verbs and resources,
 *   AppProject source repos, Istio hosts, capabilities, NetworkPolicy rules and peers (rules and
 *   peers are ORed; they have no name, so their canonical JSON is their identity), tolerations,
 *   label selector expressions. Unmatched leftovers are paired in order and diffed field by field,
 *   so a peer whose selector changed reads as that field changing, not as remove + add.
 * - **positional**: everything else. Order-significant lists stay here on purpose: container
 *   `command`/`args`, Rollout canary `steps`, Prometheus `relabelings`, EnvoyFilter `configPatches`
 *   — a lists of scalars among them is shown whole, old → new.
 */

export type Item = unknown;

/** How one list is compared. */
export type ListMode =
  | {
      readonly type: 'keyed';
      /** The key fields, for paths: `['name']` gives `[name=api]`. */
      readonly fields: readonly string[];
      /** Each item's identity text (`name=api`, `group=apps,kind=Deployment`), same order as the items. */
      readonly ids: { readonly before: readonly string[]; readonly after: readonly string[] };
      /** Whether a pure reordering is a change worth a line. */
      readonly orderMatters: boolean;
    }
  | { readonly type: 'set' }
  | { readonly type: 'positional' };

/** The keyed identity of a list item by `name` alone, which paths show as `[name=api]`. */
export const isNameKey = (mode: ListMode): boolean => mode.type === 'keyed' && mode.fields.length === 1 && mode.fields[0] === 'name';

/**
 * Keyed lists whose order Kubernetes or the consumer reads: env (`$(VAR)` expansion refers to
 * earlier entries), init containers (run one after another), Istio routes (first match wins),
 * PrometheusRule rules (evaluated in order within a group, so a recording rule can feed the next).
 */
const ORDER_SIGNIFICANT_KEYED: ReadonlySet<string> = new Set(['env', 'initContainers', 'http', 'tcp', 'tls', 'rules', 'steps']);

/** Lists whose order means nothing, compared as sets whatever their items (see the module comment). */
const SET_LISTS: ReadonlySet<string> = new Set([
  // RBAC rule fields, AppProject and Istio fields that are lists of names
  'verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs', 'sourceRepos', 'sourceNamespaces',
  'hosts', 'gateways', 'exportTo', 'principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'methods',
  'ipBlocks', 'remoteIpBlocks',
  // pod and selector fields
  'add', 'drop', 'accessModes', 'values', 'matchExpressions', 'tolerations', 'imagePullSecrets', 'finalizers',
  // NetworkPolicy: rules are ORed, peers are ORed, policy types are a set
  'ingress', 'egress', 'from', 'to', 'policyTypes',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** One way to name an item; undefined when this item lacks it. */
interface KeySpec {
  readonly fields: readonly string[];
  readonly id: (item: Record<string, unknown>) => string | undefined;
}

function plain(...fields: string[]): KeySpec {
  return {
    fields,
    id: (item) => {
      const parts: string[] = [];
      for (const f of fields) {
        const text = scalarText(item[f]);
        if (text === undefined) return undefined;
        parts.push(fields.length === 1 && f === 'name' ? text : `${f}=${text}`);
      }
      return parts.join(',');
    },
  };
}

/** A port by number, with the protocol only when it is given (absent means TCP), so 53/TCP and 53/UDP stay apart. */
function portSpec(field: 'containerPort' | 'port'): KeySpec {
  return {
    fields: [field, 'protocol'],
    id: (item) => {
      const port = scalarText(item[field]);
      if (port === undefined) return undefined;
      const protocol = scalarText(item.protocol);
      return protocol === undefined ? `${field}=${port}` : `${field}=${port},protocol=${protocol}`;
    },
  };
}

const sortedList = (value: unknown): string | undefined =>
  value === undefined ? '' : Array.isArray(value) && value.every((v) => typeof v === 'string') ? [...value].sort().join('|') : undefined;

/** An RBAC rule is identified by what it grants on; its verbs are then compared as a set. */
const RBAC_RULE: KeySpec = {
  fields: ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'],
  id: (item) => {
    if (!Array.isArray(item.verbs)) return undefined;
    const parts: string[] = [];
    for (const f of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) {
      const text = sortedList(item[f]);
      if (text === undefined) return undefined;
      if (item[f] !== undefined) parts.push(`${f}=${text}`);
    }
    return parts.join(',');
  },
};

const ALERT_OR_RECORD: KeySpec = {
  fields: ['alert', 'record'],
  id: (item) => (typeof item.alert === 'string' ? `alert=${item.alert}` : typeof item.record === 'string' ? `record=${item.record}` : undefined),
};

/** Argo CD destinations: a cluster (by server URL or name) and a namespace. */
const DESTINATION: KeySpec = {
  fields: ['server', 'name', 'namespace'],
  id: (item) => {
    const cluster = scalarText(item.server) ?? scalarText(item.name);
    const ns = scalarText(item.namespace);
    return cluster === undefined || ns === undefined ? undefined : `namespace=${ns},server=${cluster}`;
  },
};

/** Key specs tried for a field before the generic ones (first match wins). */
const FIELD_KEYS: Readonly<Record<string, readonly KeySpec[]>> = {
  volumeMounts: [plain('mountPath')],
  volumeDevices: [plain('devicePath')],
  rules: [ALERT_OR_RECORD, RBAC_RULE],
  subjects: [plain('kind', 'namespace', 'name'), plain('kind', 'name')],
  destinations: [DESTINATION],
  namespaceResourceWhitelist: [plain('group', 'kind')],
  namespaceResourceBlacklist: [plain('group', 'kind')],
  clusterResourceWhitelist: [plain('group', 'kind')],
  clusterResourceBlacklist: [plain('group', 'kind')],
};

/** Generic key specs, in order of preference. */
const GENERIC_KEYS: readonly KeySpec[] = [plain('name'), ALERT_OR_RECORD, plain('group', 'kind'), portSpec('containerPort'), portSpec('port'), plain('mountPath')];

function idsBy(spec: KeySpec, list: readonly Item[]): string[] | undefined {
  const ids: string[] = [];
  for (const item of list) {
    if (!isRecord(item)) return undefined;
    const id = spec.id(item);
    if (id === undefined || id === '') return undefined;
    ids.push(id);
  }
  return new Set(ids).size === ids.length ? ids : undefined;
}

/** How to compare the list under `field` (the mapping key it sits at; undefined for a list in a list). */
export function listMode(field: string | undefined, before: readonly Item[], after: readonly Item[]): ListMode {
  if (before.length + after.length === 0) return { type: 'positional' };
  // Keys first (so a NetworkPolicy `ports` list of {port, protocol} is keyed), then the set lists.
  const specs = [...(field !== undefined ? FIELD_KEYS[field] ?? [] : []), ...GENERIC_KEYS];
  for (const spec of specs) {
    const idsBefore = idsBy(spec, before);
    const idsAfter = idsBefore && idsBy(spec, after);
    if (idsBefore && idsAfter) {
      // `rules` order matters for PrometheusRule rules only, not for RBAC rules.
      const orderMatters = field !== undefined && ORDER_SIGNIFICANT_KEYED.has(field) && (field !== 'rules' || spec === ALERT_OR_RECORD);
      return { type: 'keyed', fields: spec.fields, ids: { before: idsBefore, after: idsAfter }, orderMatters };
    }
  }
  if (field !== undefined && SET_LISTS.has(field)) return { type: 'set' };
  return { type: 'positional' };
}

/** Canonical JSON: mapping keys sorted, so key order never decides whether two items are the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
