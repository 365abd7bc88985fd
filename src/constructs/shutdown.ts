/**
 * How a LangGraph server pod stops without cutting runs: the three numbers that must agree.
 *
 *   terminationGracePeriodSeconds (G)   the kubelet SIGKILLs every container G s after SIGTERM
 *   BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS (A) the server waits A s for in-flight runs, then cancels and
 *                                         re-queues the rest (langgraph_api/config/__init__.py of
 *                                         0.16.7, lines 363–367; default 180 s whatever G is)
 *   terminationDrainDuration (D)          the Istio sidecar keeps proxying D s after SIGTERM
 *
 * A = G − margin. The margin covers what happens after the drain deadline and before SIGKILL:
 * SIGTERM delivery (the kubelet signals all containers at once; there is no preStop hook), the
 * server cancelling unfinished runs and writing them back to Postgres for another worker to retry,
 * closing its pools, and process exit. 30 s by default; never below 15 s.
 *
 * D = G − SIDECAR_EXIT_SECONDS: the sidecar carries the server's Postgres, Redis and LLM traffic
 * through the drain and the margin (D ≥ A + margin − SIDECAR_EXIT_SECONDS > A), and exits just
 * before the kubelet's deadline instead of being killed mid-drain.
 *
 * The gate checks the rendered pods against the same rules (src/validation/cross-object/shutdown-timing.ts).
 */

/** Grace period of a server pod, by default: long enough for in-flight runs to finish after SIGTERM. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 180;
/** Margin between the server's run drain and SIGKILL, by default. */
export const DEFAULT_SHUTDOWN_MARGIN_SECONDS = 30;
/** The smallest margin the config and the gate accept. */
export const MIN_SHUTDOWN_MARGIN_SECONDS = 15;
/** The sidecar stops this long before SIGKILL (well inside every margin). */
export const SIDECAR_EXIT_SECONDS = 5;
/** The server's run-drain env var. */
export const SHUTDOWN_GRACE_ENV = 'BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS';
/** What the server uses when the env var is absent. */
export const SERVER_DEFAULT_SHUTDOWN_GRACE_SECONDS = 180;

export interface ShutdownTiming {
  readonly terminationGracePeriodSeconds: number;
  /** BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS. */
  readonly runDrainSeconds: number;
  /** Istio terminationDrainDuration (mesh pods). */
  readonly sidecarDrainSeconds: number;
}

/**
 * The timing of one pod. `sidecarDrainSeconds` overrides the derived sidecar drain (an
 * environment-wide `mesh.terminationDrainSeconds`); it must still cover the run drain.
 */
export function shutdownTiming(terminationGracePeriodSeconds: number, marginSeconds = DEFAULT_SHUTDOWN_MARGIN_SECONDS, sidecarDrainSeconds?: number): ShutdownTiming {
  const g = terminationGracePeriodSeconds;
  if (!Number.isInteger(marginSeconds) || marginSeconds < MIN_SHUTDOWN_MARGIN_SECONDS) {
    throw new Error(`shutdown margin ${marginSeconds}s is below ${MIN_SHUTDOWN_MARGIN_SECONDS}s, too short to cancel and re-queue runs before SIGKILL; use at least ${MIN_SHUTDOWN_MARGIN_SECONDS}`);
  }
  const runDrainSeconds = g - marginSeconds;
  if (runDrainSeconds < 1) {
    throw new Error(`terminationGracePeriodSeconds ${g} leaves no run drain after a ${marginSeconds}s margin; raise it above ${marginSeconds}`);
  }
  const sidecar = sidecarDrainSeconds ?? g - SIDECAR_EXIT_SECONDS;
  if (sidecar < runDrainSeconds || sidecar > g) {
    throw new Error(`sidecar drain ${sidecar}s must cover the server's run drain (${runDrainSeconds}s = grace ${g}s − margin ${marginSeconds}s) and end by the grace period (${g}s); ` +
      `set mesh.terminationDrainSeconds between ${runDrainSeconds} and ${g}, or leave it unset to derive it`);
  }
  return { terminationGracePeriodSeconds: g, runDrainSeconds, sidecarDrainSeconds: sidecar };
}
