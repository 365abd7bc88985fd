/**
 * KEDA in the cluster (environment level, mount as `keda` in environmentSchema). When enabled,
 * queue workers scale on pending runs through a `ScaledObject` instead of a cpu HPA; KEDA then
 * creates and owns the HPA itself.
 */
import { z } from 'zod';

const dnsLabel = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label');

export const KEDA_DEFAULTS = {
  enabled: false,
  namespace: 'keda',
  operatorSelector: { 'app.kubernetes.io/name': 'keda-operator' },
};

export const kedaSchema = z
  .strictObject({
    enabled: z.boolean().default(false).meta({ description: 'KEDA is installed in the cluster: queue workers scale on pending runs with a ScaledObject.' }),
    namespace: dnsLabel.default(KEDA_DEFAULTS.namespace).meta({ description: 'Namespace of the KEDA operator (its postgresql scaler connects to the database from there).' }),
    operatorSelector: z.record(z.string(), z.string()).default(KEDA_DEFAULTS.operatorSelector).meta({ description: 'Labels of the KEDA operator pods (the KEDA Helm chart\'s by default).' }),
  })
  .default(KEDA_DEFAULTS);
export type Keda = z.infer<typeof kedaSchema>;
