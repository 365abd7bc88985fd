/**
 * In production-tier environments every Secret a pod references (env, envFrom, volumes and
 * imagePullSecrets) has a source the first sync can
 * rely on: an ExternalSecret in the same namespace that materializes it (with every key the pod
 * reads), or an entry of the environment's `existingSecrets` naming who creates it. A Secret that
 * someone must create by hand leaves the pods in CreateContainerConfigError on the first sync.
 * Development-tier environments are exempt (their Secrets are made by hand, docs/runbooks.md).
 */
import { EnvironmentIndex, NamespaceIndex } from '../object-index';
import { PodTemplateRef, containersOf, templateLabels } from '../pod-templates';
import { apiGroupOf } from '../../model/api-group';
import { Finding } from '../violation';
import { CrossObjectCheck, specOf } from './check';

interface SecretUse {
  readonly name: string;
  /** The data key read, for a secretKeyRef; undefined for envFrom and volumes (the whole Secret). */
  readonly key?: string;
  readonly path: string;
  /** An imagePullSecrets entry (the workflow's ExternalSecret never writes one). */
  readonly pull?: boolean;
}

function secretUses(t: PodTemplateRef): SecretUse[] {
  const uses: SecretUse[] = [];
  for (const c of containersOf(t.template)) {
    (Array.isArray(c.container.env) ? c.container.env : []).forEach((e: any, i: number) => {
      const ref = e?.valueFrom?.secretKeyRef;
      if (ref?.name && ref.optional !== true) uses.push({ name: ref.name, key: ref.key, path: `${t.pointer}${c.pointer}/env/${i}/valueFrom/secretKeyRef` });
    });
    (Array.isArray(c.container.envFrom) ? c.container.envFrom : []).forEach((e: any, i: number) => {
      if (e?.secretRef?.name && e.secretRef.optional !== true) uses.push({ name: e.secretRef.name, path: `${t.pointer}${c.pointer}/envFrom/${i}/secretRef` });
    });
  }
  (Array.isArray(t.template.spec.volumes) ? t.template.spec.volumes : []).forEach((v: any, i: number) => {
    if (v?.secret?.secretName && v.secret.optional !== true) uses.push({ name: v.secret.secretName, path: `${t.pointer}/spec/volumes/${i}/secret` });
  });
  // A pull Secret missing at the first sync leaves the pods in ImagePullBackOff (or pulling with
  // the node's credentials), just as a missing env Secret leaves them unstarted.
  (Array.isArray(t.template.spec.imagePullSecrets) ? t.template.spec.imagePullSecrets : []).forEach((p: any, i: number) => {
    if (p?.name) uses.push({ name: p.name, path: `${t.pointer}/spec/imagePullSecrets/${i}`, pull: true });
  });
  return uses;
}

/** Secret name → the data keys its ExternalSecret writes (undefined: dataFrom, any key). */
function externalSecretTargets(ns: NamespaceIndex): Map<string, Set<string> | undefined> {
  const targets = new Map<string, Set<string> | undefined>();
  for (const r of ns.ofKind('ExternalSecret')) {
    if (apiGroupOf(r.object.apiVersion) !== 'external-secrets.io') continue;
    const spec = specOf(r.object);
    const name = spec.target?.name ?? r.object.metadata?.name;
    if (!name) continue;
    const keys = Array.isArray(spec.dataFrom) && spec.dataFrom.length
      ? undefined
      : new Set<string>((Array.isArray(spec.data) ? spec.data : []).map((d: any) => d?.secretKey).filter((k: unknown): k is string => typeof k === 'string'));
    targets.set(name, keys);
  }
  return targets;
}

export const secretSources: CrossObjectCheck = {
  id: 'cross-object/secret-source',
  summary: 'in production-tier environments every referenced Secret comes from an ExternalSecret (with the keys read) or is declared in existingSecrets',
  check: (index: EnvironmentIndex) => {
    const env = index.environment;
    if (env?.tier === 'development') return [];
    const declared = env?.existingSecrets ?? [];
    return index.allNamespaces().flatMap((ns) => {
      const targets = externalSecretTargets(ns);
      return ns.templates.flatMap((t) => {
        const workflow = templateLabels(t)['app.kubernetes.io/instance'] ?? ns.namespace;
        const isDeclared = (name: string) => declared.some((d) => d.name.replace(/<workflow>/g, workflow) === name);
        const reported = new Set<string>();
        return secretUses(t).flatMap((use): Finding[] => {
          if (isDeclared(use.name)) return [];
          if (targets.has(use.name)) {
            const keys = targets.get(use.name);
            if (!use.key || !keys || keys.has(use.key)) return [];
            return [{
              object: t.owner, path: use.path, value: use.key,
              message: `the pod reads key "${use.key}" of Secret ${use.name}, which its ExternalSecret does not write (it writes ${[...keys].sort().join(', ') || 'no keys'}): the container cannot start`,
              fix: `add "${use.key}" to the ExternalSecret's data (its key must be one of the workflow's secret.keys), or stop reading it`,
            }];
          }
          if (reported.has(use.name)) return [];
          reported.add(use.name);
          return [{
            object: t.owner, path: use.path, value: use.name,
            message: `Secret ${use.name} has no source in "${index.name}": no ExternalSecret in namespace ${ns.namespace} materializes it and existingSecrets does not declare it, so the first sync waits for someone to create it by hand`,
            fix: use.pull
              ? `declare the pull Secret in the environment's existingSecrets with who manages it (e.g. the registry team's ExternalSecret of type kubernetes.io/dockerconfigjson), or drop it from images.pullSecrets`
              : `enable externalSecret for the workflow (with its store), or declare the Secret in the environment's existingSecrets with who manages it`,
          }];
        });
      });
    });
  },
};
