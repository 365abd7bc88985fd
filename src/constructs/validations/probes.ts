/**
 * Probe sanity for the server's probes: liveness on another handler than readiness (the gate's
 * policy/probes-distinct judges the rendered pod the same way: same HTTP path on the same port,
 * or both TCP on it, is the same handler), so an overloaded pod leaves rotation instead of being
 * restarted; liveness and startup probes succeed after one success (the API server refuses any
 * other successThreshold); timings are whole seconds and counts of at least 1.
 */
import { ProbeTiming } from '../langgraph-server';

/** Construct validation messages for the startup, readiness and liveness probes of one container. */
export function probeErrors(owner: string, probes: { readonly startup: ProbeTiming; readonly readiness: ProbeTiming; readonly liveness: ProbeTiming }): string[] {
  const errors: string[] = [];
  const { readiness, liveness } = probes;
  if (readiness.handler === liveness.handler && (liveness.handler === 'tcp' || readiness.path === liveness.path)) {
    const handler = liveness.handler === 'tcp' ? 'a TCP connect' : `GET ${liveness.path}`;
    errors.push(`${owner}: probes.liveness uses the same handler as probes.readiness (${handler}), so an overloaded pod is restarted instead of taken out of rotation; give liveness its own handler (handler: tcp, or another path)`);
  }
  for (const which of ['startup', 'readiness', 'liveness'] as const) {
    const p = probes[which];
    for (const field of ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const) {
      if (field === 'successThreshold' && which !== 'readiness') continue; // must be exactly 1, below
      if (!Number.isInteger(p[field]) || p[field] < 1) errors.push(`${owner}: probes.${which}.${field} ${p[field]} must be a whole number of at least 1`);
    }
    if (!Number.isInteger(p.initialDelaySeconds) || p.initialDelaySeconds < 0) errors.push(`${owner}: probes.${which}.initialDelaySeconds ${p.initialDelaySeconds} must be a whole number of at least 0`);
  }
  for (const which of ['startup', 'liveness'] as const) {
    if (probes[which].successThreshold !== 1) errors.push(`${owner}: probes.${which}.successThreshold ${probes[which].successThreshold} must be 1 (Kubernetes refuses any other value for ${which} probes)`);
  }
  return errors;
}
