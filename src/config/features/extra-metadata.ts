/**
 * Extra labels and annotations (workflow level, `metadata`): on every object of the workflow, and on
 * the API and worker pods. Keys of the label contract and annotations the platform sets are refused
 * with the key named (src/constructs/extra-metadata.ts holds the one list).
 */
import { z } from 'zod';
import { MetadataKind, extraMetadataProblems } from '../../constructs/extra-metadata';
import type { SemanticIssue } from '../semantic-issue';

const entries = (what: string) => z.record(z.string(), z.string()).default({}).meta({ description: what });
const pair = (whose: string) => z
  .strictObject({
    labels: entries(`Labels of ${whose}.`),
    annotations: entries(`Annotations of ${whose}.`),
  })
  .default({ labels: {}, annotations: {} });

export const extraMetadataSchema = z
  .strictObject({
    labels: entries('Labels on every object of the workflow (and its pods), e.g. a cost centre. Keys of the label contract (`app.kubernetes.io/*`, `owner`) and other platform keys are refused. Default: none.'),
    annotations: entries('Annotations on every object of the workflow. Platform keys (Argo CD sync waves and options, waiver records and scanner skips, Istio, `prometheus.io/*`, `email`) are refused. Default: none.'),
    pods: pair('the API and worker pods (e.g. Vault agent injection, Datadog autodiscovery)').meta({ description: 'Labels and annotations of the API and worker pods only. Default: none.' }),
    workerPods: pair('the worker pods, on top of `pods` (e.g. `karpenter.sh/do-not-disrupt: "true"` so a node consolidation does not cut runs)').meta({ description: 'Labels and annotations of the queue worker pods only. Default: none.' }),
  })
  .default({ labels: {}, annotations: {}, pods: { labels: {}, annotations: {} }, workerPods: { labels: {}, annotations: {} } });
export type ExtraMetadata = z.infer<typeof extraMetadataSchema>;

/** Workflow-level rules: every reserved key, malformed key and refused label value, with its path. */
export function checkExtraMetadata(settings: { readonly metadata: ExtraMetadata }, env?: { readonly monitoring: { readonly selectorLabels: Readonly<Record<string, string>> } }): SemanticIssue[] {
  const m = settings.metadata;
  // The monitors and rules carry the Prometheus discovery labels: an extra label of the same key would be replaced there.
  const discovery = Object.keys(env?.monitoring.selectorLabels ?? {}).filter((k) => k in m.labels)
    .map((k): SemanticIssue => ({ path: ['metadata', 'labels', k], value: m.labels[k], message: `label "${k}" is the Prometheus discovery label monitoring.selectorLabels sets on the monitors and rules; remove it, or use a key of your own domain` }));
  const groups: [string[], Record<string, string>, MetadataKind][] = [
    [['labels'], m.labels, 'label'], [['annotations'], m.annotations, 'annotation'],
    [['pods', 'labels'], m.pods.labels, 'label'], [['pods', 'annotations'], m.pods.annotations, 'annotation'],
    [['workerPods', 'labels'], m.workerPods.labels, 'label'], [['workerPods', 'annotations'], m.workerPods.annotations, 'annotation'],
  ];
  return [...discovery, ...groups.flatMap(([path, values, kind]) => extraMetadataProblems(values, kind).map((p) => ({ path: ['metadata', ...path, p.key], value: p.value, message: p.message })))];
}
