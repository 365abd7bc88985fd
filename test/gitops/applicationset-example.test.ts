import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROLLOUT_OWNED_FIELDS, SYNC_OPTIONS } from '../../src/constructs/argocd-application';
import { ARGOCD_FOLDER, renderArgoCd } from '../../src/gitops/argocd-objects';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { PROJECT_ROOT, committed } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
const doc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs/argocd.md'), 'utf8');
const block = /<!-- applicationset-example -->\s*```yaml\n([\s\S]*?)```/.exec(doc);
const appSet = parse(block?.[1] ?? '') as any;
const { config, objects } = committed();
const rendered = (renderArgoCd(config.environments, objects.filter((r) => r.environment !== ARGOCD_FOLDER)) as any[]).filter((o) => o.kind === 'Application');

/** The template as the git directory generator would fill it for one folder (without its cluster). */
function instantiate(template: any, folder: string): any {
  return JSON.parse(JSON.stringify(template).replace(/\{\{\.path\.basename\}\}/g, folder).replace(/\{\{\.path\.path\}\}/g, `dist/${folder}`));
}

/** The templatePatch with its Go-template guard lines removed: what it adds where the cluster allows. */
function patchedPolicy(): any {
  const body = String(appSet.spec.templatePatch).split('\n').filter((l) => !l.trim().startsWith('{{')).join('\n');
  return parse(body).spec.syncPolicy;
}

test('docs/argocd.md holds the ApplicationSet example, and it validates strictly against the ApplicationSet CRD', () => {
  expect(block).not.toBeNull();
  expect(appSet.kind).toBe('ApplicationSet');
  expect(defaultSchemaRegistry().validate(appSet)).toEqual([]);
});

test('it walks dist/* but never dist/argocd', () => {
  const git = appSet.spec.generators[0].matrix.generators.find((g: any) => g.git).git;
  expect(git.directories).toEqual([{ path: 'dist/*' }, { path: `dist/${ARGOCD_FOLDER}`, exclude: true }]);
});

test('for each environment it generates the rendered Application, except the parts it takes from the cluster', () => {
  expect(rendered.map((a) => a.metadata.name).sort()).toEqual(['langgraph-dev', 'langgraph-prod', 'langgraph-staging']);
  // The automated policy is compared below where an environment has one (dev, staging), so at least one must.
  expect(rendered.filter((a) => a.spec.syncPolicy.automated).length).toBeGreaterThan(0);
  for (const app of rendered) {
    const env = app.metadata.name.replace(/^langgraph-/, '');
    const generated = instantiate(appSet.spec.template, env);
    expect(generated.metadata.name).toBe(app.metadata.name);
    expect({ ...generated.metadata, namespace: app.metadata.namespace }).toEqual(app.metadata);
    expect(appSet.metadata.namespace).toBe(app.metadata.namespace);
    // Same repository, revision, path, project, ignore rules, sync options and retry.
    expect(generated.spec.source).toEqual(app.spec.source);
    expect(generated.spec.project).toBe(app.spec.project);
    expect(generated.spec.ignoreDifferences).toEqual(app.spec.ignoreDifferences);
    const { automated, ...manualPolicy } = app.spec.syncPolicy;
    expect(generated.spec.syncPolicy).toEqual(manualPolicy);
    // The server and the automated policy come from the cluster registration.
    expect(generated.spec.destination).toEqual({ server: '{{.server}}' });
    // Manual environments (prod) have no automated policy; the patch adds the one the others render.
    if (automated) expect(patchedPolicy().automated).toEqual(automated);
    else expect(app.spec.syncPolicy).not.toHaveProperty('automated');
  }
  expect(appSet.spec.template.spec.syncPolicy.syncOptions).toEqual([...SYNC_OPTIONS]);
  expect(appSet.spec.template.spec.ignoreDifferences).toEqual(ROLLOUT_OWNED_FIELDS);
});

test('removing a folder or the ApplicationSet keeps the environment running', () => {
  expect(appSet.spec.syncPolicy.preserveResourcesOnDeletion).toBe(true);
});
