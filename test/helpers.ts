import * as path from 'path';
import { synthesize, SynthResult } from '../src/synth/pipeline';
import { KubeObject } from '../src/model/kube-object';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const CONFIG_DIR = path.join(PROJECT_ROOT, 'config');
export const FIXTURES = path.join(__dirname, 'fixtures');

let cached: SynthResult | undefined;
/** The committed config, rendered once per test file. */
export function committed(): SynthResult {
  cached ??= synthesize(CONFIG_DIR);
  return cached;
}

export function objectsOf(env: string, workflow?: string): KubeObject[] {
  return committed().objects
    .filter((o) => o.environment === env && (workflow === undefined || o.workflow === workflow))
    .map((o) => o.object);
}

export function find(objects: readonly KubeObject[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

export function ofKind(objects: readonly KubeObject[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/** Pod templates of every workload kind, with their owner. */
export function podTemplates(objects: readonly KubeObject[]): { owner: KubeObject; template: any }[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Rollout'].includes(o.kind))
    .filter((o) => (o as any).spec?.template)
    .map((o) => ({ owner: o, template: (o as any).spec.template }));
}

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
