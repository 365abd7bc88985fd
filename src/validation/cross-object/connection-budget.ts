/**
 * The Postgres connections a workflow may open, judged on the rendered objects (so a bound the
 * capacity plan raised after the config checks, or any later edit, is counted as rendered):
 *
 *   Σ over LangGraph server pod sets (API, workers): max replicas × LANGGRAPH_POSTGRES_POOL_MAX_SIZE
 *   + 1 per KEDA ScaledObject with a postgresql trigger (the operator opens one connection for
 *     each poll of the query; it is closed after the poll, but it counts while it is open)
 *   ≤ the budget on the workflow's Namespace (annotation langgraph.platform/postgres-max-connections,
 *     rendered from database.maxConnections).
 *
 * Max replicas: an HPA's maxReplicas, a ScaledObject's maxReplicaCount (KEDA owns that HPA), else
 * the fixed replicas. A pool env var that is unset counts as the server's default (150).
 * A namespace without the annotation states no budget and is not judged (config requires one in
 * production-tier environments). Canary surge pods are not counted.
 */
import { SERVER_DEFAULT_POOL_MAX_SIZE } from '../../config/features/database';
import { POOL_MAX_SIZE_ENV } from '../../constructs/langgraph-workload';
import { POSTGRES_MAX_CONNECTIONS_ANNOTATION } from '../../constructs/labels';
import { RenderedObject } from '../../model/rendered-object';
import { AnyObject, EnvironmentIndex, NamespaceIndex, PodSet } from '../object-index';
import { apiGroupOf } from '../../model/api-group';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck } from './check';
import { serverContainer } from './shutdown-timing';

export { POSTGRES_MAX_CONNECTIONS_ANNOTATION };

interface Demand {
  readonly label: string;
  readonly connections: number;
}

/** The most replicas a pod set may run, and which object says so. */
function maxReplicas(ns: NamespaceIndex, index: EnvironmentIndex, set: PodSet): { count: number; label: string } {
  const targets = new Set<RenderedObject>([set.runner, set.template.owner]);
  for (const hpa of ns.ofKind('HorizontalPodAutoscaler')) {
    const target = index.resolve(ns, (hpa.object as AnyObject).spec?.scaleTargetRef);
    const max = (hpa.object as AnyObject).spec?.maxReplicas;
    if (target && targets.has(target) && typeof max === 'number') return { count: max, label: `HorizontalPodAutoscaler/${hpa.object.metadata.name} maxReplicas ${max}` };
  }
  for (const so of ns.ofKind('ScaledObject')) {
    if (apiGroupOf(so.object.apiVersion) !== 'keda.sh') continue;
    const ref = (so.object as AnyObject).spec?.scaleTargetRef ?? {};
    const target = index.resolve(ns, { apiVersion: ref.apiVersion ?? 'apps/v1', kind: ref.kind ?? 'Deployment', name: ref.name });
    // KEDA's default maxReplicaCount is 100.
    const max = (so.object as AnyObject).spec?.maxReplicaCount ?? 100;
    if (target && targets.has(target) && typeof max === 'number') return { count: max, label: `ScaledObject/${so.object.metadata.name} maxReplicaCount ${max}` };
  }
  const replicas = (set.runner.object as AnyObject).spec?.replicas;
  const count = typeof replicas === 'number' ? replicas : 1;
  return { count, label: `${set.runner.object.kind}/${set.runner.object.metadata.name} replicas ${count}` };
}

function demandOf(ns: NamespaceIndex, index: EnvironmentIndex): Demand[] {
  const demand: Demand[] = [];
  for (const set of ns.podSets) {
    if (!set.runsPods) continue;
    const server = serverContainer(set.template);
    if (!server) continue;
    const env: AnyObject[] = Array.isArray(server.container.env) ? server.container.env : [];
    const raw = env.find((e) => e?.name === POOL_MAX_SIZE_ENV)?.value;
    const pool = raw === undefined ? SERVER_DEFAULT_POOL_MAX_SIZE : Number(raw);
    const max = maxReplicas(ns, index, set);
    demand.push({
      label: `${max.label} × pool ${raw === undefined ? `${pool} (${POOL_MAX_SIZE_ENV} unset: the server's default)` : pool}`,
      connections: max.count * (Number.isFinite(pool) ? pool : SERVER_DEFAULT_POOL_MAX_SIZE),
    });
  }
  for (const so of ns.ofKind('ScaledObject')) {
    const triggers: AnyObject[] = (so.object as AnyObject).spec?.triggers ?? [];
    const polls = triggers.filter((t) => t?.type === 'postgresql').length;
    if (polls) demand.push({ label: `ScaledObject/${so.object.metadata.name}: KEDA's postgresql scaler, ${polls} connection(s) per poll`, connections: polls });
  }
  return demand;
}

export const connectionBudget: CrossObjectCheck = {
  id: 'cross-object/connection-budget',
  summary: "the Postgres connections a workflow's rendered replicas may open (max replicas × pool, plus KEDA's polls) fit the budget on its Namespace",
  check: (index: EnvironmentIndex) => index.clusterScoped.ofKind('Namespace').flatMap((namespace): Finding[] => {
    const raw = namespace.object.metadata?.annotations?.[POSTGRES_MAX_CONNECTIONS_ANNOTATION];
    if (raw === undefined) return [];
    const path = pointer('metadata', 'annotations', POSTGRES_MAX_CONNECTIONS_ANNOTATION);
    const budget = Number(raw);
    if (!Number.isInteger(budget) || budget < 1) {
      return [{ object: namespace, path, value: raw, message: `the connection budget "${raw}" is not a positive whole number`, fix: 'render it from database.maxConnections (a whole number of connections)' }];
    }
    const ns = index.lookupNamespace(namespace.object.metadata.name);
    if (!ns) return [];
    const demand = demandOf(ns, index);
    const total = demand.reduce((sum, d) => sum + d.connections, 0);
    if (total <= budget) return [];
    return [{
      object: namespace, path, value: raw,
      message: `the workflow's rendered objects may open ${total} Postgres connections (${demand.map((d) => `${d.label} = ${d.connections}`).join('; ')}), more than its budget of ${budget}`,
      fix: 'lower database.poolMaxSize or the maximum replicas (with capacity.applyToEnvironment the plan sets the API\'s: size the profile down), or raise database.maxConnections (and the database\'s max_connections)',
    }];
  }),
};
