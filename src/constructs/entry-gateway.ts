import { Construct } from 'constructs';
import {
  Gateway, GatewaySpecListeners, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode,
} from '../../imports/gwapi-gateway-gateway.networking.k8s.io';
import { MANAGED_BY } from './labels';

/** The API group of the Gateway API kinds (parentRefs, allowedRoutes kinds). */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** The plain-HTTP listener: it serves only the redirect to HTTPS. */
export const HTTP_LISTENER_NAME = 'http';

/** A Gateway holds at most 64 listeners (the CRD's maxItems); one is the HTTP listener. */
export const MAX_WORKFLOW_LISTENERS = 63;

/** The HTTPS listener of one workflow: its HTTPRoute attaches here by `sectionName`. */
export function workflowListenerName(workflow: string): string {
  return `https-${workflow}`;
}

/** One workflow's HTTPS listener. */
export interface WorkflowListener {
  readonly workflow: string;
  /** The only namespace whose routes may attach to this listener. */
  readonly namespace: string;
  readonly hostname: string;
  /** TLS Secret in the Gateway's namespace (no ReferenceGrant needed). */
  readonly tlsSecretName: string;
}

export interface EntryGatewayProps {
  readonly name: string;
  /** Where the gateway's proxies run (the ingress namespace; the workflows' NetworkPolicies admit it). */
  readonly namespace: string;
  /** The GatewayClass of the implementation, e.g. `istio`. */
  readonly gatewayClassName: string;
  /** One HTTPS listener per workflow; at most MAX_WORKFLOW_LISTENERS, hostnames unique. */
  readonly listeners: readonly WorkflowListener[];
}

/**
 * The environment's one Gateway API Gateway: a plain-HTTP listener that admits only routes of its
 * own namespace (the redirect), and one HTTPS listener per workflow that terminates TLS with the
 * workflow's certificate and admits routes from that workflow's namespace only, so no other
 * namespace can attach a route to (and take over) a workflow's hostname.
 */
export class EntryGateway extends Construct {
  public readonly name: string;
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: EntryGatewayProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace;
    if (props.listeners.length === 0) {
      throw new Error(`Gateway ${props.namespace}/${props.name}: no workflow listeners; render the Gateway only for an environment whose workflows use entry.type gateway-api`);
    }
    if (props.listeners.length > MAX_WORKFLOW_LISTENERS) {
      throw new Error(`Gateway ${props.namespace}/${props.name}: ${props.listeners.length} workflows need ${props.listeners.length} HTTPS listeners, but a Gateway holds at most 64 listeners (${MAX_WORKFLOW_LISTENERS} besides the HTTP one); split the environment's workflows over entry types or environments`);
    }
    const hosts = new Map<string, string>();
    for (const l of props.listeners) {
      const other = hosts.get(l.hostname);
      if (other) throw new Error(`Gateway ${props.namespace}/${props.name}: workflows "${other}" and "${l.workflow}" both use hostname ${l.hostname}; the listeners would conflict and neither would serve — give one of them another hostname`);
      hosts.set(l.hostname, l.workflow);
    }
    const routeKinds = [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute' }];
    const listeners: GatewaySpecListeners[] = [
      {
        name: HTTP_LISTENER_NAME, port: 80, protocol: 'HTTP',
        allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME }, kinds: routeKinds },
      },
      ...[...props.listeners].sort((a, b) => (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : 0)).map((l) => ({
        name: workflowListenerName(l.workflow), port: 443, protocol: 'HTTPS', hostname: l.hostname,
        tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ group: '', kind: 'Secret', name: l.tlsSecretName }] },
        allowedRoutes: {
          namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR, selector: { matchLabels: { 'kubernetes.io/metadata.name': l.namespace } } },
          kinds: routeKinds,
        },
      })),
    ];
    new Gateway(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: entryLabels() },
      spec: { gatewayClassName: props.gatewayClassName, listeners },
    });
  }
}

/** Labels of the environment's shared entry objects (they belong to no workflow). */
export function entryLabels(): Record<string, string> {
  return {
    'app.kubernetes.io/component': 'entry',
    'app.kubernetes.io/part-of': 'langgraph-platform',
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}
