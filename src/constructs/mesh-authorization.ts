import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  AuthorizationPolicySpecRules,
} from '../../imports/istio-authorizationpolicy-security.istio.io';
import { SIDECAR_UNCAPTURED_INBOUND_PORTS } from './mesh-mtls';

/** Who may call: workload identities and/or whole namespaces (both need mTLS to be known). */
export interface AllowedCallers {
  /** Readable reason, rendered nowhere but kept for errors. */
  readonly name: string;
  /** @default [] */
  readonly principals?: readonly string[];
  /** @default [] */
  readonly namespaces?: readonly string[];
}

export interface WorkloadAllowPolicyProps {
  readonly name: string;
  /** Pods the policy protects (the API's selector: name + instance + component). */
  readonly selector: Readonly<Record<string, string>>;
  /** The container port callers reach (the API's 8000, not the Service's 80). */
  readonly port: number;
  /** One rule per entry; an entry with neither principals nor namespaces is refused. */
  readonly callers: readonly AllowedCallers[];
}

/**
 * ALLOW policy for one workload: only the listed callers, only on its one port. With any ALLOW
 * policy in place, Istio denies every request that matches none, so this is the allow-list.
 */
export class WorkloadAllowPolicy extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WorkloadAllowPolicyProps) {
    super(scope, id);
    this.name = props.name;
    if (SIDECAR_UNCAPTURED_INBOUND_PORTS.includes(props.port)) {
      throw new Error(`AuthorizationPolicy ${props.name}: port ${props.port} is not intercepted by the sidecar, so no rule on it is ever evaluated; use the workload's own container port`);
    }
    if (props.callers.length === 0) {
      throw new Error(`AuthorizationPolicy ${props.name}: no callers; an ALLOW policy without rules allows nothing — give at least the gateway principal`);
    }
    const rules: AuthorizationPolicySpecRules[] = props.callers.map((c) => {
      const principals = [...(c.principals ?? [])];
      const namespaces = [...(c.namespaces ?? [])];
      if (principals.length === 0 && namespaces.length === 0) {
        throw new Error(`AuthorizationPolicy ${props.name}: caller "${c.name}" names neither principals nor namespaces; an empty source would allow everyone`);
      }
      return {
        from: [{ source: { ...(principals.length ? { principals } : {}), ...(namespaces.length ? { namespaces } : {}) } }],
        to: [{ operation: { ports: [String(props.port)] } }],
      };
    });
    new AuthorizationPolicy(this, 'Resource', {
      metadata: policyMetadata(this, props.name),
      spec: {
        selector: { matchLabels: { ...props.selector } },
        action: AuthorizationPolicySpecAction.ALLOW,
        rules,
      },
    });
  }
}

export interface NamespaceDenyAllProps {
  readonly name: string;
}

/**
 * Istio's "allow-nothing" policy: an ALLOW policy with no rules for the whole namespace. Every
 * workload there rejects all requests unless another ALLOW policy matches them.
 */
export class NamespaceDenyAll extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: NamespaceDenyAllProps) {
    super(scope, id);
    this.name = props.name;
    new AuthorizationPolicy(this, 'Resource', {
      metadata: policyMetadata(this, props.name),
      spec: {},
    });
  }
}

function policyMetadata(scope: Construct, name: string) {
  return objectMetadata(scope, name, { labels: { 'app.kubernetes.io/component': 'mesh-security' } });
}
