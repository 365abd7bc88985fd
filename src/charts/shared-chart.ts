import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import { ResolvedEnvironment } from '../config/resolved';
import { RESERVED_PRIORITY_CLASS_PREFIX, WorkloadPriorityClass } from '../constructs/priority-class';
import { DEFAULT_ENTRY } from '../constructs/langgraph-workflow';
import { EntryGateway } from '../constructs/entry-gateway';
import { HttpsRedirectRoute } from '../constructs/https-redirect-route';
import { entryTypeOf } from '../config/schema';
import { hostnameOf, tlsSecretNameOf } from './workflow-chart';

/**
 * The PriorityClasses the environment's pods name (API and queue workers take the workflow's
 * `scheduling.priorityClassName`), sorted, each once. Kubernetes' own `system-…` classes are
 * never rendered: the API server provides them (and refuses to create one).
 */
export function priorityClassNamesOf(resolved: ResolvedEnvironment): string[] {
  const names = new Set<string>();
  for (const wf of resolved.workflows) {
    const name = wf.settings.scheduling?.priorityClassName;
    if (name && !name.startsWith(RESERVED_PRIORITY_CLASS_PREFIX)) names.add(name);
  }
  return [...names].sort();
}

export interface SharedChartProps {
  readonly resolved: ResolvedEnvironment;
}

/**
 * The environment's objects that belong to no single workflow, written to `dist/<env>/_shared/`
 * and synced by one Application of their own: objects several workflows use (the PriorityClass;
 * with entry type `gateway-api`, the Gateway and its HTTP→HTTPS redirect in the ingress namespace),
 * which one owner must apply so that no workflow's Application fights another's over them, or
 * prunes them when it leaves the catalog.
 */
export class SharedChart extends Chart {
  constructor(scope: Construct, id: string, props: SharedChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const name of priorityClassNamesOf(props.resolved)) {
      new WorkloadPriorityClass(this, `priority-class-${name}`, { name });
    }
    addEntryGateway(this, props.resolved);
  }
}

/** With entry type `gateway-api`: the environment's Gateway (one HTTPS listener per workflow) and its redirect route. */
export function addEntryGateway(scope: Construct, resolved: ResolvedEnvironment): EntryGateway | undefined {
  const env = resolved.environment;
  if (entryTypeOf(env) !== 'gateway-api' || resolved.workflows.length === 0) return undefined;
  const name = env.entry.gatewayApi?.gatewayName ?? DEFAULT_ENTRY.gatewayApiName;
  const gateway = new EntryGateway(scope, 'entry-gateway', {
    name, namespace: env.namespaces.ingress,
    gatewayClassName: env.entry.gatewayApi?.gatewayClassName ?? DEFAULT_ENTRY.gatewayClassName,
    listeners: resolved.workflows.map((wf) => ({ workflow: wf.name, namespace: wf.namespace, hostname: hostnameOf(env, wf), tlsSecretName: tlsSecretNameOf(env, wf.name) })),
  });
  new HttpsRedirectRoute(scope, 'entry-https-redirect', { name: `${name}-https-redirect`, gateway });
  return gateway;
}
