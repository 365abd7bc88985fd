import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  AuthorizationPolicySpecRules,
} from '../../imports/istio-authorizationpolicy-security.istio.io';
import { SIDECAR_UNCAPTURED_INBOUND_PORTS } from './mesh-mtls';

/** An Istio `when` condition: the attribute (e.g. `request.auth.claims[groups]`) holds one of the values. */
export interface RequestCondition {
  readonly key: string;
  readonly values: readonly string[];
}

/** Who may call: workload identities and/or whole namespaces (both need mTLS to be known). */
export interface AllowedCallers {
  /** Readable reason, rendered nowhere but kept for errors. */
  readonly name: string;
  /** @default [] */
  readonly principals?: readonly string[];
  /** @default [] */
  readonly namespaces?: readonly string[];
  /**
   * Also require a validated JWT whose principal (`<iss>/<sub>`) matches one of these, e.g.
   * `https://login.example.com/*` (needs a RequestAuthentication on the same pods).
   * @default [] - no JWT required
   */
  readonly requestPrincipals?: readonly string[];
  /** Only these paths (exact, `prefix*` or `*suffix`). @default - every path */
  readonly paths?: readonly string[];
  /** Every path but these. @default - none excluded */
  readonly notPaths?: readonly string[];
  /** All must hold. @default [] */
  readonly when?: readonly RequestCondition[];
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
    assertInterceptedPort(props.name, props.port);
    if (props.callers.length === 0) {
      throw new Error(`AuthorizationPolicy ${props.name}: no callers; an ALLOW policy without rules allows nothing — give at least the gateway principal`);
    }
    const rules: AuthorizationPolicySpecRules[] = props.callers.map((c) => {
      const principals = [...(c.principals ?? [])];
      const namespaces = [...(c.namespaces ?? [])];
      if (principals.length === 0 && namespaces.length === 0) {
        throw new Error(`AuthorizationPolicy ${props.name}: caller "${c.name}" names neither principals nor namespaces; an empty source would allow everyone`);
      }
      const requestPrincipals = [...(c.requestPrincipals ?? [])];
      for (const p of [...(c.paths ?? []), ...(c.notPaths ?? [])]) checkPathPattern(this, props.name, p);
      const when = (c.when ?? []).map((w) => ({ key: w.key, values: [...w.values] }));
      return {
        from: [{ source: { ...(principals.length ? { principals } : {}), ...(namespaces.length ? { namespaces } : {}), ...(requestPrincipals.length ? { requestPrincipals } : {}) } }],
        to: [{ operation: { ports: [String(props.port)], ...(c.paths?.length ? { paths: [...c.paths] } : {}), ...(c.notPaths?.length ? { notPaths: [...c.notPaths] } : {}) } }],
        ...(when.length ? { when } : {}),
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

/** An AuthorizationPolicy on a port the sidecar does not intercept would never be evaluated. */
export function assertInterceptedPort(policy: string, port: number): void {
  if (SIDECAR_UNCAPTURED_INBOUND_PORTS.includes(port)) {
    throw new Error(`AuthorizationPolicy ${policy}: port ${port} is not intercepted by the sidecar, so no rule on it is ever evaluated; use the workload's own container port`);
  }
}

/** Paths denied to one set of sources. */
export interface DeniedPaths {
  /** Readable reason, rendered nowhere but kept for errors. */
  readonly name: string;
  /** Exact paths, `prefix*` or `*suffix` (Istio's only wildcards). */
  readonly paths: readonly string[];
  /** Only requests from these identities. @default - from anyone */
  readonly principals?: readonly string[];
}

export interface WorkloadDenyPolicyProps {
  readonly name: string;
  /** Pods the policy protects. */
  readonly selector: Readonly<Record<string, string>>;
  /** The container port the paths are served on. */
  readonly port: number;
  /** One rule per entry. */
  readonly rules: readonly DeniedPaths[];
}

/**
 * DENY policy for one workload: Istio evaluates DENY before ALLOW, so no ALLOW rule (a valid JWT,
 * a named caller) can reopen what it names.
 */
export class WorkloadDenyPolicy extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WorkloadDenyPolicyProps) {
    super(scope, id);
    this.name = props.name;
    assertInterceptedPort(props.name, props.port);
    if (props.rules.length === 0) {
      throw new Error(`AuthorizationPolicy ${props.name}: no rules; a DENY policy without rules denies nothing — give the paths to deny`);
    }
    const rules: AuthorizationPolicySpecRules[] = props.rules.map((r) => {
      if (r.paths.length === 0) throw new Error(`AuthorizationPolicy ${props.name}: rule "${r.name}" names no paths; without paths it would deny every request on port ${props.port}`);
      for (const p of r.paths) checkPathPattern(this, props.name, p);
      const principals = [...(r.principals ?? [])];
      return {
        ...(principals.length ? { from: [{ source: { principals } }] } : {}),
        to: [{ operation: { ports: [String(props.port)], paths: [...r.paths] } }],
      };
    });
    new AuthorizationPolicy(this, 'Resource', {
      metadata: policyMetadata(this, props.name),
      spec: {
        selector: { matchLabels: { ...props.selector } },
        action: AuthorizationPolicySpecAction.DENY,
        rules,
      },
    });
  }
}

/**
 * Istio matches `paths` exactly, by prefix (`/docs*`) or by suffix (`*.json`), and `*` alone;
 * any other `*` is taken literally and would never match.
 */
export const ISTIO_PATH_PATTERN = /^(\*|\/[^*\s]*\*?|\*[^*\s]+)$/;

function checkPathPattern(scope: Construct, policy: string, path: string): void {
  scope.node.addValidation({
    validate: () => ISTIO_PATH_PATTERN.test(path)
      ? []
      : [`AuthorizationPolicy ${policy}: path "${path}" is not an exact path, "prefix*" or "*suffix"; Istio supports no other wildcard, so it would never match`],
  });
}

/** Metadata of every mesh-security object (component label `mesh-security`). */
export function policyMetadata(scope: Construct, name: string) {
  return objectMetadata(scope, name, { labels: { 'app.kubernetes.io/component': 'mesh-security' } });
}
