/**
 * The server processes' Postgres connection budget (workflow level). Their default requests and
 * limits (LangChain's Helm chart) are in src/constructs/resources.ts.
 *
 * Connections: every server process opens up to LANGGRAPH_POSTGRES_POOL_MAX_SIZE connections
 * (langgraph_api/config/__init__.py of 0.16.7, line 58: default 150), so a workflow can open
 * maxReplicas(API) × pool + maxReplicas(workers) × pool, plus one connection while KEDA's postgresql
 * scaler polls the run queue (workers with KEDA). `maxConnections` is this workflow's share of the
 * database's max_connections; the semantic check refuses a config that exceeds it, and the gate
 * (cross-object/connection-budget) judges the rendered replicas against it again.
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-issue';

export { LANGGRAPH_SERVER_RESOURCES } from '../../constructs/resources';

export { POOL_MAX_SIZE_ENV } from '../../constructs/langgraph-workload';
/** The server's pool size when the env var is unset. */
export const SERVER_DEFAULT_POOL_MAX_SIZE = 150;
import { DEFAULT_POOL_MAX_SIZE } from '../../constructs/langgraph-workflow';
/** Our default pool per process (why 10: src/constructs/langgraph-workflow.ts). */
export { DEFAULT_POOL_MAX_SIZE };
/** Postgres's default max_connections less its 3 superuser slots: the in-cluster dev store's budget. */
export const IN_CLUSTER_POSTGRES_CONNECTIONS = 97;

export const databaseSchema = z
  .strictObject({
    poolMaxSize: z.number().int().min(1).max(1000).default(DEFAULT_POOL_MAX_SIZE).meta({ description: 'LANGGRAPH_POSTGRES_POOL_MAX_SIZE of each API and worker process.' }),
    maxConnections: z.number().int().min(1).optional().meta({ description: 'This workflow\'s share of the database\'s max_connections. Required in production-tier environments. Default: in dev with the in-cluster store: 97 (Postgres\'s default less superuser slots).', examples: [200] }),
  })
  .default({ poolMaxSize: DEFAULT_POOL_MAX_SIZE });
export type DatabaseConfig = z.infer<typeof databaseSchema>;

export interface ConnectionDemand {
  readonly apiMaxReplicas: number;
  readonly workerMaxReplicas: number;
  readonly poolMaxSize: number;
  /** KEDA's postgresql scaler: one connection per ScaledObject while it polls the query. */
  readonly kedaConnections: number;
  readonly total: number;
}

/** Connections the workflow may open at its maximum replicas. */
export function connectionDemand(apiMaxReplicas: number, workerMaxReplicas: number, poolMaxSize: number, kedaConnections = 0): ConnectionDemand {
  return { apiMaxReplicas, workerMaxReplicas, poolMaxSize, kedaConnections, total: (apiMaxReplicas + workerMaxReplicas) * poolMaxSize + kedaConnections };
}

/** The workflow's budget: its stated share, else the in-cluster dev store's; undefined when neither. */
export function connectionShare(
  db: Pick<DatabaseConfig, 'maxConnections'>,
  env: { readonly dataStores: { readonly postgres: { readonly enabled: boolean } } },
): number | undefined {
  return db.maxConnections ?? (env.dataStores.postgres.enabled ? IN_CLUSTER_POSTGRES_CONNECTIONS : undefined);
}

/**
 * Workflow-level rule: the connections the workflow may open fit its share (with file:line).
 * `workerMaxReplicas` is 0 without workers; `kedaConnections` is 1 where KEDA's postgresql scaler
 * polls for the workers. The gate's cross-object/connection-budget rule judges the same sum on the
 * rendered objects, after the capacity plan may have raised the API's maxReplicas.
 */
export function checkConnectionBudget(
  settings: { readonly database: DatabaseConfig; readonly autoscaling: { readonly maxReplicas: number } },
  env: { readonly name: string; readonly tier: 'development' | 'production'; readonly dataStores: { readonly postgres: { readonly enabled: boolean } } },
  workerMaxReplicas: number,
  kedaConnections = 0,
): SemanticIssue[] {
  const db = settings.database;
  const share = connectionShare(db, env);
  if (share === undefined) {
    return env.tier === 'production'
      ? [{ path: ['database', 'maxConnections'], value: undefined, message: `is required in "${env.name}" (a production-tier environment): state this workflow's share of the database's max_connections, e.g. database: { maxConnections: 200 }` }]
      : [];
  }
  const d = connectionDemand(settings.autoscaling.maxReplicas, workerMaxReplicas, db.poolMaxSize, kedaConnections);
  if (d.total <= share) return [];
  const fitPool = Math.floor((share - d.kedaConnections) / (d.apiMaxReplicas + d.workerMaxReplicas));
  return [{
    path: ['database', 'maxConnections'],
    value: share,
    message: `the workflow may open ${d.total} Postgres connections (maxReplicas(API) ${d.apiMaxReplicas} × pool ${d.poolMaxSize}` +
      (d.workerMaxReplicas ? ` + maxReplicas(workers) ${d.workerMaxReplicas} × pool ${d.poolMaxSize}` : '') +
      (d.kedaConnections ? ` + ${d.kedaConnections} for KEDA's postgresql scaler's poll` : '') +
      `), more than its share of max_connections (${share}); lower database.poolMaxSize to ${fitPool || 1} or less, lower the maximum replicas, or raise database.maxConnections (and the database's max_connections)`,
  }];
}
