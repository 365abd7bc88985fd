import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { API_PORT_NAME } from './langgraph-server';
import { ApiService } from './api-service';

export interface ApiIngressProps {
  readonly name: string;
  readonly hostname: string;
  readonly service: ApiService;
  readonly ingressClassName: string;
  readonly tlsSecretName: string;
  /** Requests per second per client IP (ingress-nginx `limit-rps`). */
  readonly rateLimitRps: number;
}

/** A Kubernetes Ingress, for environments without the mesh (an ingress controller outside the mesh would bypass canary weights and STRICT mTLS). */
export class ApiIngress extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ApiIngressProps) {
    super(scope, id);
    this.name = props.name;
    new k8s.KubeIngress(this, 'Resource', {
      metadata: objectMetadata(this, props.name, {
        labels: { 'app.kubernetes.io/component': 'entry' },
        annotations: {
          'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
          'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
          'nginx.ingress.kubernetes.io/limit-rps': String(props.rateLimitRps),
        },
      }),
      spec: {
        ingressClassName: props.ingressClassName,
        tls: [{ hosts: [props.hostname], secretName: props.tlsSecretName }],
        rules: [{
          host: props.hostname,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: props.service.name, port: { name: API_PORT_NAME } } } }] },
        }],
      },
    });
  }
}
