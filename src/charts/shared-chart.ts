import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import { ResolvedEnvironment } from '../config/resolved';
import { RESERVED_PRIORITY_CLASS_PREFIX, WorkloadPriorityClass } from '../constructs/priority-class';

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
 * and synced by one Application of their own: cluster-scoped objects several workflows use (the
 * PriorityClass), which one owner must apply so that no workflow's Application fights another's
 * over them, or prunes them when it leaves the catalog.
 */
export class SharedChart extends Chart {
  constructor(scope: Construct, id: string, props: SharedChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const name of priorityClassNamesOf(props.resolved)) {
      new WorkloadPriorityClass(this, `priority-class-${name}`, { name });
    }
  }
}
