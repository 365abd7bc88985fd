/**
 * Identity and credentials: pods run under their own ServiceAccount (never `default`), no
 * credential is written into an env var literally, and no Secret with data is rendered into Git.
 */
import { literalCredential } from '../../constructs/validations/secrets';
import { containersOf } from '../pod-templates';
import { apiGroupOf } from '../../model/api-group';
import { Finding } from '../violation';
import { PolicyRule, describeContainer, templateFinding } from './rule';

export const serviceAccount: PolicyRule = {
  id: 'policy/service-account',
  summary: 'pods run under a dedicated ServiceAccount, not "default"',
  checkTemplate: (t) => {
    const spec = t.template.spec;
    const name = spec.serviceAccountName ?? spec.serviceAccount;
    if (typeof name === 'string' && name !== '' && name !== 'default') return [];
    return [templateFinding(t, '/spec/serviceAccountName', {
      value: name,
      message: name === 'default' ? 'the pod runs under the namespace\'s "default" ServiceAccount' : 'the pod names no ServiceAccount, so it runs under "default"',
      fix: 'render a ServiceAccount for the workload and set serviceAccountName to it',
    })];
  },
};

/**
 * `<NAME>_FILE` pointing into a Secret volume mounted in the same container is the images' file
 * convention (POSTGRES_PASSWORD_FILE, DATA_SOURCE_PASS_FILE): its value is a path, not a credential.
 */
function isSecretFilePath(name: string, value: string, container: any, template: any): boolean { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (!name.endsWith('_FILE')) return false;
  const secretVolumes = new Set((template?.spec?.volumes ?? []).filter((v: any) => v?.secret).map((v: any) => v.name)); // eslint-disable-line @typescript-eslint/no-explicit-any
  return (container?.volumeMounts ?? []).some((m: any) => secretVolumes.has(m?.name) && typeof m.mountPath === 'string' // eslint-disable-line @typescript-eslint/no-explicit-any
    && value.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
}

export const secretLiteralEnv: PolicyRule = {
  id: 'policy/secret-literal-env',
  summary: 'no env var with a credential-like name has a literal value',
  checkTemplate: (t) => containersOf(t.template).flatMap((c) => (Array.isArray(c.container.env) ? c.container.env : [])
    .map((e: any, i: number) => ({ e, i })) // eslint-disable-line @typescript-eslint/no-explicit-any
    .filter(({ e }) => typeof e?.name === 'string' && typeof e.value === 'string' && literalCredential(e.name, e.value) !== undefined
      && !isSecretFilePath(e.name, e.value, c.container, t.template))
    .map(({ e, i }) => templateFinding(t, `${c.pointer}/env/${i}/value`, {
      value: '<redacted>',
      message: `${describeContainer(c)} sets ${e.name} to a literal value; a credential would be committed to Git`,
      fix: `read it from the workflow's Secret (secret.keys.extra: { ${e.name}: <key> } in the config) via valueFrom.secretKeyRef`,
    }))),
};

export const secretData: PolicyRule = {
  id: 'policy/secret-data',
  summary: 'no Secret with data or stringData is rendered (credentials never go to Git)',
  checkObject: (r) => {
    const o = r.object as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (o.kind !== 'Secret' || apiGroupOf(o.apiVersion) !== '') return [];
    const out: Finding[] = [];
    for (const field of ['data', 'stringData'] as const) {
      const data = o[field];
      if (data && typeof data === 'object' && Object.keys(data).length) {
        out.push({
          object: r, path: `/${field}`, value: Object.keys(data).sort(),
          message: `Secret carries ${field} (keys ${Object.keys(data).sort().join(', ')}); it would be committed to Git`,
          fix: 'create the Secret out of band (or through External Secrets) and reference it by name and key',
        });
      }
    }
    return out;
  },
};
