import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode } from '../../imports/istio-peerauthentication-security.istio.io';
import { ISTIO_MERGED_METRICS_PORT } from './langgraph-server';

/**
 * Inbound ports the sidecar never intercepts: istio-init runs `istio-iptables -d 15090,15021,15020`,
 * so connections to them reach pilot-agent/Envoy's admin listeners directly, in plaintext, and no
 * PeerAuthentication or AuthorizationPolicy applies to them. 15020 is the merged-metrics port that
 * Prometheus scrapes; its only guard is the NetworkPolicy (monitoring namespace → 15020).
 */
export const SIDECAR_UNCAPTURED_INBOUND_PORTS: readonly number[] = [15090, 15021, ISTIO_MERGED_METRICS_PORT];

export interface NamespaceMtlsProps {
  /** The PeerAuthentication's name (the workflow name). */
  readonly name: string;
}

/**
 * STRICT mutual TLS for every workload of the namespace. Deliberately no mode and no
 * `portLevelMtls` knob: the API port also serves `/metrics`, so a PERMISSIVE exception there would
 * open the API to plaintext; and an exception for 15020 would be dead config (see
 * {@link SIDECAR_UNCAPTURED_INBOUND_PORTS}) — Prometheus already scrapes it without mTLS.
 */
export class NamespaceMtls extends Construct {
  public readonly name: string;
  public readonly mode = PeerAuthenticationSpecMtlsMode.STRICT;

  constructor(scope: Construct, id: string, props: NamespaceMtlsProps) {
    super(scope, id);
    this.name = props.name;
    new PeerAuthentication(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'mesh-security' } }),
      // No selector: the policy covers the whole namespace.
      spec: { mtls: { mode: this.mode } },
    });
  }
}
