import { Construct } from 'constructs';
import { objectMetadata, WorkflowScope } from './workflow-scope';
import { Sidecar, SidecarSpecOutboundTrafficPolicyMode } from '../../imports/istio-sidecar-networking.istio.io';

export type OutboundTrafficMode = 'REGISTRY_ONLY' | 'ALLOW_ANY';

export interface EgressSidecarProps {
  /**
   * Namespaces whose services (and exported ServiceEntries) the workloads may reach besides their
   * own, e.g. `istio-system`. @default []
   */
  readonly namespaces?: readonly string[];
  /**
   * Hosts that must stay reachable (each external host with a ServiceEntry in this namespace).
   * They are already covered by `./*`; listing them documents the allow-list in one object and lets
   * the construct refuse a wildcard. @default []
   */
  readonly hosts?: readonly string[];
  /**
   * REGISTRY_ONLY: traffic to a host without a ServiceEntry (or in-cluster Service) in the
   * imported namespaces goes to Envoy's BlackHoleCluster. ALLOW_ANY: unknown hosts pass through.
   * @default 'REGISTRY_ONLY'
   */
  readonly outboundTrafficPolicy?: OutboundTrafficMode;
  /** @default `<workflow>-egress` (objects carry the workflow's name; a namespace may hold several workflows) */
  readonly name?: string;
}

/**
 * The workflow's Istio Sidecar, selecting every pod of the workflow (`app.kubernetes.io/instance`,
 * so API and workers alike) rather than the whole namespace: Istio allows one selector-less Sidecar
 * per namespace, and a namespace may hold several workflows. It says which services the sidecars
 * know, and what happens to traffic to anything else.
 * Egress imports only this namespace (`./*`, which holds the workflow's ServiceEntries, exported
 * to '.') and the listed namespaces, so another namespace's ServiceEntry cannot widen the list.
 */
export class EgressSidecar extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: EgressSidecarProps) {
    super(scope, id);
    this.name = props.name ?? `${WorkflowScope.of(this).workflowName}-egress`;
    const hosts = [...new Set(props.hosts ?? [])];
    for (const h of hosts) {
      if (h.includes('*') || h.includes('/')) throw new Error(`Sidecar ${WorkflowScope.of(this).namespace}/${this.name}: host "${h}" must be a plain hostname; namespaces go in \`namespaces\``);
    }
    const namespaces = [...new Set(props.namespaces ?? [])].filter((n) => n !== WorkflowScope.of(this).namespace);
    new Sidecar(this, 'Resource', {
      metadata: objectMetadata(this, this.name, { labels: { 'app.kubernetes.io/component': 'egress' } }),
      spec: {
        workloadSelector: { labels: { 'app.kubernetes.io/instance': WorkflowScope.of(this).workflowName } },
        egress: [{ hosts: ['./*', ...namespaces.map((n) => `${n}/*`), ...hosts.map((h) => `./${h}`)] }],
        outboundTrafficPolicy: {
          mode: (props.outboundTrafficPolicy ?? 'REGISTRY_ONLY') === 'REGISTRY_ONLY'
            ? SidecarSpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY
            : SidecarSpecOutboundTrafficPolicyMode.ALLOW_UNDERSCORE_ANY,
        },
      },
    });
  }
}
