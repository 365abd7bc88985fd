/**
 * The ApplicationSet per environment: what it generates, element by element (expanded with the
 * Go-template subset in applicationset-expand.ts), and the per-workflow sync policy from config.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { parse, parseDocument } from 'yaml';
import { loadConfig } from '../../src/config/load';
import { ArgoCdApplicationSet, ArgoCdApplicationSetProps, ApplicationSetElement } from '../../src/constructs/argocd-application-set';
import { ARGOCD_FOLDER, environmentsOfArgoCdObject, renderArgoCd } from '../../src/gitops/argocd-objects';
import { relativePath } from '../../src/model/rendered-object';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { CONFIG_DIR, ENVIRONMENTS, PROJECT_ROOT, committed } from '../helpers';
import { tmp } from '../synth/cli-harness';
import { expandApplicationSet, renderTemplate } from './applicationset-expand';

/* eslint-disable @typescript-eslint/no-explicit-any */
const { config, objects } = committed();
const rendered = objects.filter((r) => r.environment !== ARGOCD_FOLDER);
const fromDist = (env: string): any => parse(fs.readFileSync(path.join(PROJECT_ROOT, 'dist', ARGOCD_FOLDER, `applicationset-langgraph-${env}.yaml`), 'utf8'));
const AUTOMATED = { prune: true, selfHeal: true };

describe('the template renderer used to expand them', () => {
  const go = { goTemplate: true, missingKeyError: true };
  test('substitutes {{.field}} and evaluates {{- if }} … {{- end }} with Go\'s trimming and truth', () => {
    expect(renderTemplate('a-{{.x}}-{{ .y }}', { x: 'one', y: 2 }, go)).toBe('a-one-2');
    expect(renderTemplate('k:\n{{- if .on }}\n  v: 1\n{{- end }}\n', { on: true }, go)).toBe('k:\n  v: 1\n');
    expect(renderTemplate('k:\n{{- if .on }}\n  v: 1\n{{- end }}\n', { on: false }, go)).toBe('k:\n');
    expect(renderTemplate('{{x}}', { x: 'plain' }, { goTemplate: false, missingKeyError: false })).toBe('plain');
  });

  test('missingkey=error: a field an element lacks is an error, as in the controller', () => {
    expect(() => renderTemplate('{{.path}}', { name: 'a' }, go)).toThrow(/no entry for key "path"/);
    expect(renderTemplate('{{.path}}', { name: 'a' }, { goTemplate: true, missingKeyError: false })).toBe('<no value>');
    expect(() => renderTemplate('{{ toJson .x }}', { x: 1 }, go)).toThrow(/unsupported template action/);
  });
});

describe('dist/argocd/applicationset-langgraph-<env>.yaml', () => {
  test.each(ENVIRONMENTS)('%s: committed, current, and accepted by the strict schema gate', (env) => {
    const committedSet = fromDist(env);
    const current = (renderArgoCd(config.environments, rendered) as any[]).find((o) => o.kind === 'ApplicationSet' && o.metadata.name === `langgraph-${env}`);
    expect(committedSet).toEqual(JSON.parse(JSON.stringify(current)));
    expect(defaultSchemaRegistry().validate(committedSet)).toEqual([]);
    // A field the CRD does not know is refused (the gate is strict), so the pass above means something.
    expect(defaultSchemaRegistry().validate({ ...committedSet, spec: { ...committedSet.spec, preserveResourcesOnDeletion: true } })).not.toEqual([]);
    // --env NAME rewrites it with its environment.
    expect(environmentsOfArgoCdObject(committedSet, config.environments)).toEqual([env]);
  });

  test.each(ENVIRONMENTS)('%s: each workflow of the catalog gets exactly its own Application, with its folder, namespace and the project; shared objects one more', (env) => {
    const set = fromDist(env);
    const resolved = config.environments.find((e) => e.environment.name === env)!;
    const apps = expandApplicationSet(set);
    const shared = rendered.filter((r) => r.environment === env && r.workflow === undefined);
    const sharedApp = shared.length ? [`langgraph-${env}-shared`] : [];
    expect(apps.map((a) => a.metadata.name).sort()).toEqual([...resolved.workflows.map((w) => `langgraph-${env}-${w.name}`), ...sharedApp].sort());
    if (shared.length) {
      // One owner for the environment's shared objects: its own folder, no namespace (they are
      // cluster-scoped, or carry their own: the gateway-api entry's Gateway in the ingress namespace).
      const app = apps.find((a) => a.metadata.name === `langgraph-${env}-shared`);
      expect(app.spec.source.path).toBe(`dist/${env}/_shared`);
      expect(app.spec.destination).toEqual({ server: resolved.environment.cluster.server, namespace: '' });
      expect(shared.every((r) => r.object.metadata.namespace === undefined || r.object.metadata.namespace === resolved.environment.namespaces.ingress)).toBe(true);
      expect(defaultSchemaRegistry().validate(app)).toEqual([]);
    }
    for (const wf of resolved.workflows) {
      const app = apps.find((a) => a.metadata.name === `langgraph-${env}-${wf.name}`);
      expect(app.metadata.namespace).toBe(resolved.environment.namespaces.argocd);
      expect(app.metadata.labels).toMatchObject({ 'langgraph.platform/environment': env, 'langgraph.platform/workflow': wf.name });
      expect(app.spec.project).toBe(`langgraph-${env}`);
      expect(app.spec.destination).toEqual({ server: resolved.environment.cluster.server, namespace: wf.namespace });
      expect(app.spec.source.path).toBe(`dist/${env}/${wf.name}`);
      // The folder holds exactly the workflow's objects: the files synth wrote for it, and no other.
      const own = rendered.filter((r) => r.environment === env && r.workflow === wf.name).map((r) => relativePath(r));
      expect(own.length).toBeGreaterThan(0);
      expect(rendered.filter((r) => `dist/${path.dirname(relativePath(r))}` === app.spec.source.path).map((r) => relativePath(r)).sort()).toEqual(own.sort());
      expect(defaultSchemaRegistry().validate(app)).toEqual([]);
    }
    // No object of the environment is left outside every Application's folder.
    const folders = new Set(apps.map((a) => a.spec.source.path));
    expect(rendered.filter((r) => r.environment === env && !folders.has(`dist/${path.dirname(relativePath(r))}`))).toEqual([]);
  });

  test('committed config: every prod Application is manual, every dev and staging one automated with prune and self-heal', () => {
    for (const env of ENVIRONMENTS) {
      const apps = expandApplicationSet(fromDist(env));
      expect(apps.length).toBeGreaterThan(1);
      for (const a of apps) {
        if (env === 'prod') expect(a.spec.syncPolicy).not.toHaveProperty('automated');
        else expect(a.spec.syncPolicy.automated).toEqual(AUTOMATED);
        // The patch adds to the template's policy, never replaces it.
        expect(a.spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'RespectIgnoreDifferences=true', 'CreateNamespace=false', 'PruneLast=true']);
        expect(a.spec.syncPolicy.retry.limit).toBe(5);
        expect(a.spec.ignoreDifferences.map((d: any) => d.kind)).toEqual(['VirtualService', 'Service']);
      }
    }
  });

  test('for a manual element the patch renders to nothing: not even an empty `spec:` (which would clear the spec, argoproj/argo-cd#17040)', () => {
    const set = fromDist('prod');
    const element = set.spec.generators[0].list.elements[0];
    expect(element.automatedSync).toBe(false);
    expect(renderTemplate(set.spec.templatePatch, element, { goTemplate: true, missingKeyError: true }).trim()).toBe('');
  });
});

describe('a workflow overrides its environment\'s sync policy', () => {
  /** The committed config with support-agent automated in prod and doc-summarizer manual everywhere. */
  function overridden(): string {
    const dir = path.join(tmp('appset-cfg-'), 'config');
    fs.cpSync(CONFIG_DIR, dir, { recursive: true });
    const file = path.join(dir, 'workflows.yaml');
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    const index = (name: string) => (doc.toJS().workflows as any[]).findIndex((w) => w.name === name);
    doc.setIn(['workflows', index('support-agent'), 'environments', 'prod', 'gitops'], doc.createNode({ automatedSync: true }));
    doc.setIn(['workflows', index('doc-summarizer'), 'overrides', 'gitops'], doc.createNode({ automatedSync: false }));
    fs.writeFileSync(file, doc.toString());
    return dir;
  }

  test('through the config layers: only the overridden Applications change', () => {
    const loaded = loadConfig(overridden());
    const sets = (renderArgoCd(loaded.environments, rendered) as any[]).filter((o) => o.kind === 'ApplicationSet');
    const policy = Object.fromEntries(sets.flatMap(expandApplicationSet).map((a) => [a.metadata.name, a.spec.syncPolicy.automated ?? 'manual']));
    expect(policy).toEqual({
      'langgraph-dev-doc-summarizer': 'manual',
      'langgraph-dev-research-assistant': AUTOMATED,
      'langgraph-dev-support-agent': AUTOMATED,
      'langgraph-staging-doc-summarizer': 'manual',
      'langgraph-staging-research-assistant': AUTOMATED,
      'langgraph-staging-support-agent': AUTOMATED,
      'langgraph-prod-doc-summarizer': 'manual',
      'langgraph-prod-research-assistant': 'manual',
      'langgraph-prod-support-agent': AUTOMATED,
      // The shared objects' Applications follow their environment (dev: automated, prod: manual).
      'langgraph-dev-shared': AUTOMATED,
      'langgraph-prod-shared': 'manual',
    });
    for (const s of sets) expect(defaultSchemaRegistry().validate(s)).toEqual([]);
  });

  test('a misspelt key is refused with its path', () => {
    const dir = overridden();
    const file = path.join(dir, 'workflows.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('automatedSync: true', 'autoSync: true'));
    expect(() => loadConfig(dir)).toThrow(/gitops/);
  });
});

describe('ArgoCdApplicationSet refuses', () => {
  const element: ApplicationSetElement = { name: 'langgraph-dev-a', workflow: 'a', namespace: 'a', path: 'dist/dev/a', automatedSync: true };
  const props: ArgoCdApplicationSetProps = {
    name: 'langgraph-dev', namespace: 'argocd', labels: {}, environment: 'dev', project: 'langgraph-dev',
    repoUrl: 'https://git.example.com/x.git', targetRevision: 'main', server: 'https://dev.example.com', elements: [element],
  };
  const build = (p: Partial<ArgoCdApplicationSetProps>) => new ArgoCdApplicationSet(new Chart(new App(), 'c'), 'set', { ...props, ...p });

  test('accepts the plain case', () => {
    expect(() => build({})).not.toThrow();
  });
  test('no elements', () => {
    expect(() => build({ elements: [] })).toThrow(/ApplicationSet langgraph-dev: no elements/);
  });
  test('two elements generating one Application', () => {
    expect(() => build({ elements: [element, { ...element, workflow: 'b' }] })).toThrow(/two elements generate the Application "langgraph-dev-a"/);
  });
  test('template code in a value', () => {
    expect(() => build({ elements: [{ ...element, path: 'dist/{{.x}}' }] })).toThrow(/"dist\/\{\{\.x\}\}" contains "\{" or "\}"/);
  });
  test('an invalid Application name', () => {
    expect(() => build({ elements: [{ ...element, name: 'Langgraph_dev' }] })).toThrow(/"Langgraph_dev" is not a valid Application name/);
  });
});
