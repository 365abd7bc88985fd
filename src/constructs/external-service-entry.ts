import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { ServiceEntry, ServiceEntrySpecLocation, ServiceEntrySpecResolution } from '../../imports/istio-serviceentry-networking.istio.io';

export type ExternalPortProtocol = 'HTTP' | 'TLS' | 'TCP';

export interface ExternalPort {
  readonly number: number;
  /** Unique within the entry; Istio reads the protocol from `protocol`, the name is for humans. */
  readonly name: string;
  readonly protocol: ExternalPortProtocol;
  /** Port the sidecar connects to upstream (TLS origination: 80 → 443). @default number */
  readonly targetPort?: number;
}

export interface ExternalServiceEntryProps {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly ports: readonly ExternalPort[];
  /**
   * IPs or CIDRs of the service. Given CIDRs, the entry uses resolution NONE (Istio allows CIDRs
   * only with NONE/STATIC); otherwise the sidecar resolves the hosts by DNS.
   * @default []
   */
  readonly addresses?: readonly string[];
  /** @default 'app.kubernetes.io/component: egress' */
  readonly component?: string;
}

/**
 * A MESH_EXTERNAL ServiceEntry visible only in its own namespace (`exportTo: ['.']`), so each
 * workflow keeps its own allow-list and policies and two workflows never collide on a host.
 */
export class ExternalServiceEntry extends Construct {
  public readonly name: string;
  public readonly hosts: readonly string[];
  public readonly resolution: ServiceEntrySpecResolution;

  constructor(scope: Construct, id: string, props: ExternalServiceEntryProps) {
    super(scope, id);
    this.name = props.name;
    this.hosts = [...props.hosts];
    if (props.hosts.length === 0) throw new Error(`ServiceEntry ${props.name}: no hosts; list the external hostnames`);
    if (props.ports.length === 0) throw new Error(`ServiceEntry ${props.name}: no ports; list the ports the workload connects to`);
    const numbers = props.ports.map((p) => p.number);
    const duplicate = numbers.find((n, i) => numbers.indexOf(n) !== i);
    if (duplicate !== undefined) throw new Error(`ServiceEntry ${props.name}: port ${duplicate} is listed twice; each port number once`);
    for (const h of props.hosts) if (h.includes('*')) throw new Error(`ServiceEntry ${props.name}: wildcard host "${h}" cannot be resolved by DNS; list each hostname`);
    const addresses = [...(props.addresses ?? [])];
    this.resolution = addresses.some((a) => a.includes('/')) ? ServiceEntrySpecResolution.NONE : ServiceEntrySpecResolution.DNS;
    new ServiceEntry(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': props.component ?? 'egress' } }),
      spec: {
        hosts: [...props.hosts],
        ...(addresses.length ? { addresses } : {}),
        ports: props.ports.map((p) => ({
          number: p.number,
          name: p.name,
          protocol: p.protocol,
          ...(p.targetPort !== undefined && p.targetPort !== p.number ? { targetPort: p.targetPort } : {}),
        })),
        location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
        resolution: this.resolution,
        exportTo: ['.'],
      },
    });
  }
}
