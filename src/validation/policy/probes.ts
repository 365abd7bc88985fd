/**
 * Probes: every app container has a readiness and a liveness probe; the two are distinct — not
 * the same handler (same HTTP path and port, same TCP port, same command, same gRPC port and
 * service), which is how kube-score's `pod-probes` check judges "identical": a liveness probe that
 * fails whenever readiness does restarts pods that are merely busy — and every probe targets a port
 * the container declares (by number or by name).
 */
import { ContainerRef, containersOf } from '../pod-templates';
import { Finding } from '../violation';
import { PolicyRule, describeContainer, templateFinding } from './rule';

type Probe = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;

export const probesPresent: PolicyRule = {
  id: 'policy/probes',
  summary: 'every app container has a readiness and a liveness probe',
  checkTemplate: (t) => containersOf(t.template, ['containers']).flatMap((c) => (['readinessProbe', 'livenessProbe'] as const)
    .filter((p) => !c.container[p] || typeof c.container[p] !== 'object')
    .map((p) => templateFinding(t, `${c.pointer}/${p}`, {
      message: `${describeContainer(c)} has no ${p === 'readinessProbe' ? 'readiness' : 'liveness'} probe`,
      fix: p === 'readinessProbe'
        ? 'add a readinessProbe so the pod receives traffic only when it can serve it'
        : 'add a livenessProbe on a different handler than the readiness probe (e.g. tcpSocket on the serving port)',
    }))),
};

export const probesDistinct: PolicyRule = {
  id: 'policy/probes-distinct',
  summary: 'readiness and liveness probes use different handlers',
  checkTemplate: (t) => containersOf(t.template, ['containers']).flatMap((c) => {
    const readiness = c.container.readinessProbe as Probe | undefined;
    const liveness = c.container.livenessProbe as Probe | undefined;
    if (!readiness || !liveness) return [];
    const same = sameHandler(c, readiness, liveness);
    return same ? [templateFinding(t, `${c.pointer}/livenessProbe`, {
      value: same,
      message: `${describeContainer(c)}'s liveness probe uses the same handler as its readiness probe (${same}), so an overloaded pod is restarted instead of taken out of rotation`,
      fix: 'give the liveness probe its own handler: a TCP connect to the serving port (probes.liveness.handler: tcp in the config), or another HTTP path than readiness',
    })] : [];
  }),
};

export const probePorts: PolicyRule = {
  id: 'policy/probe-port',
  summary: 'every probe targets a port its container declares (by number or name)',
  checkTemplate: (t) => containersOf(t.template, ['containers', 'initContainers']).flatMap((c) => PROBES.flatMap((p): Finding[] => {
    const probe = c.container[p] as Probe | undefined;
    if (!probe || typeof probe !== 'object') return [];
    const handler = probe.httpGet ? 'httpGet' : probe.tcpSocket ? 'tcpSocket' : probe.grpc ? 'grpc' : undefined;
    if (!handler) return [];
    const port = probe[handler].port;
    if (resolvePort(c, port) !== undefined) return [];
    return [templateFinding(t, `${c.pointer}/${p}/${handler}/port`, {
      value: port,
      message: `${describeContainer(c)}'s ${p} targets port ${JSON.stringify(port)}, which the container does not declare (declared: ${declared(c)})`,
      fix: 'point the probe at a declared containerPort, by number or by its name',
    })];
  })),
};

/** The container port number a probe's port means, or undefined when it declares no such port. */
export function resolvePort(c: ContainerRef, port: unknown): number | undefined {
  const ports: any[] = Array.isArray(c.container.ports) ? c.container.ports : []; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (typeof port === 'number') return ports.some((p) => p?.containerPort === port) ? port : undefined;
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return resolvePort(c, Number(port));
    return ports.find((p) => p?.name === port)?.containerPort;
  }
  return undefined;
}

function declared(c: ContainerRef): string {
  const ports: any[] = Array.isArray(c.container.ports) ? c.container.ports : []; // eslint-disable-line @typescript-eslint/no-explicit-any
  return ports.length ? ports.map((p) => (p?.name ? `${p.containerPort} (${p.name})` : String(p?.containerPort))).join(', ') : 'none';
}

/** A description of the shared handler when both probes use the same one, else undefined. */
function sameHandler(c: ContainerRef, a: Probe, b: Probe): string | undefined {
  const port = (p: unknown) => resolvePort(c, p) ?? p;
  if (a.httpGet && b.httpGet) {
    const pa = port(a.httpGet.port);
    if ((a.httpGet.path ?? '/') === (b.httpGet.path ?? '/') && pa === port(b.httpGet.port) && (a.httpGet.host ?? '') === (b.httpGet.host ?? '')) {
      return `GET ${a.httpGet.path ?? '/'} on port ${String(pa)}`;
    }
  }
  if (a.tcpSocket && b.tcpSocket && port(a.tcpSocket.port) === port(b.tcpSocket.port)) return `TCP port ${String(port(a.tcpSocket.port))}`;
  if (a.grpc && b.grpc && a.grpc.port === b.grpc.port && (a.grpc.service ?? '') === (b.grpc.service ?? '')) return `gRPC port ${a.grpc.port}`;
  if (a.exec && b.exec && JSON.stringify(a.exec.command ?? []) === JSON.stringify(b.exec.command ?? [])) return `exec ${JSON.stringify(a.exec.command ?? [])}`;
  return undefined;
}
