/**
 * The API Service (workflow level, `service`): its type and annotations. ClusterIP by default:
 * traffic enters through the gateway or Ingress. NodePort or LoadBalancer (e.g. an internal cloud
 * load balancer, configured by annotations) where a client cannot come through the entry; in a
 * mesh environment the gate refuses a LoadBalancer unless waived (policy/mesh-load-balancer).
 */
import { z } from 'zod';
import { extraMetadataProblems } from '../../constructs/extra-metadata';
import { DEFAULT_SERVICE_TYPE, SERVICE_TYPES } from '../../constructs/api-service';
import type { SemanticIssue } from '../semantic-issue';

export const apiServiceSchema = z
  .strictObject({
    type: z.enum(SERVICE_TYPES).default(DEFAULT_SERVICE_TYPE).meta({ description: '`ClusterIP` (traffic enters through the gateway or Ingress), `NodePort` or `LoadBalancer`. In a mesh environment a LoadBalancer bypasses the gateway and its authentication: the gate refuses it (policy/mesh-load-balancer) unless waived with a reason. The NetworkPolicies still admit only the entry namespace and the `meshCallers`\' namespaces.' }),
    annotations: z.record(z.string(), z.string()).default({}).meta({ description: 'Annotations of the API Service, e.g. a cloud load balancer\'s (`service.beta.kubernetes.io/aws-load-balancer-scheme: internal`). Platform keys are refused. Default: none.' }),
  })
  .default({ type: DEFAULT_SERVICE_TYPE, annotations: {} });
export type ApiServiceConfig = z.infer<typeof apiServiceSchema>;

export function checkApiService(settings: { readonly service: ApiServiceConfig }): SemanticIssue[] {
  return extraMetadataProblems(settings.service.annotations, 'annotation').map((p) => ({ path: ['service', 'annotations', p.key], value: p.value, message: p.message }));
}
