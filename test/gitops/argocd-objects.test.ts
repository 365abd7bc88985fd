import * as fs from 'fs';
import * as path from 'path';
import { ResolvedEnvironment } from '../../src/config/resolved';
import { GitOps } from '../../src/config/features/gitops';
import { ARGOCD_FOLDER, argoCdRenderedObjects, renderArgoCd } from '../../src/gitops/argocd-objects';
import { gitopsOf } from '../../src/gitops/settings';
import { KubeObject } from '../../src/model/kube-object';
import { RenderedObject, relativePath } from '../../src/model/rendered-object';
import { expandApplicationSet } from './applicationset-expand';
import { toFiles } from '../../src/synth/pipeline';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { ENVIRONMENTS, PROJECT_ROOT, committed } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
const environments = committed().config.environments;
/** The environments' objects (whether or not the pipeline already adds Argo CD's own). */
const rendered = committed().objects.filter((r) => r.environment !== ARGOCD_FOLDER);
const argocd = renderArgoCd(environments, rendered) as any[];

const applicationSets = argocd.filter((o) => o.kind === 'ApplicationSet');
/** What the ApplicationSets generate (see applicationset-expand.ts). */
const applications = applicationSets.flatMap(expandApplicationSet);
const projects = argocd.filter((o) => o.kind === 'AppProject');
const envConfig = (name: string) => environments.find((e) => e.environment.name === name)!;
const applicationSetOf = (env: string) => applicationSets.find((a) => a.metadata.name === `langgraph-${env}`);
/** Whether the environment renders objects of no workflow (dist/<env>/_shared: the PriorityClass its pods name). */
const hasShared = (env: string) => rendered.some((r) => r.environment === env && r.workflow === undefined);
/** The environment's generated Applications: one per workflow, plus one for its shared objects when it has any. */
const applicationsOf = (env: string): any[] => {
  const apps = expandApplicationSet(applicationSetOf(env));
  expect(apps.length).toBe(envConfig(env).workflows.length + (hasShared(env) ? 1 : 0));
  return apps;
};
const sharedApplicationName = (env: string) => `langgraph-${env}-shared`;
const applicationOf = (env: string, workflow: string) => applicationsOf(env).find((a) => a.metadata.name === `langgraph-${env}-${workflow}`);
const projectOf = (app: any) => projects.find((p) => p.metadata.name === app.spec.project);
const objectsOfEnv = (env: string): KubeObject[] => rendered.filter((r) => r.environment === env).map((r) => r.object);
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
/** Environments whose API runs as an Argo Rollout (canary); dev runs a plain Deployment. */
const ROLLOUT_ENVIRONMENTS: readonly string[] = ['staging', 'prod'];
const rolloutsOf = (env: string): any[] => {
  const rollouts = objectsOfEnv(env).filter((o) => o.kind === 'Rollout');
  // The loops below must have something to check where Rollouts are expected, and none elsewhere.
  expect(rollouts.length > 0).toBe(ROLLOUT_ENVIRONMENTS.includes(env));
  return rollouts;
};

/** The committed environments with their `gitops` block replaced (as if set in config). */
function withGitOps(change: (env: ResolvedEnvironment, current: GitOps) => Partial<GitOps>): ResolvedEnvironment[] {
  return environments.map((e) => ({
    ...e,
    environment: { ...e.environment, gitops: { ...gitopsOf(e.environment), ...change(e, gitopsOf(e.environment)) } } as typeof e.environment,
  }));
}

/** Evaluates the `.a.b[].c` subset of jq paths: every value the path reaches. */
function jqPathValues(root: unknown, expression: string): unknown[] {
  let current: unknown[] = [root];
  for (const step of expression.split('.').slice(1)) {
    const field = step.replace(/\[\]$/, '');
    current = current.flatMap((v) => (v && typeof v === 'object' && field in (v as object) ? [(v as any)[field]] : []));
    if (step.endsWith('[]')) current = current.flatMap((v) => (Array.isArray(v) ? v : []));
  }
  return current;
}

test('renders one AppProject and one ApplicationSet per committed environment, nothing else', () => {
  expect(applicationSets.map((a) => a.metadata.name).sort()).toEqual(ENVIRONMENTS.map((e) => `langgraph-${e}`).sort());
  expect(projects.map((p) => p.metadata.name).sort()).toEqual(ENVIRONMENTS.map((e) => `langgraph-${e}`).sort());
  expect(argocd).toHaveLength(applicationSets.length + projects.length);
});

test('every Argo CD object validates strictly against its CRD, and so does every Application the ApplicationSets generate', () => {
  expect(argocd.length).toBeGreaterThan(0);
  for (const o of argocd) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
  expect(applications.length).toBeGreaterThan(ENVIRONMENTS.length);
  for (const a of applications) expect(defaultSchemaRegistry().validate(a)).toEqual([]);
});

test('all of them live in the central Argo CD namespace and are written to dist/argocd/, outside every environment folder', () => {
  const placed = argoCdRenderedObjects(environments, rendered);
  const paths = toFiles(placed).map((f) => f.path);
  expect(paths).toContain('argocd/applicationset-langgraph-prod.yaml');
  expect(paths).toContain('argocd/appproject-langgraph-prod.yaml');
  for (const p of paths) {
    expect(p).toMatch(/^argocd\/[a-z]+-[a-z0-9-]+\.yaml$/);
    for (const env of ENVIRONMENTS) expect(p.startsWith(`${env}/`)).toBe(false);
  }
  for (const o of argocd) expect(o.metadata.namespace).toBe(envConfig('prod').environment.namespaces.argocd);
  // The environments' own files and Argo CD's never collide.
  expect(() => toFiles([...rendered, ...placed])).not.toThrow();
});

describe.each(ENVIRONMENTS)('%s', (env) => {
  const apps = applicationsOf(env);
  // Every per-environment check below holds for each of the environment's Applications.
  const app = apps[0];
  const e = envConfig(env).environment;
  const g = gitopsOf(e);

  test('each Application syncs dist/<env>/<workflow> of the configured repository and revision; together they cover exactly this environment\'s files', () => {
    const covered = new Set<string>();
    for (const a of apps) {
      expect(a.spec.source.repoURL).toBe(g.repoUrl);
      expect(a.spec.source.targetRevision).toBe(g.targetRevision);
      expect(a.spec.source.path).toMatch(new RegExp(`^dist/${env}/(_shared|[a-z0-9-]+)$`));
      expect(a.spec.source.directory).toEqual({ recurse: true });
      expect(fs.statSync(path.join(PROJECT_ROOT, a.spec.source.path)).isDirectory()).toBe(true);
      covered.add(`${a.spec.source.path}/`);
    }
    expect(covered.size).toBe(apps.length);
    // Every file of the environment lies in exactly one Application's folder; no other environment's in any.
    const envFiles = toFiles(rendered.filter((r) => r.environment === env)).map((f) => `dist/${f.path}`);
    expect(envFiles.length).toBeGreaterThan(0);
    for (const f of envFiles) expect([f, [...covered].filter((p) => f.startsWith(p)).length]).toEqual([f, 1]);
    const otherFiles = toFiles(rendered.filter((r) => r.environment !== env)).map((f) => `dist/${f.path}`);
    for (const f of otherFiles) expect([...covered].some((p) => f.startsWith(p))).toBe(false);
  });

  test('each Application targets the environment\'s own cluster and its workflow\'s namespace (objects elsewhere carry theirs)', () => {
    for (const a of apps) {
      if (a.metadata.name === sharedApplicationName(env)) {
        // The shared objects are cluster-scoped: no destination namespace.
        expect(a.spec.destination).toEqual({ server: e.cluster.server, namespace: '' });
        expect(a.spec.source.path).toBe(`dist/${env}/_shared`);
        continue;
      }
      const wf = envConfig(env).workflows.find((w) => `langgraph-${env}-${w.name}` === a.metadata.name)!;
      expect(a.spec.destination).toEqual({ server: e.cluster.server, namespace: wf.namespace });
    }
    const namespaced = objectsOfEnv(env).filter((o) => o.kind !== 'Namespace' && o.kind !== 'PriorityClass');
    expect(namespaced.length).toBeGreaterThan(0);
    for (const o of namespaced) expect(o.metadata.namespace).toBeTruthy();
  });

  test('sync policy follows the config: automated with prune and self-heal, or manual', () => {
    for (const a of apps) {
      if (g.automatedSync) expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      else expect(a.spec.syncPolicy.automated).toBeUndefined();
      expect(a.spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'RespectIgnoreDifferences=true', 'CreateNamespace=false', 'PruneLast=true']);
      // The ignore rules checked below on the first Application are every Application's.
      expect(a.spec.ignoreDifferences).toEqual(app.spec.ignoreDifferences);
    }
  });

  test('deleting an Application or the ApplicationSet never cascades: no resources finalizer anywhere, preserveResourcesOnDeletion set', () => {
    const set = applicationSetOf(env);
    expect(set.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(set.metadata.finalizers).toBeUndefined();
    expect(set.spec.template.metadata.finalizers).toBeUndefined();
    for (const a of apps) expect(a.metadata.finalizers).toBeUndefined();
    expect(projectOf(app).metadata.finalizers).toBeUndefined();
  });

  test('the project allows only the configured repository, with no pattern anywhere', () => {
    const project = projectOf(app);
    expect(project.spec.sourceRepos).toEqual([g.repoUrl]);
    expect(JSON.stringify(project.spec)).not.toMatch(/[*?!]/);
  });

  test('the project\'s destinations are the environment\'s cluster with exactly its workflow namespaces and the monitoring namespace', () => {
    const project = projectOf(app);
    const destinations: { server: string; namespace: string }[] = project.spec.destinations;
    for (const d of destinations) expect(d.server).toBe(e.cluster.server);
    // With the gateway-api entry, the shared Gateway and its redirect route live in the ingress namespace.
    const expected = new Set([...envConfig(env).workflows.map((w) => w.namespace), e.namespaces.monitoring, ...(e.entry.type === 'gateway-api' ? [e.namespaces.ingress] : [])]);
    const renderedNamespaces = new Set(objectsOfEnv(env).map((o) => o.metadata.namespace).filter((ns): ns is string => !!ns));
    expect(renderedNamespaces).toEqual(expected);
    const named = destinations.filter((d) => d.namespace !== '').map((d) => d.namespace);
    expect(new Set(named)).toEqual(expected);
    expect(named).toHaveLength(expected.size);
    // No catch-all entry: every workflow's Application names its namespace, which is listed; the
    // '' entry exists exactly for the Application of the shared (cluster-scoped) objects.
    expect(destinations.filter((d) => d.namespace === '')).toHaveLength(hasShared(env) ? 1 : 0);
    for (const a of apps) expect(a.spec.destination.namespace === '' ? '' : named).toContain(a.spec.destination.namespace);
  });

  test('the project\'s kind allow-lists equal the kinds rendered under dist/<env>: Namespace cluster-wide, PriorityClass where rendered', () => {
    const project = projectOf(app);
    const objects = objectsOfEnv(env);
    const key = (gk: { group: string; kind: string }) => `${gk.kind}.${gk.group}`;
    const namespacedKinds = new Set(objects.filter((o) => o.metadata.namespace).map((o) => key({ group: groupOf(o.apiVersion), kind: o.kind })));
    expect(new Set(project.spec.namespaceResourceWhitelist.map(key))).toEqual(namespacedKinds);
    expect(project.spec.namespaceResourceWhitelist).toHaveLength(namespacedKinds.size);
    const priorityClass = { group: 'scheduling.k8s.io', kind: 'PriorityClass' };
    const hasPriorityClass = objects.some((o) => o.kind === 'PriorityClass');
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }, ...(hasPriorityClass ? [priorityClass] : [])]);
    expect(objects.filter((o) => !o.metadata.namespace).every((o) => o.kind === 'Namespace' || o.kind === 'PriorityClass')).toBe(true);
  });

  test('the VirtualService weights Argo Rollouts rewrites are ignored, and the ignore path reaches them', () => {
    const ignore = app.spec.ignoreDifferences.find((d: any) => d.kind === 'VirtualService');
    expect(ignore).toMatchObject({ group: 'networking.istio.io', kind: 'VirtualService' });
    const objects = objectsOfEnv(env) as any[];
    for (const rollout of rolloutsOf(env)) {
      const vs = rollout.spec.strategy.canary.trafficRouting.istio.virtualService;
      const routed = objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === vs.name && o.metadata.namespace === rollout.metadata.namespace);
      const weights = ignore.jqPathExpressions.flatMap((x: string) => jqPathValues(routed, x));
      // Both destinations of the canary route: stable and canary.
      expect(weights.length).toBeGreaterThanOrEqual(2);
      for (const w of weights) expect(typeof w).toBe('number');
    }
  });

  test('the selector key Argo Rollouts adds to the canary and stable Services is ignored (the selector is an atomic map)', () => {
    const rule = app.spec.ignoreDifferences.find((d: any) => d.kind === 'Service');
    expect(rule).toEqual({ group: '', kind: 'Service', jsonPointers: ['/spec/selector/rollouts-pod-template-hash'] });
    const objects = objectsOfEnv(env) as any[];
    for (const r of rolloutsOf(env)) {
      for (const name of [r.spec.strategy.canary.canaryService, r.spec.strategy.canary.stableService]) {
        const svc = objects.find((o) => o.kind === 'Service' && o.metadata.namespace === r.metadata.namespace && o.metadata.name === name);
        // The pointer's parent exists, and Git never commits a hash of its own.
        expect(typeof svc.spec.selector).toBe('object');
        expect(svc.spec.selector['rollouts-pod-template-hash']).toBeUndefined();
      }
    }
  });

  test('no replicas ignore is needed: Rollout-run Deployments render replicas 0, autoscaled workloads render none', () => {
    expect(app.spec.ignoreDifferences.some((d: any) => (d.jsonPointers ?? []).includes('/spec/replicas'))).toBe(false);
    const objects = objectsOfEnv(env) as any[];
    // HPAs, and KEDA ScaledObjects (KEDA scales through an HPA of its own; the target kind defaults to Deployment).
    const scaledTargets = [
      ...objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((h) => `${h.spec.scaleTargetRef.kind}/${h.metadata.namespace}/${h.spec.scaleTargetRef.name}`),
      ...objects.filter((o) => o.kind === 'ScaledObject').map((s) => `${s.spec.scaleTargetRef.kind ?? 'Deployment'}/${s.metadata.namespace}/${s.spec.scaleTargetRef.name}`),
    ];
    const workloadRefs = objects
      .filter((o) => o.kind === 'Rollout' && o.spec.workloadRef)
      .map((r) => `${r.spec.workloadRef.kind}/${r.metadata.namespace}/${r.spec.workloadRef.name}`);
    const workloads = objects.filter((o) => ['Deployment', 'Rollout', 'StatefulSet', 'ReplicaSet'].includes(o.kind));
    const byId = new Map(workloads.map((w) => [`${w.kind}/${w.metadata.namespace}/${w.metadata.name}`, w]));
    expect(scaledTargets.length).toBeGreaterThan(0);
    expect(workloadRefs.length).toBe(rolloutsOf(env).length);
    // Every reference resolves to a rendered workload, so each check below runs for each of them.
    expect([...scaledTargets, ...workloadRefs].filter((id) => !byId.has(id))).toEqual([]);
    // Rollouts leave the replicas of a `workloadRef` Deployment alone only with scaleDown: never.
    for (const id of workloadRefs) expect(byId.get(id).spec.replicas).toBe(0);
    // An autoscaler writes replicas: a rendered value would be claimed by Argo CD and fought over.
    for (const id of scaledTargets) expect(byId.get(id).spec.replicas).toBeUndefined();
    // Anything else: only Git sets its replicas, so Argo CD must not ignore them.
    for (const r of rolloutsOf(env)) expect(r.spec.workloadRef.scaleDown).toBe('never');
  });

  test('the weight ignore hides nothing else: only VirtualServices a Rollout routes through carry weights', () => {
    const ignore = app.spec.ignoreDifferences.find((d: any) => d.kind === 'VirtualService');
    const objects = objectsOfEnv(env) as any[];
    const routed = new Set(rolloutsOf(env)
      .map((r) => `${r.metadata.namespace}/${r.spec.strategy.canary.trafficRouting.istio.virtualService.name}`));
    const others = objects.filter((o) => o.kind === 'VirtualService' && !routed.has(`${o.metadata.namespace}/${o.metadata.name}`));
    // With the mesh there are VirtualServices no Rollout routes through (egress); dev renders none at all.
    expect(others.length > 0).toBe(envConfig(env).environment.mesh.enabled);
    expect(objects.some((o) => o.kind === 'VirtualService')).toBe(envConfig(env).environment.mesh.enabled);
    for (const vs of others) {
      expect(ignore.jqPathExpressions.flatMap((x: string) => jqPathValues(vs, x))).toEqual([]);
    }
  });
});

test('committed config: automated sync in dev and staging, manual in prod', () => {
  expect(gitopsOf(envConfig('dev').environment).automatedSync).toBe(true);
  expect(gitopsOf(envConfig('staging').environment).automatedSync).toBe(true);
  expect(gitopsOf(envConfig('prod').environment).automatedSync).toBe(false);
  expect(applicationOf('prod', 'support-agent').spec.syncPolicy.automated).toBeUndefined();
  expect(applicationOf('dev', 'support-agent').spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
});

describe('switches', () => {
  const appsOf = (envs: ResolvedEnvironment[]) => (renderArgoCd(envs, rendered) as any[]).filter((o) => o.kind === 'ApplicationSet').flatMap(expandApplicationSet);
  /** One Application per workflow, plus one per environment with shared objects. */
  const workflowCount = environments.reduce((n, e) => n + e.workflows.length + (hasShared(e.environment.name) ? 1 : 0), 0);

  test('the environment\'s automatedSync sets the default of each of its Applications', () => {
    const off = appsOf(withGitOps(() => ({ automatedSync: false })));
    expect(off).toHaveLength(workflowCount);
    for (const a of off) expect(a.spec.syncPolicy.automated).toBeUndefined();
    const on = appsOf(withGitOps(() => ({ automatedSync: true })));
    expect(on).toHaveLength(workflowCount);
    for (const a of on) expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    const mixed = appsOf(withGitOps((env) => ({ automatedSync: env.environment.name === 'staging' })));
    expect(mixed.filter((a) => a.spec.syncPolicy.automated).map((a) => a.metadata.name).sort())
      .toEqual(envConfig('staging').workflows.map((w) => `langgraph-staging-${w.name}`).sort());
  });

  test('repository, revision and dist path come from config', () => {
    const apps = appsOf(withGitOps((env) => ({
      repoUrl: 'git@git.example.org:team/platform.git', targetRevision: `release/${env.environment.name}`, distPath: 'platform/dist',
    })));
    expect(apps).toHaveLength(workflowCount);
    for (const a of apps) {
      const env = a.metadata.labels['langgraph.platform/environment'];
      const workflow = a.metadata.labels['langgraph.platform/workflow'];
      const folder = workflow === '' ? '_shared' : workflow;
      expect(a.metadata.name).toBe(`langgraph-${env}-${workflow || 'shared'}`);
      expect(a.spec.source).toMatchObject({ repoURL: 'git@git.example.org:team/platform.git', targetRevision: `release/${env}`, path: `platform/dist/${env}/${folder}` });
    }
  });

  test('environments naming the same project share one AppProject with the union of their allow-lists', () => {
    const objects = renderArgoCd(withGitOps(() => ({ project: 'langgraph-platform' })), rendered) as any[];
    const shared = objects.filter((o) => o.kind === 'AppProject');
    expect(shared.map((p) => p.metadata.name)).toEqual(['langgraph-platform']);
    const apps = objects.filter((o) => o.kind === 'ApplicationSet').flatMap(expandApplicationSet);
    expect(apps).toHaveLength(workflowCount);
    for (const a of apps) expect(a.spec.project).toBe('langgraph-platform');
    const servers = new Set(shared[0].spec.destinations.map((d: any) => d.server));
    expect(servers).toEqual(new Set(environments.map((e) => e.environment.cluster.server)));
    const kinds = shared[0].spec.namespaceResourceWhitelist.map((gk: any) => gk.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Rollout', 'HTTPRoute'])); // prod's and dev's
    for (const o of objects) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
  });

  test('two environments on one cluster do not list a destination twice (Argo CD refuses that)', () => {
    const sameCluster = environments.map((e) => ({ ...e, environment: { ...e.environment, cluster: { server: 'https://one.k8s.example.com' }, gitops: { ...gitopsOf(e.environment), project: 'langgraph-platform' } } as typeof e.environment }));
    const project = (renderArgoCd(sameCluster, rendered) as any[]).find((o) => o.kind === 'AppProject');
    const keys = project.spec.destinations.map((d: any) => `${d.server} ${d.namespace}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('refusals', () => {
  test('environments disagreeing on the Argo CD namespace', () => {
    const envs = environments.map((e) => (e.environment.name === 'prod' ? { ...e, environment: { ...e.environment, namespaces: { ...e.environment.namespaces, argocd: 'gitops' } } } : e));
    expect(() => renderArgoCd(envs, rendered)).toThrow(/namespaces\.argocd differs between environments \(.*prod: gitops.*\)/);
  });

  test('an environment named like the Argo CD folder', () => {
    const dev = envConfig('dev');
    const envs = [{ ...dev, environment: { ...dev.environment, name: 'argocd' } }];
    const objects: RenderedObject[] = rendered.filter((r) => r.environment === 'dev').map((r) => ({ ...r, environment: 'argocd' }));
    expect(() => renderArgoCd(envs, objects)).toThrow(/environment "argocd" would share dist\/argocd\//);
  });

  test('an environment that rendered nothing (its Applications would sync empty folders)', () => {
    expect(() => renderArgoCd(environments, rendered.filter((r) => r.environment !== 'staging'))).toThrow(/environment "staging" rendered no objects/);
  });

  test('a namespaced kind rendered without its namespace', () => {
    const broken = rendered.map((r, i) => (i === rendered.findIndex((x) => x.environment === 'dev' && x.object.kind === 'ConfigMap')
      ? { ...r, object: { ...r.object, metadata: { ...r.object.metadata, namespace: undefined } } }
      : r));
    expect(() => renderArgoCd(environments, broken)).toThrow(/ConfigMap: ConfigMap\/[a-z-]+\/[a-z-]+ has a namespace, ConfigMap\/[a-z-]+ has none/);
  });

  test('no object is placed by relativePath under an environment folder', () => {
    const placed = argoCdRenderedObjects(environments, rendered);
    expect(placed.length).toBeGreaterThan(0);
    for (const r of placed) expect(relativePath(r).split('/')[0]).toBe('argocd');
  });
});
