/**
 * Live diff: what a sync of one rendered environment would change in a running cluster, with
 * `kubectl diff --server-side` semantics, as two manifest sets the folder diff's report reads.
 *
 * - before: each rendered object as the cluster holds it (`kubectl get -f - --ignore-not-found`,
 *   one call for the whole environment; missing = added), plus every live object in the
 *   environment's namespaces (and cluster-wide kinds the environment renders) that carries our
 *   managed-by label, is not owned by another object, and is no longer rendered: a sync with
 *   pruning deletes it, so it reads as removed.
 * - after: what the API server would store (`kubectl apply --server-side --dry-run=server
 *   --force-conflicts`, one multi-document stream), defaults and admission included. The field
 *   manager must be the one that applies for real: server-side apply only removes fields the
 *   applying manager owns. Argo CD's server-side sync (our `ServerSideApply=true`) applies as
 *   `argocd-controller`, with conflicts forced.
 *
 * Both sides are normalised the same way ({@link normalizeServerObject}): server bookkeeping
 * (managedFields, resourceVersion, uid, generation, creationTimestamp, status, the client-side
 * last-applied annotation) is dropped; fields the server defaults appear on both sides and cancel
 * out; Secret values are masked as `kubectl diff` does.
 *
 * kubectl calls: `config get-contexts`, `api-resources`, `get namespaces`, one `get -f -`, one
 * `apply --dry-run=server`, and one labelled `get` per namespace (at most 4 at a time) plus one for
 * cluster-wide kinds — a handful per environment, never one per object.
 */
import { spawn } from 'child_process';
import { EnvironmentError } from '../util/environment-error';
import { IndexedObject, ManifestIndex } from './manifest-index';
import { apiGroupOf } from '../model/api-group';
import { compareObjectIds, objectIdOf, objectKey, objectLabel } from '../model/object-id';
import { KubeObject } from '../model/kube-object';

/** The field manager of Argo CD's server-side apply syncs (gitops-engine's `ArgoCDSSAManager`). */
export const ARGOCD_FIELD_MANAGER = 'argocd-controller';
/** Every rendered object carries it; live objects with it that are no longer rendered would be pruned. */
export const MANAGED_BY_SELECTOR = 'app.kubernetes.io/managed-by=cdk8s';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Metadata the API server writes; never part of what a sync changes. */
const SERVER_METADATA: readonly string[] = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'];

/**
 * Kinds never offered for pruning: written by controllers from our objects (Endpoints copy a
 * Service's labels and carry no owner reference), or not objects one syncs. Argo CD excludes the
 * same by default (`resource.exclusions`).
 */
const NEVER_PRUNED: ReadonlySet<string> = new Set(['/Endpoints', 'discovery.k8s.io/EndpointSlice', '/Event', 'events.k8s.io/Event', 'coordination.k8s.io/Lease']);
const NEVER_PRUNED_GROUPS: ReadonlySet<string> = new Set(['metrics.k8s.io']);

export interface KubectlResult {
  /** Exit code; `null` when it could not be started or was killed. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when kubectl could not be started (ENOENT: not on PATH). */
  readonly error?: NodeJS.ErrnoException;
}

/** Runs `kubectl <args>` (the context is the runner's business) with `input` on stdin. */
export type KubectlRunner = (args: readonly string[], input?: string) => Promise<KubectlResult>;

/** A runner for `kubectl --context NAME …` from PATH (`KUBECONFIG` as the environment sets it). */
export function kubectlRunner(context: string, kubectl = 'kubectl'): KubectlRunner {
  return (args, input) =>
    new Promise((resolve) => {
      const child = spawn(kubectl, ['--context', context, '--request-timeout=60s', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (error: NodeJS.ErrnoException) => resolve({ status: null, stdout: '', stderr: error.message, error }));
      child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
      child.stdin.on('error', () => undefined); // kubectl may exit before reading all of stdin
      child.stdin.end(input ?? '');
    });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object without what the server writes for itself. Fields the server defaults stay: they are
 * on both sides (live and dry-run) and cancel out, while a default that a sync really changes
 * (a field we stop setting) shows.
 */
export function normalizeServerObject(object: Record<string, unknown>): KubeObject {
  const copy = structuredClone(object) as Record<string, unknown>;
  delete copy.status;
  const metadata = isRecord(copy.metadata) ? copy.metadata : {};
  for (const key of SERVER_METADATA) delete metadata[key];
  if (isRecord(metadata.annotations)) {
    delete metadata.annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  }
  if (isRecord(metadata.labels) && Object.keys(metadata.labels).length === 0) delete metadata.labels;
  return copy as unknown as KubeObject;
}

/**
 * Secret values never reach a report: each value becomes `***`, or `*** (before)` and
 * `*** (after)` where it changes (as `kubectl diff` prints them). Other kinds are returned as is.
 */
export function maskSecrets(before: KubeObject | undefined, after: KubeObject | undefined): { before?: KubeObject; after?: KubeObject } {
  const kind = (after ?? before)?.kind;
  if (kind !== 'Secret' || apiGroupOf((after ?? before)!.apiVersion) !== '') return { before, after };
  const mask = (own: KubeObject | undefined, other: KubeObject | undefined, side: string): KubeObject | undefined => {
    if (!own) return undefined;
    const copy = structuredClone(own) as Record<string, unknown>;
    for (const field of ['data', 'stringData']) {
      const values = copy[field];
      if (!isRecord(values)) continue;
      const otherValues = other ? (other as Record<string, unknown>)[field] : undefined;
      for (const key of Object.keys(values)) {
        const same = isRecord(otherValues) && otherValues[key] === values[key];
        values[key] = same || !other ? '***' : `*** (${side})`;
      }
    }
    return copy as unknown as KubeObject;
  };
  return { before: mask(before, after, 'before'), after: mask(after, before, 'after') };
}

/** Splits kubectl's output: one JSON document, or several printed one after another (`apply -o json` of many objects). Lists are flattened. */
export function parseJsonStream(text: string): Record<string, unknown>[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  if (depth !== 0) throw new Error(`kubectl printed incomplete JSON (${text.length} characters)`);
  const objects: Record<string, unknown>[] = [];
  for (const value of values) {
    if (isRecord(value) && Array.isArray(value.items) && typeof value.kind === 'string' && value.kind.endsWith('List')) {
      objects.push(...value.items.filter(isRecord));
    } else if (isRecord(value)) objects.push(value);
  }
  return objects;
}

/** One served resource type, from discovery. */
export interface ApiResource {
  /** Plural resource name (`deployments`). */
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

/** `kubectl api-resources -o json` (kubectl ≥ 1.32). */
export function parseApiResources(json: string): ApiResource[] {
  const list = JSON.parse(json) as { resources?: Array<{ name: string; group?: string; kind: string; namespaced: boolean; verbs?: string[] }> };
  return (list.resources ?? []).map((r) => ({ name: r.name, group: r.group ?? '', kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] }));
}

/** `kubectl api-resources -o wide` (older kubectl): columns found by the header's offsets. */
export function parseApiResourcesTable(table: string): ApiResource[] {
  const [header, ...rows] = table.split('\n').filter((l) => l.trim() !== '');
  const columns = ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS'].map((c) => header.indexOf(c));
  if (columns.some((c) => c < 0)) throw new Error(`kubectl api-resources printed an unknown table header: ${header}`);
  const categories = header.indexOf('CATEGORIES');
  const cell = (row: string, i: number) => row.slice(columns[i], i + 1 < columns.length ? columns[i + 1] : categories < 0 ? undefined : categories).trim();
  return rows.map((row) => {
    const apiVersion = cell(row, 2);
    // VERBS is `create,get,list` or, in some versions, `[create get list]`.
    return { name: cell(row, 0), group: apiGroupOf(apiVersion), kind: cell(row, 4), namespaced: cell(row, 3) === 'true', verbs: cell(row, 5).replace(/^\[|\]$/g, '').split(/[ ,]+/).filter(Boolean) };
  });
}

export interface LiveDiffOptions {
  /** Environment name: the key of both sides' manifest sets. */
  readonly env: string;
  /** The rendered objects of that environment. */
  readonly rendered: readonly IndexedObject[];
  /** kubectl context, for messages (the runner applies it). */
  readonly context: string;
  /** @default ARGOCD_FIELD_MANAGER */
  readonly fieldManager?: string;
  /** Labelled live objects not rendered are listed as pruned. @default MANAGED_BY_SELECTOR */
  readonly pruneSelector?: string;
  readonly kubectl: KubectlRunner;
  /** Where the rendered objects came from, for the report's header. */
  readonly renderedSource: string;
}

export interface LiveDiffResult {
  /** The cluster now: live versions of rendered objects and the would-be-pruned ones. */
  readonly before: ManifestIndex;
  /** The cluster after a sync, per the server's dry-run. */
  readonly after: ManifestIndex;
  /** Live objects a sync with pruning would delete (also in `before`, absent from `after`). */
  readonly pruned: readonly IndexedObject[];
  /** Objects the dry-run refused, with the server's messages: a sync would fail on them. */
  readonly rejected: readonly string[];
  /** Things not compared, one line each (a kind the cluster does not serve, a type that could not be listed). */
  readonly warnings: readonly string[];
}

const typeKey = (group: string, kind: string) => `${group}/${kind}`;

/** kubectl's type argument: `deployments.apps`, `configmaps`. */
const typeArg = (r: ApiResource) => (r.group ? `${r.name}.${r.group}` : r.name);

function jsonStream(objects: readonly KubeObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '(no message)';
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Checks that kubectl runs and knows the context; throws {@link EnvironmentError} (one line,
 * exit 2) otherwise.
 */
export async function checkKubectlContext(kubectl: KubectlRunner, context: string): Promise<void> {
  const result = await kubectl(['config', 'get-contexts', '-o', 'name']);
  if (result.error?.code === 'ENOENT') {
    throw new EnvironmentError('kubectl is not on PATH; install it (CI: source /var/cache/langgraph-platform-tools/env.sh) and retry');
  }
  if (result.status !== 0) throw new EnvironmentError(`kubectl config get-contexts failed: ${firstLine(result.stderr)}`);
  const contexts = result.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!contexts.includes(context)) {
    throw new EnvironmentError(`kubectl has no context "${context}" (kubeconfig: ${process.env.KUBECONFIG ?? '~/.kube/config'}); known: ${contexts.join(', ') || 'none'}`);
  }
}

async function discover(kubectl: KubectlRunner, context: string): Promise<ApiResource[]> {
  const json = await kubectl(['api-resources', '-o', 'json']);
  if (json.status === 0) return parseApiResources(json.stdout);
  const table = await kubectl(['api-resources', '-o', 'wide']);
  if (table.status === 0) return parseApiResourcesTable(table.stdout);
  throw new EnvironmentError(`cannot read the API of context "${context}": ${firstLine(json.stderr)}`);
}

/** Compares the rendered environment with the cluster; see the file comment. */
export async function liveDiff(options: LiveDiffOptions): Promise<LiveDiffResult> {
  const { kubectl, context, env } = options;
  const fieldManager = options.fieldManager ?? ARGOCD_FIELD_MANAGER;
  const pruneSelector = options.pruneSelector ?? MANAGED_BY_SELECTOR;
  await checkKubectlContext(kubectl, context);
  const resources = await discover(kubectl, context);
  const served = new Map(resources.map((r) => [typeKey(r.group, r.kind), r]));
  const warnings: string[] = [];

  const rendered = [...options.rendered].sort((a, b) => compareObjectIds(a.id, b.id));
  const known = rendered.filter((o) => served.has(typeKey(o.id.group, o.id.kind)));
  for (const o of rendered.filter((x) => !known.includes(x))) {
    warnings.push(`${objectLabel(o.id)}: the cluster does not serve ${o.body.apiVersion} ${o.id.kind} (CRD not installed?); not compared, and a sync would fail on it`);
  }

  // Namespaces that exist: objects in the others cannot be dry-run (the server refuses them: the
  // namespace would only be created by the sync itself), so they are added as rendered.
  const nsResult = await kubectl(['get', 'namespaces', '-o', 'json']);
  if (nsResult.status !== 0) throw new EnvironmentError(`cannot list namespaces in context "${context}": ${firstLine(nsResult.stderr)}`);
  const liveNamespaces = new Set(parseJsonStream(nsResult.stdout).map((n) => (n.metadata as { name: string }).name));

  const keyOf = (body: Record<string, unknown>) => objectKey(objectIdOf(body as unknown as KubeObject));
  const live = new Map<string, KubeObject>();
  if (known.length > 0) {
    const got = await kubectl(['get', '--ignore-not-found', '-o', 'json', '-f', '-'], jsonStream(known.map((o) => o.body)));
    if (got.status !== 0) throw new Error(`kubectl get of the rendered objects failed in context "${context}": ${got.stderr.trim()}`);
    for (const body of parseJsonStream(got.stdout)) live.set(keyOf(body), normalizeServerObject(body));
  }

  const dryRunnable = known.filter((o) => o.id.namespace === '' || liveNamespaces.has(o.id.namespace));
  const dryRun = new Map<string, KubeObject>();
  const rejected: string[] = [];
  if (dryRunnable.length > 0) {
    const applied = await kubectl(
      ['apply', '--server-side', '--dry-run=server', '--force-conflicts', `--field-manager=${fieldManager}`, '-o', 'json', '-f', '-'],
      jsonStream(dryRunnable.map((o) => o.body)),
    );
    for (const body of parseJsonStream(applied.stdout)) dryRun.set(keyOf(body), normalizeServerObject(body));
    if (applied.status !== 0 || dryRun.size < dryRunnable.length) {
      const messages = applied.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('Warning:'));
      const missing = dryRunnable.filter((o) => !dryRun.has(o.key)).map((o) => objectLabel(o.id));
      rejected.push(...(messages.length ? messages : [`no dry-run result for ${missing.join(', ')}`]));
    }
  }

  // Would-be-pruned: labelled, not owned by another object (pods, replica sets), not rendered.
  const renderedKeys = new Set(rendered.map((o) => o.key));
  const prunable = resources.filter((r) => r.verbs.includes('list') && !NEVER_PRUNED.has(typeKey(r.group, r.kind)) && !NEVER_PRUNED_GROUPS.has(r.group));
  // One type per kind (the preferred version is listed first); kinds served by two groups are two kinds.
  const namespacedTypes = [...new Map(prunable.filter((r) => r.namespaced).map((r) => [typeKey(r.group, r.kind), r])).values()];
  const renderedClusterKinds = new Set(rendered.filter((o) => o.id.namespace === '').map((o) => typeKey(o.id.group, o.id.kind)));
  const clusterTypes = [...new Map(prunable.filter((r) => !r.namespaced && renderedClusterKinds.has(typeKey(r.group, r.kind))).map((r) => [typeKey(r.group, r.kind), r])).values()];
  const namespaces = [...new Set(rendered.map((o) => o.id.namespace).filter((ns) => ns !== '' && liveNamespaces.has(ns)))].sort();
  const queries: Array<{ namespace?: string; types: ApiResource[] }> = [
    ...namespaces.map((namespace) => ({ namespace, types: namespacedTypes })),
    ...(clusterTypes.length ? [{ types: clusterTypes }] : []),
  ].filter((q) => q.types.length > 0);
  const listed = await mapLimit(queries, 4, async (q) => {
    const where = q.namespace ? ['-n', q.namespace] : [];
    const result = await kubectl(['get', q.types.map(typeArg).join(','), ...where, '-l', pruneSelector, '-o', 'json']);
    if (result.status !== 0) warnings.push(`could not list every kind${q.namespace ? ` in namespace ${q.namespace}` : ' cluster-wide'} (objects of those kinds that would be pruned are not shown): ${firstLine(result.stderr)}`);
    try {
      return parseJsonStream(result.stdout);
    } catch {
      return [];
    }
  });
  const pruned: IndexedObject[] = [];
  const seen = new Set<string>();
  for (const body of listed.flat()) {
    const metadata = body.metadata as { ownerReferences?: unknown[]; labels?: Record<string, string>; namespace?: string };
    if (metadata.ownerReferences?.length) continue;
    const object = normalizeServerObject(body);
    const id = objectIdOf(object);
    const key = objectKey(id);
    if (renderedKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    const folder = metadata.labels?.['app.kubernetes.io/part-of'] ?? metadata.namespace ?? '';
    pruned.push({ env, folder, file: `${folder}/(live)`, id, key, body: maskSecrets(object, undefined).before! });
  }

  const before = new Map<string, IndexedObject>();
  const after = new Map<string, IndexedObject>();
  for (const o of rendered) {
    const now = live.get(o.key);
    const next = dryRun.get(o.key) ?? (now ? undefined : o.body);
    if (!next) continue; // live, but the dry-run refused it: in `rejected`, not compared
    const masked = maskSecrets(now, next);
    if (masked.before) before.set(o.key, { ...o, body: masked.before });
    after.set(o.key, { ...o, body: masked.after! });
  }
  for (const p of pruned) before.set(p.key, p);

  return {
    before: { source: `live (context ${context})`, environments: new Map([[env, before]]) },
    after: { source: `server dry-run of ${options.renderedSource} (field manager ${fieldManager})`, environments: new Map([[env, after]]) },
    pruned: pruned.sort((a, b) => compareObjectIds(a.id, b.id)),
    rejected,
    warnings,
  };
}
