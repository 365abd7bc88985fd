/** The shape of a cross-object check: an id (`cross-object/<name>`), a summary, and a function of one environment's index. */
import { EnvironmentIndex } from '../object-index';
import { Finding } from '../violation';

export interface CrossObjectCheck {
  readonly id: string;
  readonly summary: string;
  readonly check: (index: EnvironmentIndex) => Finding[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = Record<string, any>;

/** `spec` of a rendered object, as plain JSON. */
export function specOf(o: { readonly [key: string]: unknown }): Json {
  const spec = (o as Json).spec;
  return spec && typeof spec === 'object' ? spec : {};
}

/** Does a cluster-local host name a Service in the given namespace? Returns its name, or undefined for external hosts. */
export function serviceOfHost(host: string, namespace: string, knownNamespaces: ReadonlySet<string>): { name: string; namespace: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return { name: parts[0], namespace };
  const clusterLocal = host.endsWith('.svc.cluster.local') || host.endsWith('.svc');
  if (clusterLocal || (parts.length === 2 && knownNamespaces.has(parts[1]))) return { name: parts[0], namespace: parts[1] };
  return undefined;
}
