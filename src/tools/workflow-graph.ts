/**
 * A Mermaid picture of one workflow's rendered objects and the references between them, derived
 * from the objects alone (never from the config), so a broken reference shows as a dangling node.
 *
 * References followed (arrows point from the object that holds the reference):
 * - Gateway → VirtualService (`spec.gateways`), VirtualService → Service (route destination hosts);
 *   Ingress → Service (rule and default backends) and its TLS Secret
 * - Service → the workload whose pod template labels its `spec.selector` matches
 * - workload → its pod template → ServiceAccount, ConfigMaps and Secrets (volumes, env, envFrom,
 *   imagePullSecrets)
 * - Rollout → Deployment (`workloadRef`), → stable/canary/active/preview Services, → VirtualService
 *   and DestinationRule (traffic routing), → AnalysisTemplate / ClusterAnalysisTemplate
 * - HPA / ScaledObject → scale target; PDB, NetworkPolicy, PodMonitor, AuthorizationPolicy,
 *   PeerAuthentication → the workloads they select (an empty selector selects every pod in the
 *   namespace); ServiceMonitor → the Services it selects; DestinationRule → its host Service;
 *   RoleBinding → Role/ClusterRole and ServiceAccount subjects
 *
 * Node styles: objects rendered outside the workflow's folder (e.g. a shared Gateway) are `shared`;
 * a named reference to an object that is not rendered is `missing` (a Secret is `external` instead:
 * Secrets are created out of band, only referenced); a selector that matches no rendered pods gets
 * a `missing` "selects nothing" node. Edges touching missing/external nodes are dotted.
 *
 * Node ids are `<kind>_<name>` (lower case, non-alphanumerics as `_`), namespace-qualified only when
 * two nodes would collide; nodes, subgraphs and edges are sorted, so the output is deterministic.
 * Nothing volatile (images, weights, versions) goes into labels, so a README copy stays current
 * across releases.
 */
import { IndexedObject } from './manifest-index';
import { KubeObject } from '../model/kube-object';
import { isEmptySelector, LabelSelector, selectorMatches, selectorTerms } from '../model/label-selector';

/** What the graph accepts: indexed objects (membership by folder) or plain objects (membership by labels/namespace). */
export type GraphInput = IndexedObject | KubeObject;

export type NodeStatus = 'rendered' | 'shared' | 'missing' | 'external';

export interface GraphNode {
  readonly id: string;
  /** `''` for cluster-scoped objects. */
  readonly namespace: string;
  /** Plain text lines of the node's label. */
  readonly lines: readonly string[];
  readonly status: NodeStatus;
  /** Pod templates are drawn as stadiums, objects as boxes. */
  readonly shape: 'box' | 'stadium';
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly dotted: boolean;
}

export interface WorkflowGraph {
  readonly workflow: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

// ---------------------------------------------------------------- input normalisation

interface Entry {
  readonly body: KubeObject;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly member: boolean;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rec(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function labelMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

function asSelector(value: unknown): LabelSelector {
  const raw = rec(value);
  return {
    matchLabels: labelMap(raw.matchLabels),
    matchExpressions: list(raw.matchExpressions).map((e) => ({
      key: String(e.key),
      operator: e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
      values: Array.isArray(e.values) ? e.values.map(String) : [],
    })),
  };
}

function isIndexed(input: GraphInput): input is IndexedObject {
  return 'body' in input && 'folder' in input;
}

function belongsByLabels(body: KubeObject, workflow: string): boolean {
  const labels = body.metadata.labels ?? {};
  return (
    labels['app.kubernetes.io/part-of'] === workflow ||
    labels['app.kubernetes.io/instance'] === workflow ||
    body.metadata.namespace === workflow ||
    (body.kind === 'Namespace' && body.metadata.name === workflow)
  );
}

function toEntries(objects: readonly GraphInput[], workflow: string): Entry[] {
  return objects.map((input) => {
    const body = isIndexed(input) ? input.body : input;
    const member = isIndexed(input) ? input.folder === workflow : belongsByLabels(body, workflow);
    return { body, kind: body.kind, namespace: body.metadata.namespace ?? '', name: body.metadata.name, member };
  });
}

// ---------------------------------------------------------------- endpoints

type Endpoint =
  | { readonly type: 'object'; readonly entry: Entry }
  | { readonly type: 'absent'; readonly kind: string; readonly namespace: string; readonly name: string; readonly external: boolean }
  | { readonly type: 'template'; readonly owner: Entry }
  /** `what`: label lines saying what was looked for. */
  | { readonly type: 'nothing'; readonly holder: Entry; readonly what: readonly string[] }
  | { readonly type: 'host'; readonly host: string };

function endpointKey(e: Endpoint): string {
  switch (e.type) {
    case 'object':
      return `object:${e.entry.kind}/${e.entry.namespace}/${e.entry.name}`;
    case 'absent':
      return `object:${e.kind}/${e.namespace}/${e.name}`;
    case 'template':
      return `template:${e.owner.kind}/${e.owner.namespace}/${e.owner.name}`;
    case 'nothing':
      return `nothing:${e.holder.kind}/${e.holder.namespace}/${e.holder.name}`;
    case 'host':
      return `host:${e.host}`;
  }
}

function isMember(e: Endpoint): boolean {
  if (e.type === 'object') return e.entry.member;
  if (e.type === 'template') return e.owner.member;
  if (e.type === 'nothing') return e.holder.member;
  return false;
}

interface PendingEdge {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly label: string;
}

const POD_OWNER_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Rollout']);
/** Kinds that are never rendered here but referenced: shown as external, not missing. */
const EXTERNAL_KINDS: ReadonlySet<string> = new Set(['Secret']);
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['ClusterRole', 'ClusterAnalysisTemplate', 'Namespace']);

/** Lookup and pod-ownership facts over every object of the environment. */
class Catalog {
  private readonly byKey = new Map<string, Entry>();
  /** Deployments whose template a Rollout borrows through `workloadRef`: not pod owners themselves. */
  private readonly borrowedTemplates = new Set<Entry>();

  constructor(readonly entries: readonly Entry[]) {
    for (const e of entries) this.byKey.set(`${e.kind}/${e.namespace}/${e.name}`, e);
    for (const e of entries) {
      const target = e.kind === 'Rollout' ? this.workloadRefOf(e) : undefined;
      if (target) this.borrowedTemplates.add(target);
    }
  }

  find(kind: string, namespace: string, name: string): Entry | undefined {
    return this.byKey.get(`${kind}/${CLUSTER_SCOPED_KINDS.has(kind) ? '' : namespace}/${name}`);
  }

  /** A rendered object, or an absent placeholder (external for Secrets). */
  ref(kind: string, namespace: string, name: string): Endpoint {
    const ns = CLUSTER_SCOPED_KINDS.has(kind) ? '' : namespace;
    const entry = this.find(kind, ns, name);
    return entry ? { type: 'object', entry } : { type: 'absent', kind, namespace: ns, name, external: EXTERNAL_KINDS.has(kind) };
  }

  workloadRefOf(rollout: Entry): Entry | undefined {
    const ref = rec(rec(rollout.body.spec).workloadRef);
    const name = str(ref.name);
    return name ? this.find(str(ref.kind) ?? 'Deployment', rollout.namespace, name) : undefined;
  }

  /** The pod template written in this object's own YAML, if any. */
  ownTemplate(entry: Entry): Json | undefined {
    if (!POD_OWNER_KINDS.has(entry.kind)) return undefined;
    const spec = rec(entry.body.spec);
    const template = entry.kind === 'CronJob' ? rec(rec(rec(spec.jobTemplate).spec).template) : spec.template;
    return isRecord(template) ? template : undefined;
  }

  /** Objects that own running pods, with the labels those pods carry. */
  podOwners(namespace: string): { entry: Entry; labels: Record<string, string> }[] {
    const owners: { entry: Entry; labels: Record<string, string> }[] = [];
    for (const e of this.entries) {
      if (e.namespace !== namespace || this.borrowedTemplates.has(e) || !POD_OWNER_KINDS.has(e.kind)) continue;
      const borrowed = e.kind === 'Rollout' ? this.workloadRefOf(e) : undefined;
      const template = borrowed ? this.ownTemplate(borrowed) : this.ownTemplate(e);
      if (template) owners.push({ entry: e, labels: labelMap(rec(template.metadata).labels) });
    }
    return owners;
  }

  services(namespaces: readonly string[] | 'any'): Entry[] {
    return this.entries.filter((e) => e.kind === 'Service' && (namespaces === 'any' || namespaces.includes(e.namespace)));
  }
}

// ---------------------------------------------------------------- references per kind

type Collect = (from: Endpoint, to: Endpoint, label: string) => void;

/** Selector → pod owners in the namespace; nothing matched → a "selects nothing" node. */
function selectPods(cat: Catalog, holder: Entry, namespaces: readonly string[], selector: LabelSelector, label: string, add: Collect): void {
  const from: Endpoint = { type: 'object', entry: holder };
  const matched = namespaces.flatMap((ns) => cat.podOwners(ns)).filter((o) => selectorMatches(selector, o.labels));
  const what = isEmptySelector(selector) ? [`no pods in namespace ${namespaces.join(', ')}`] : ['no pods match', ...selectorTerms(selector)];
  if (matched.length === 0) add(from, { type: 'nothing', holder, what }, label);
  const allPods = isEmptySelector(selector) ? `${label} all pods` : label;
  for (const o of matched) add(from, { type: 'object', entry: o.entry }, allPods);
}

/** Istio host → Service (`svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`), or an external host. */
function hostEndpoint(cat: Catalog, host: string, namespace: string): Endpoint {
  const parts = host.split('.');
  const inCluster = parts.length === 1 || parts.length === 2 || (parts.length >= 3 && parts[2] === 'svc');
  if (!inCluster) return { type: 'host', host };
  return cat.ref('Service', parts[1] ?? namespace, parts[0]);
}

function podTemplateRefs(cat: Catalog, owner: Entry, template: Json, add: Collect): void {
  const from: Endpoint = { type: 'template', owner };
  add({ type: 'object', entry: owner }, from, 'pod template');
  const spec = rec(template.spec);
  const ns = owner.namespace;
  const sa = str(spec.serviceAccountName) ?? str(spec.serviceAccount);
  if (sa && sa !== 'default') add(from, cat.ref('ServiceAccount', ns, sa), 'serviceAccount');
  for (const v of list(spec.volumes)) {
    const cm = str(rec(v.configMap).name);
    const secret = str(rec(v.secret).secretName);
    if (cm) add(from, cat.ref('ConfigMap', ns, cm), 'volume');
    if (secret) add(from, cat.ref('Secret', ns, secret), 'volume');
    for (const source of list(rec(v.projected).sources)) {
      const pcm = str(rec(source.configMap).name);
      const psecret = str(rec(source.secret).name);
      if (pcm) add(from, cat.ref('ConfigMap', ns, pcm), 'volume');
      if (psecret) add(from, cat.ref('Secret', ns, psecret), 'volume');
    }
  }
  for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
    for (const env of list(c.env)) {
      const valueFrom = rec(env.valueFrom);
      const cm = str(rec(valueFrom.configMapKeyRef).name);
      const secret = str(rec(valueFrom.secretKeyRef).name);
      if (cm) add(from, cat.ref('ConfigMap', ns, cm), 'env');
      if (secret) add(from, cat.ref('Secret', ns, secret), 'env');
    }
    for (const envFrom of list(c.envFrom)) {
      const cm = str(rec(envFrom.configMapRef).name);
      const secret = str(rec(envFrom.secretRef).name);
      if (cm) add(from, cat.ref('ConfigMap', ns, cm), 'envFrom');
      if (secret) add(from, cat.ref('Secret', ns, secret), 'envFrom');
    }
  }
  for (const pull of list(spec.imagePullSecrets)) {
    const name = str(pull.name);
    if (name) add(from, cat.ref('Secret', ns, name), 'imagePullSecret');
  }
}

function rolloutRefs(cat: Catalog, e: Entry, add: Collect): void {
  const from: Endpoint = { type: 'object', entry: e };
  const spec = rec(e.body.spec);
  const workloadRef = rec(spec.workloadRef);
  if (str(workloadRef.name)) add(from, cat.ref(str(workloadRef.kind) ?? 'Deployment', e.namespace, String(workloadRef.name)), 'workloadRef');
  const strategy = rec(spec.strategy);
  const canary = rec(strategy.canary);
  const blueGreen = rec(strategy.blueGreen);
  for (const [field, holder] of [
    ['stableService', canary], ['canaryService', canary], ['activeService', blueGreen], ['previewService', blueGreen],
  ] as const) {
    const name = str(holder[field]);
    if (name) add(from, cat.ref('Service', e.namespace, name), field);
  }
  const istio = rec(rec(canary.trafficRouting).istio);
  const virtualServices = [rec(istio.virtualService), ...list(istio.virtualServices)];
  for (const vs of virtualServices) {
    const name = str(vs.name);
    if (!name) continue;
    // Argo Rollouts accepts `name` or `name.namespace`.
    const [vsName, vsNamespace] = name.split('.');
    add(from, cat.ref('VirtualService', vsNamespace ?? e.namespace, vsName), 'trafficRouting');
  }
  const destinationRule = str(rec(istio.destinationRule).name);
  if (destinationRule) add(from, cat.ref('DestinationRule', e.namespace, destinationRule), 'trafficRouting');
  const analyses = [
    rec(canary.analysis),
    ...list(canary.steps).map((step) => rec(step.analysis)),
    rec(blueGreen.prePromotionAnalysis),
    rec(blueGreen.postPromotionAnalysis),
  ];
  for (const analysis of analyses) {
    for (const t of list(analysis.templates)) {
      const name = str(t.templateName);
      if (name) add(from, cat.ref(t.clusterScope === true ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate', e.namespace, name), 'analysis');
    }
  }
}

function virtualServiceRefs(cat: Catalog, e: Entry, add: Collect): void {
  const spec = rec(e.body.spec);
  for (const gateway of Array.isArray(spec.gateways) ? spec.gateways : []) {
    if (typeof gateway !== 'string' || gateway === 'mesh') continue;
    const [ns, name] = gateway.includes('/') ? gateway.split('/') : [e.namespace, gateway];
    add(cat.ref('Gateway', ns, name), { type: 'object', entry: e }, 'gateway');
  }
  for (const protocol of ['http', 'tls', 'tcp'] as const) {
    list(spec[protocol]).forEach((route, index) => {
      const label = str(route.name) ?? `${protocol}[${index}]`;
      const hosts = [...list(route.route).map((r) => str(rec(r.destination).host)), str(rec(route.mirror).host)];
      for (const host of hosts) if (host) add({ type: 'object', entry: e }, hostEndpoint(cat, host, e.namespace), `route ${label}`);
    });
  }
}

/** PodMonitor/ServiceMonitor namespaces: `any`, `matchNames`, or the monitor's own namespace. */
function monitorNamespaces(cat: Catalog, e: Entry): string[] {
  const nsSelector = rec(rec(e.body.spec).namespaceSelector);
  if (nsSelector.any === true) return [...new Set(cat.entries.map((x) => x.namespace))].filter((ns) => ns !== '').sort();
  const names = Array.isArray(nsSelector.matchNames) ? nsSelector.matchNames.map(String) : [];
  return names.length > 0 ? names : [e.namespace];
}

function objectRefs(cat: Catalog, e: Entry, add: Collect): void {
  const from: Endpoint = { type: 'object', entry: e };
  const spec = rec(e.body.spec);
  const template = cat.ownTemplate(e);
  if (template) podTemplateRefs(cat, e, template, add);
  switch (e.kind) {
    case 'Rollout':
      rolloutRefs(cat, e, add);
      break;
    case 'VirtualService':
      virtualServiceRefs(cat, e, add);
      break;
    case 'Service': {
      const selector = labelMap(spec.selector);
      // A Service without a selector has hand-made endpoints: nothing to draw.
      if (Object.keys(selector).length > 0) selectPods(cat, e, [e.namespace], { matchLabels: selector }, 'selects', add);
      break;
    }
    case 'HorizontalPodAutoscaler':
    case 'ScaledObject': {
      const target = rec(spec.scaleTargetRef);
      const name = str(target.name);
      if (name) add(from, cat.ref(str(target.kind) ?? 'Deployment', e.namespace, name), 'scales');
      break;
    }
    case 'PodDisruptionBudget':
      selectPods(cat, e, [e.namespace], asSelector(spec.selector), 'protects', add);
      break;
    case 'NetworkPolicy':
      selectPods(cat, e, [e.namespace], asSelector(spec.podSelector), 'applies to', add);
      break;
    case 'AuthorizationPolicy':
    case 'PeerAuthentication':
    case 'RequestAuthentication':
      selectPods(cat, e, [e.namespace], { matchLabels: labelMap(rec(spec.selector).matchLabels) }, 'applies to', add);
      break;
    case 'PodMonitor':
      selectPods(cat, e, monitorNamespaces(cat, e), asSelector(spec.selector), 'scrapes', add);
      break;
    case 'ServiceMonitor': {
      const selector = asSelector(spec.selector);
      const matched = cat.services(monitorNamespaces(cat, e)).filter((s) => selectorMatches(selector, s.body.metadata.labels ?? {}));
      if (matched.length === 0) add(from, { type: 'nothing', holder: e, what: ['no Services match', ...selectorTerms(selector)] }, 'scrapes');
      for (const s of matched) add(from, { type: 'object', entry: s }, 'scrapes');
      break;
    }
    case 'Ingress': {
      const backends = [rec(spec.defaultBackend), ...list(spec.rules).flatMap((r) => list(rec(r.http).paths).map((p) => rec(p.backend)))];
      for (const backend of backends) {
        const name = str(rec(backend.service).name);
        if (name) add(from, cat.ref('Service', e.namespace, name), 'route');
      }
      for (const tls of list(spec.tls)) {
        const secret = str(tls.secretName);
        if (secret) add(from, cat.ref('Secret', e.namespace, secret), 'tls');
      }
      break;
    }
    case 'DestinationRule': {
      const host = str(spec.host);
      if (host) add(from, hostEndpoint(cat, host, e.namespace), 'host');
      break;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const roleRef = rec(e.body.roleRef);
      if (str(roleRef.name)) add(from, cat.ref(str(roleRef.kind) ?? 'Role', e.namespace, String(roleRef.name)), 'roleRef');
      for (const subject of list(e.body.subjects)) {
        if (subject.kind === 'ServiceAccount' && str(subject.name)) {
          add(from, cat.ref('ServiceAccount', str(subject.namespace) ?? e.namespace, String(subject.name)), 'subject');
        }
      }
      break;
    }
    default:
      break;
  }
}

// ---------------------------------------------------------------- assembly

function sanitize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

function endpointNamespace(e: Endpoint): string {
  switch (e.type) {
    case 'object':
      return e.entry.namespace;
    case 'absent':
      return e.namespace;
    case 'template':
      return e.owner.namespace;
    case 'nothing':
      return e.holder.namespace;
    case 'host':
      return '';
  }
}

/** Builds the graph model: nodes and edges touching the workflow's own objects. */
export function buildWorkflowGraph(objects: readonly GraphInput[], workflow: string): WorkflowGraph {
  const entries = toEntries(objects, workflow);
  const members = entries.filter((e) => e.member);
  if (members.length === 0) {
    const folders = [...new Set(objects.filter(isIndexed).map((o) => o.folder))].filter((f) => f !== '').sort();
    throw new Error(
      `no rendered objects belong to workflow "${workflow}"` +
        (folders.length > 0 ? `; folders in this environment: ${folders.join(', ')}` : '; check the workflow name'),
    );
  }
  const cat = new Catalog(entries);
  const pending: PendingEdge[] = [];
  for (const e of entries) objectRefs(cat, e, (from, to, label) => pending.push({ from, to, label }));
  const kept = pending.filter((p) => isMember(p.from) || isMember(p.to));

  // Every workflow object is a node (the Namespace is drawn as its subgraph instead), plus every kept endpoint.
  const endpoints = new Map<string, Endpoint>();
  for (const e of members) if (e.kind !== 'Namespace') endpoints.set(endpointKey({ type: 'object', entry: e }), { type: 'object', entry: e });
  for (const p of kept) {
    endpoints.set(endpointKey(p.from), p.from);
    endpoints.set(endpointKey(p.to), p.to);
  }

  // Ids: kind_name, namespace-qualified where two objects would share one.
  const objectBase = (kind: string, ns: string, name: string, qualify: boolean): string =>
    sanitize(qualify && ns ? `${kind}_${ns}_${name}` : `${kind}_${name}`);
  const objectLike = [...endpoints.values()].filter((e) => e.type === 'object' || e.type === 'absent' || e.type === 'template' || e.type === 'nothing');
  const coords = (e: Endpoint): [string, string, string] => {
    if (e.type === 'object') return [e.entry.kind, e.entry.namespace, e.entry.name];
    if (e.type === 'absent') return [e.kind, e.namespace, e.name];
    if (e.type === 'template') return [e.owner.kind, e.owner.namespace, e.owner.name];
    if (e.type === 'nothing') return [e.holder.kind, e.holder.namespace, e.holder.name];
    return ['host', '', e.host];
  };
  const baseCount = new Map<string, Set<string>>();
  for (const e of objectLike) {
    const [kind, ns, name] = coords(e);
    const base = objectBase(kind, ns, name, false);
    baseCount.set(base, (baseCount.get(base) ?? new Set()).add(`${kind}/${ns}/${name}`));
  }
  const idOf = (e: Endpoint): string => {
    if (e.type === 'host') return `host_${sanitize(e.host)}`;
    const [kind, ns, name] = coords(e);
    const base = objectBase(kind, ns, name, false);
    const id = (baseCount.get(base)?.size ?? 0) > 1 ? objectBase(kind, ns, name, true) : base;
    if (e.type === 'template') return `${id}_pods`;
    if (e.type === 'nothing') return `${id}_selects_nothing`;
    return id;
  };

  const nodes = [...endpoints.values()].map((e): GraphNode => {
    const id = idOf(e);
    const namespace = endpointNamespace(e);
    switch (e.type) {
      case 'object':
        return { id, namespace, lines: [e.entry.kind, e.entry.name], status: e.entry.member ? 'rendered' : 'shared', shape: 'box' };
      case 'absent':
        return {
          id, namespace, lines: [e.kind, e.name, e.external ? '(external)' : '(not rendered)'],
          status: e.external ? 'external' : 'missing', shape: 'box',
        };
      case 'template': {
        const template = cat.ownTemplate(e.owner) ?? {};
        const containers = list(rec(template.spec).containers).map((c) => String(c.name));
        return { id, namespace, lines: ['pod template', `containers: ${containers.join(', ')}`], status: e.owner.member ? 'rendered' : 'shared', shape: 'stadium' };
      }
      case 'nothing':
        return { id, namespace, lines: ['selects nothing', ...e.what], status: 'missing', shape: 'box' };
      case 'host':
        return { id, namespace, lines: ['external host', e.host], status: 'external', shape: 'box' };
    }
  });
  nodes.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.id.localeCompare(b.id));

  const statusById = new Map(nodes.map((n) => [n.id, n.status]));
  const edgeKeys = new Set<string>();
  const edges: GraphEdge[] = [];
  for (const p of kept) {
    const edge = { from: idOf(p.from), to: idOf(p.to), label: p.label };
    const key = `${edge.from}\0${edge.to}\0${edge.label}`;
    if (edgeKeys.has(key)) continue;
    edgeKeys.add(key);
    const dangling = (id: string): boolean => statusById.get(id) === 'missing' || statusById.get(id) === 'external';
    edges.push({ ...edge, dotted: dangling(edge.from) || dangling(edge.to) });
  }
  edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.label.localeCompare(b.label));
  return { workflow, nodes, edges };
}

// ---------------------------------------------------------------- Mermaid

/** Class definitions emitted with every diagram (always all of them, so output does not depend on which are used). */
export const MERMAID_CLASS_DEFS: readonly string[] = [
  'classDef shared fill:#eef3fb,stroke:#6b8fc7',
  'classDef missing fill:#fdecea,stroke:#c62828,stroke-width:2px,stroke-dasharray:5 5,color:#b71c1c',
  'classDef external fill:#f5f5f5,stroke:#757575,stroke-dasharray:3 3,color:#424242',
];

function mermaidText(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function nodeLine(node: GraphNode): string {
  const label = `"${node.lines.map(mermaidText).join('<br/>')}"`;
  const shape = node.shape === 'stadium' ? `([${label}])` : `[${label}]`;
  const cls = node.status === 'rendered' ? '' : `:::${node.status}`;
  return `${node.id}${shape}${cls}`;
}

/** Mermaid `flowchart LR` text of a graph, one subgraph per namespace, ending in a newline. */
export function renderMermaid(graph: WorkflowGraph): string {
  const out: string[] = ['flowchart LR'];
  const namespaces = [...new Set(graph.nodes.map((n) => n.namespace))].sort();
  for (const ns of namespaces) {
    const inNs = graph.nodes.filter((n) => n.namespace === ns);
    if (ns === '') {
      for (const n of inNs) out.push(`  ${nodeLine(n)}`);
      continue;
    }
    out.push(`  subgraph ns_${sanitize(ns)}["namespace ${mermaidText(ns)}"]`);
    // A subgraph with no edge leaving it is laid out in its own direction, top-down by default.
    out.push('    direction LR');
    for (const n of inNs) out.push(`    ${nodeLine(n)}`);
    out.push('  end');
  }
  for (const e of graph.edges) {
    out.push(`  ${e.from} ${e.dotted ? '-.->' : '-->'}|${mermaidText(e.label)}| ${e.to}`);
  }
  for (const def of MERMAID_CLASS_DEFS) out.push(`  ${def}`);
  return `${out.join('\n')}\n`;
}

/** The core: one workflow's objects (and what they reference elsewhere in the environment) as Mermaid. */
export function renderWorkflowGraph(objects: readonly GraphInput[], workflow: string): string {
  return renderMermaid(buildWorkflowGraph(objects, workflow));
}
