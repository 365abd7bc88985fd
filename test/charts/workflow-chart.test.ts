import { ENVIRONMENTS, committed, find, objectsOf, ofKind, podTemplates } from '../helpers';

const WF = 'support-agent';
const SELECTOR = {
  'app.kubernetes.io/name': 'langgraph-api',
  'app.kubernetes.io/instance': WF,
  'app.kubernetes.io/component': 'api',
};
const meshOn = (env: string) => committed().config.environments.find((e) => e.environment.name === env)!.environment.mesh.enabled;

describe.each(ENVIRONMENTS)('%s', (env) => {
  const env_ = env;
  const objects = objectsOf(env, WF);
  const deployment = find(objects, 'Deployment', `${WF}-api`);
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];

  test('every object carries the label contract and the owner email', () => {
    for (const o of objects) {
      const labels = o.metadata.labels ?? {};
      expect(labels['app.kubernetes.io/instance']).toBe(WF);
      expect(labels['app.kubernetes.io/part-of']).toBe(WF);
      expect(labels['app.kubernetes.io/managed-by']).toBe('cdk8s');
      expect(labels['app.kubernetes.io/version']).toBe('1.4.2');
      expect(labels['app.kubernetes.io/component']).toBeTruthy();
      expect(labels.owner).toBe('ai-platform');
      expect(o.metadata.annotations?.email).toBe('ai-platform@example.com');
    }
  });

  test('names are readable and carry no hash suffix; no cdk8s construct-path label anywhere', () => {
    for (const o of objects) {
      expect(o.metadata.name).toMatch(new RegExp(`^${WF}(-[a-z0-9]+)*$`));
      // cdk8s's hash suffix is 8 hex digits.
      expect(o.metadata.name.split('-').some((seg) => /^(?=.*\d)[0-9a-f]{8}$/.test(seg))).toBe(false);
      expect(JSON.stringify(o)).not.toContain('cdk8s.io/metadata.addr');
    }
  });

  test('namespace is cluster-scoped, enforces Pod Security restricted with a pinned version', () => {
    const ns = find(objects, 'Namespace', WF);
    expect(ns.metadata.namespace).toBeUndefined();
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
      expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toMatch(/^v1\.\d+$/);
    }
    expect(ns.metadata.labels['istio-injection']).toBe(meshOn(env) ? 'enabled' : undefined);
    const monitoring = committed().config.environments.find((e) => e.environment.name === env)!.environment.namespaces.monitoring;
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      // The dashboard lives in the shared monitoring namespace, named after the workflow.
      if (o.metadata.namespace === monitoring) expect(o.metadata.name).toBe(`${WF}-dashboard`);
      else expect(o.metadata.namespace).toBe(WF);
    }
  });

  test('selectors use only name, instance and component', () => {
    expect(deployment.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(find(objects, 'Service', `${WF}-api`).spec.selector).toEqual(SELECTOR);
    expect(find(objects, 'PodDisruptionBudget', `${WF}-api`).spec.selector).toEqual({ matchLabels: SELECTOR });
    for (const [k, v] of Object.entries(SELECTOR)) expect(pod.metadata.labels[k]).toBe(v);
  });

  test('pod is hardened (non-root ≥ 10000, seccomp, drop ALL, read-only root, no token)', () => {
    const psc = pod.spec.securityContext;
    expect(psc.runAsNonRoot).toBe(true);
    expect(psc.runAsUser).toBeGreaterThanOrEqual(10000);
    expect(psc.runAsGroup).toBeGreaterThanOrEqual(10000);
    expect(psc.fsGroup).toBeGreaterThanOrEqual(10000);
    expect(psc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    const sc = container.securityContext;
    expect(sc.capabilities).toEqual({ drop: ['ALL'] });
    expect(sc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.privileged).toBe(false);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.serviceAccountName).toBe(`${WF}-api`);
    expect(find(objects, 'ServiceAccount', `${WF}-api`).automountServiceAccountToken).toBe(false);
  });

  test('writable paths are size-limited emptyDirs; the config is mounted read-only', () => {
    const volumes = Object.fromEntries(pod.spec.volumes.map((v: any) => [v.name, v]));
    const mounts = Object.fromEntries(container.volumeMounts.map((m: any) => [m.name, m]));
    expect(volumes.tmp.emptyDir.sizeLimit).toMatch(/^\d+Mi$/);
    expect(volumes.logs).toBeUndefined(); // logs go to stdout
    expect(mounts.tmp.mountPath).toBe('/tmp');
    expect(volumes.config.configMap.name).toBe(`${WF}-config`);
    expect(mounts.config.readOnly).toBe(true);
    find(objects, 'ConfigMap', `${WF}-config`);
  });

  test('the server listens on 8000 named http; startup and readiness GET /ok, liveness only checks the port', () => {
    expect(container.ports).toEqual([{ containerPort: 8000, name: 'http' }]);
    for (const p of [container.startupProbe, container.readinessProbe]) expect(p.httpGet).toMatchObject({ path: '/ok', port: 8000 });
    // A server starved of its database is taken out of rotation, not restarted mid-run.
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 8000 });
    expect(container.livenessProbe.httpGet).toBeUndefined();
    const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe];
    expect(new Set(probes.map((p) => JSON.stringify(p))).size).toBe(3);
  });

  test('credentials come only from secretKeyRef; no literal secret-like values', () => {
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
    const inClusterStores = committed().config.environments.find((e) => e.environment.name === env_)!.environment.dataStores.postgres.enabled;
    const fromSecret = inClusterStores ? ['LANGSMITH_API_KEY', 'OPENAI_API_KEY', 'POSTGRES_PASSWORD'] : ['DATABASE_URI', 'POSTGRES_URI', 'REDIS_URI', 'LANGSMITH_API_KEY', 'OPENAI_API_KEY'];
    for (const name of fromSecret) {
      expect(env[name].value).toBeUndefined();
      expect(env[name].valueFrom.secretKeyRef.name).toBe(`${WF}-secrets`);
    }
    if (inClusterStores) {
      // The URI of the in-cluster dev Postgres references the password by $(VAR), declared before it.
      const names = container.env.map((e: any) => e.name);
      expect(env.DATABASE_URI.value).toContain('$(POSTGRES_PASSWORD)');
      expect(names.indexOf('POSTGRES_PASSWORD')).toBeLessThan(names.indexOf('DATABASE_URI'));
    }
    expect(env.DATABASE_URI).toEqual({ ...env.POSTGRES_URI, name: 'DATABASE_URI' });
    expect(committed().objects.filter((o) => o.object.kind === 'Secret')).toEqual([]);
  });

  test('requests and limits for cpu, memory and ephemeral storage', () => {
    for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
      expect(container.resources.requests[r]).toBeDefined();
      expect(container.resources.limits[r]).toBeDefined();
    }
  });

  test('spreads over zones and nodes and prefers hostname anti-affinity', () => {
    const keys = pod.spec.topologySpreadConstraints.map((t: any) => t.topologyKey);
    expect(keys).toEqual(expect.arrayContaining(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']));
    for (const t of pod.spec.topologySpreadConstraints) expect(t.labelSelector.matchLabels).toEqual(SELECTOR);
    const pref = pod.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
    expect(pref.podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
  });

  test('the grace period covers the drain; with the mesh the sidecar starts first and outlives it', () => {
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(120);
    const proxy = pod.metadata.annotations?.['proxy.istio.io/config'];
    if (meshOn(env)) {
      const cfg = JSON.parse(proxy);
      expect(cfg.holdApplicationUntilProxyStarts).toBe(true);
      const drain = Number(/^(\d+)s$/.exec(cfg.terminationDrainDuration)![1]);
      expect(drain).toBeLessThan(pod.spec.terminationGracePeriodSeconds);
    } else {
      expect(proxy).toBeUndefined();
    }
  });

  test('Service is ClusterIP 80 → http', () => {
    const svc = find(objects, 'Service', `${WF}-api`);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
  });

  test('HPA owns replicas; PDB always allows one eviction and evicts unhealthy pods', () => {
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler')[0];
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
    const target = hpa.spec.scaleTargetRef;
    const owner = objects.find((o) => o.kind === target.kind && o.metadata.name === target.name) as any;
    expect(owner).toBeDefined();
    expect(owner.spec.replicas).toBeUndefined();
    const pdb = find(objects, 'PodDisruptionBudget', `${WF}-api`);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });

  test('RBAC: no wildcards, never secrets; owner steers the Rollout, on-call adds the incident steps', () => {
    for (const role of ofKind(objects, 'Role')) {
      for (const rule of role.rules) {
        for (const field of ['apiGroups', 'resources', 'verbs']) expect(rule[field]).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
      }
    }
    // Rules in full: test/constructs/people-rbac.test.ts; here, that the chart wires the canary set.
    const rolloutControl = ofKind(objects, 'Rollout').length
      ? { apiGroups: ['argoproj.io'], resources: ['rollouts', 'rollouts/status'], resourceNames: [`${WF}-api`], verbs: ['patch'] }
      : { apiGroups: ['apps'], resources: ['deployments'], resourceNames: [`${WF}-api`], verbs: ['patch'] };
    expect(find(objects, 'Role', `${WF}-owner`).rules).toContainEqual(rolloutControl);
    const oncall = find(objects, 'Role', `${WF}-oncall`);
    expect(oncall.rules).toContainEqual(rolloutControl);
    expect(oncall.rules).toContainEqual({ apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], resourceNames: [`${WF}-api`], verbs: ['patch'] });
    expect(oncall.rules.some((r: any) => r.resources.includes('pods/log'))).toBe(true);
    const bindings = ofKind(objects, 'RoleBinding');
    expect(bindings.map((b) => [b.roleRef.name, b.subjects[0].kind, b.subjects[0].name])).toEqual(expect.arrayContaining([
      [`${WF}-owner`, 'Group', 'ai-platform-engineers'],
      [`${WF}-oncall`, 'Group', 'sre-oncall'],
    ]));
  });
});

describe('environment sizes', () => {
  test.each([
    ['prod', 3, 20],
    ['staging', 3, 6],
    ['dev', 1, 2],
  ])('%s HPA %i–%i', (env, min, max) => {
    const hpa = ofKind(objectsOf(env, WF), 'HorizontalPodAutoscaler')[0];
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([min, max]);
  });

  test('prod: cpu 70 % (no memory target), +100 %/15 s after 60 s, −10 %/60 s after 300 s, LangChain\'s 1/2Gi → 2/4Gi, surge 1/unavailable 0', () => {
    const objects = objectsOf('prod', WF);
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler')[0];
    const util = Object.fromEntries(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]));
    expect(util).toEqual({ cpu: 70 });
    expect(hpa.spec.behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    expect(hpa.spec.behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] });
    const c = podTemplates(objects)[0].template.spec.containers[0];
    expect(c.resources.requests).toMatchObject({ cpu: '1', memory: '2048Mi' });
    expect(c.resources.limits).toMatchObject({ cpu: '2', memory: '4096Mi' });
    const deployments = ofKind(objects, 'Deployment');
    expect(deployments[0].spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  test('images: digests in staging and prod, a tag only in dev, never latest', () => {
    for (const env of ENVIRONMENTS) {
      for (const { template } of podTemplates(objectsOf(env))) {
        for (const c of template.spec.containers) {
          expect(c.image).not.toMatch(/:latest(@|$)/);
          if (env !== 'dev') expect(c.image).toMatch(/@sha256:[a-f0-9]{64}$/);
        }
      }
    }
  });
});

describe('spot-friendly scheduling (switch per environment)', () => {
  test.each([['staging', true], ['prod', false], ['dev', false]] as const)('%s: spot %s', (env, on) => {
    const pod = find(objectsOf(env, WF), 'Deployment', `${WF}-api`).spec.template.spec;
    const capacitySpread = pod.topologySpreadConstraints.find((t: any) => t.topologyKey === 'karpenter.sh/capacity-type');
    if (on) {
      expect(capacitySpread).toMatchObject({ whenUnsatisfiable: 'DoNotSchedule', maxSkew: 1 });
      expect(pod.tolerations).toEqual([{ key: 'karpenter.sh/capacity-type', operator: 'Equal', value: 'spot', effect: 'NoSchedule' }]);
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['spot', 'on-demand']);
    } else {
      expect(capacitySpread).toBeUndefined();
      expect(pod.tolerations).toBeUndefined();
      expect(pod.affinity.nodeAffinity).toBeUndefined();
    }
  });
});
