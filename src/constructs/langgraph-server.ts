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
