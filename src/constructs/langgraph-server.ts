/** Facts of the LangGraph server container and the shapes every workload of it shares. */

export const API_PORT = 8000;
export const API_PORT_NAME = 'http';
export const METRICS_PATH = '/metrics';
/** Non-root identity (≥ 10000, so it never collides with a host user). */
export const RUN_AS_USER = 10001;
export const RUN_AS_GROUP = 10001;
/** Istio sidecar's merged Prometheus endpoint (app metrics + istio_* metrics). */
export const ISTIO_MERGED_METRICS_PORT = 15020;
export const ISTIO_MERGED_METRICS_PATH = '/stats/prometheus';

export interface ProbeTiming {
  /** `http`: GET `path`; `tcp`: a TCP connect to the port. */
  readonly handler: 'http' | 'tcp';
  readonly path: string;
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export interface SecretEnvRef {
  readonly secretName: string;
  readonly key: string;
}

export interface MeshSidecarOptions {
  /**
   * How long the sidecar keeps serving after SIGTERM, while the server drains runs.
   * @default - grace period − 5 s (see ./shutdown.ts)
   */
  readonly terminationDrainSeconds?: number;
}

/** The server's health route: the probes' path, and the one path open at the edge without a token. */
export const HEALTH_PATH = '/ok';

/** A route of the server that is not part of its client API, with why it stays off the edge. */
export interface AdminRoute {
  /** Istio path pattern: exact, `prefix*` or `*suffix`. */
  readonly path: string;
  readonly why: string;
}

/**
 * Routes of langgraph-api 0.16.7 (langgraph_api/api/__init__.py `unshadowable_meta_routes` and
 * `shadowable_meta_routes`, api/profile.py, langgraph_runtime_inmem/routes.py) that no client needs
 * through the public entry. Denied for the ingress gateway's identity; in-mesh callers keep them.
 * Istio compares `paths` without the query string, so `/metrics?format=json` is covered too.
 */
export const EDGE_DENIED_ROUTES: readonly AdminRoute[] = [
  { path: METRICS_PATH, why: 'Prometheus text (or `?format=json`: pool, queue and worker stats); scraped through the sidecar\'s merged-metrics port 15020 from the monitoring namespace only' },
  { path: '/docs', why: 'the interactive API reference: a map of every route for an attacker' },
  { path: '/openapi.json', why: 'the OpenAPI document behind /docs' },
  { path: '/info', why: 'server and langgraph versions, feature flags, host/project/tenant ids: fingerprinting' },
  { path: '/profile', why: 'py-spy flame graph of the live process (only with FF_PYSPY_PROFILING_ENABLED); an operator tool' },
  { path: '/internal/*', why: 'test hooks of the in-memory runtime (`langgraph dev`), e.g. POST /internal/truncate wipes all data; absent from Postgres builds, denied in case one ships' },
];

/**
 * The paths denied at the edge: the server's admin routes at the root and, with a `MOUNT_PREFIX`
 * (langgraph_api/server.py mounts the whole app under it), under the prefix too.
 */
export function edgeDeniedPaths(mountPrefix?: string): string[] {
  const root = EDGE_DENIED_ROUTES.map((r) => r.path);
  return mountPrefix ? [...root, ...root.map((p) => `${mountPrefix}${p}`)] : root;
}
