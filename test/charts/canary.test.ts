import { committed, find, objectsOf, ofKind } from '../helpers';

/** What `kubectl argo rollouts lint` checks, asserted on the rendered objects. */
describe.each(['staging', 'prod'])('%s canary', (env) => {
  const objects = objectsOf(env, 'support-agent');
  const rollout = find(objects, 'Rollout', 'support-agent-api');
  const canary = rollout.spec.strategy.canary;
  const deployment = find(objects, 'Deployment', rollout.spec.workloadRef.name);
  const podLabels = deployment.spec.template.metadata.labels;

  test('the Rollout runs the Deployment\'s pod template; the Deployment keeps no pods', () => {
    expect(rollout.spec.workloadRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(deployment.spec.replicas).toBe(0);
    expect(rollout.spec.replicas).toBeUndefined();
    for (const [k, v] of Object.entries(rollout.spec.selector.matchLabels)) expect(podLabels[k]).toBe(v);
  });

  test('stable and canary Services differ and select the pod template', () => {
    expect(canary.stableService).not.toBe(canary.canaryService);
    for (const name of [canary.stableService, canary.canaryService]) {
      const svc = find(objects, 'Service', name);
      for (const [k, v] of Object.entries(svc.spec.selector)) expect(podLabels[k]).toBe(v);
      const port = deployment.spec.template.spec.containers[0].ports.find((p: any) => p.name === svc.spec.ports[0].targetPort);
      expect(port).toBeDefined();
    }
    expect([canary.stableService, canary.canaryService]).toEqual(['support-agent-api-stable', 'support-agent-api-canary']);
  });

  test('the managed VirtualService route lists both hosts, bound to the gateway and the mesh', () => {
    const ref = canary.trafficRouting.istio.virtualService;
    const vs = find(objects, 'VirtualService', ref.name);
    expect(vs.spec.gateways).toEqual(expect.arrayContaining(['mesh']));
    const gwName = vs.spec.gateways.find((g: string) => g !== 'mesh').split('/')[1];
    find(objects, 'Gateway', gwName);
    for (const routeName of ref.routes) {
      const route = vs.spec.http.find((r: any) => r.name === routeName);
      const hosts = route.route.map((d: any) => d.destination.host.split('.')[0]);
      expect(hosts.sort()).toEqual([canary.canaryService, canary.stableService].sort());
      expect(route.route.reduce((sum: number, d: any) => sum + d.weight, 0)).toBe(100);
    }
  });

  test('every referenced AnalysisTemplate is rendered, with conditions on its metrics', () => {
    const names = canary.analysis.templates.map((t: any) => t.templateName);
    expect(names).toEqual(['support-agent-success-rate', 'support-agent-latency']);
    const slo = committed().config.environments.find((e) => e.environment.name === env)!.workflows.find((w) => w.name === 'support-agent')!.settings.slo;
    for (const name of names) {
      const at = find(objects, 'AnalysisTemplate', name);
      expect(at.spec.args).toEqual([{ name: 'canary-hash' }]);
      for (const m of at.spec.metrics) {
        // Thresholds are the workflow's SLO; a value meeting neither condition (a quiet canary) is Inconclusive.
        const threshold = m.name === 'latency-within-slo' ? slo.latency : slo.availability;
        expect(m.successCondition).toBe(`result[0] >= ${threshold}`);
        expect(m.failureCondition).toBe(`result[0] >= 0 && result[0] < ${threshold}`);
        expect(m.inconclusiveLimit).toBe(2);
        expect(m.interval).toBe('60s');
        expect(m.failureLimit).toBe(3);
        expect(m.provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.canary-hash}}"');
        expect(m.provider.prometheus.query).toContain('namespace="support-agent"');
        expect(m.provider.prometheus.query).not.toMatch(/destination_service|or vector\(1\)/);
        expect(m.provider.prometheus.query).toMatch(/or vector\(-1\)$/);
        expect(m.provider.prometheus.address).toMatch(/^http/);
      }
    }
    // support-agent's API executes its runs (no queue workers): its run outcomes are judged too.
    expect(find(objects, 'AnalysisTemplate', 'support-agent-success-rate').spec.metrics.map((m: any) => m.name)).toEqual(['http-success-rate', 'run-success-rate']);
    // The Rollout passes the canary's pod-template hash, which the PodMonitor relabels onto every series.
    expect(canary.analysis.args).toEqual([{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }]);
    const relabel = find(objects, 'PodMonitor', 'support-agent-api').spec.podMetricsEndpoints[0].relabelings;
    expect(relabel).toContainEqual({ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: 'rollouts_pod_template_hash' });
    // Background analysis from the first step: no startingStep.
    expect(canary.analysis.startingStep).toBeUndefined();
    // The playbook's mistake: conditions do not belong on the Rollout.
    expect(JSON.stringify(rollout)).not.toMatch(/successCondition|failureLimit/);
  });

  test('with queue workers (research-assistant) the canary is judged on HTTP success and latency only', () => {
    const at = find(objectsOf(env, 'research-assistant'), 'AnalysisTemplate', 'research-assistant-success-rate');
    expect(at.spec.metrics.map((m: any) => m.name)).toEqual(['http-success-rate']);
    const latency = find(objectsOf(env, 'research-assistant'), 'AnalysisTemplate', 'research-assistant-latency');
    // research-assistant's SLO threshold is 5 s: exactly the server's 5000 ms bucket, nothing interpolated.
    const query = latency.spec.metrics[0].provider.prometheus.query;
    expect(query).toContain('le=~"5000(\\\\.0)?"');
    expect(query).not.toMatch(/\) \* [0-9.]+\)/);
  });

  test('steps follow 10 → 25 → 50 → 75 with pauses of 5, 5, 10 and 5 minutes', () => {
    expect(canary.steps).toEqual([
      { setWeight: 10 }, { pause: { duration: '300s' } },
      { setWeight: 25 }, { pause: { duration: '300s' } },
      { setWeight: 50 }, { pause: { duration: '600s' } },
      { setWeight: 75 }, { pause: { duration: '300s' } },
    ]);
  });

  test('the HPA targets the Rollout, never the Deployment it manages', () => {
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler')[0];
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: rollout.metadata.name });
  });

  test('external traffic enters through the Istio Gateway with TLS and an HTTPS redirect; no Ingress', () => {
    const gw = ofKind(objects, 'Gateway')[0];
    const https = gw.spec.servers.find((s: any) => s.port.protocol === 'HTTPS');
    expect(https.tls).toMatchObject({ mode: 'SIMPLE', credentialName: 'support-agent-tls' });
    expect(gw.spec.servers.find((s: any) => s.port.protocol === 'HTTP').tls).toEqual({ httpsRedirect: true });
    expect(ofKind(objects, 'Ingress')).toEqual([]);
  });
});

describe('dev', () => {
  const objects = objectsOf('dev', 'support-agent');
  test('renders a plain rolling Deployment scaled by the HPA, entered through a Gateway API HTTPRoute', () => {
    expect(ofKind(objects, 'Rollout')).toEqual([]);
    expect(ofKind(objects, 'AnalysisTemplate')).toEqual([]);
    const d = find(objects, 'Deployment', 'support-agent-api');
    expect(d.spec.strategy.type).toBe('RollingUpdate');
    expect(d.spec.replicas).toBeUndefined();
    expect(ofKind(objects, 'HorizontalPodAutoscaler')[0].spec.scaleTargetRef.kind).toBe('Deployment');
    // No VirtualService to shift weights in: the entry type that serves rolling delivery only.
    expect(ofKind(objects, 'VirtualService')).toEqual([]);
    const route = find(objects, 'HTTPRoute', 'support-agent-api');
    expect(route.spec.parentRefs).toEqual([expect.objectContaining({ kind: 'Gateway', sectionName: 'https-support-agent' })]);
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'support-agent-api', port: 80, weight: 1 }]);
  });
});

test('the config selects the strategy per environment', () => {
  const strategies = Object.fromEntries(committed().config.environments.map((e) => [e.environment.name, e.workflows[0].settings.delivery.strategy]));
  expect(strategies).toEqual({ dev: 'rolling', staging: 'canary', prod: 'canary' });
});

describe('snapshots for review: the API of the reference workflow (support-agent) in prod', () => {
  const objects = objectsOf('prod', 'support-agent');
  const rollout = find(objects, 'Rollout', 'support-agent-api');
  const canary = rollout.spec.strategy.canary;
  const deployment = find(objects, 'Deployment', rollout.spec.workloadRef.name);
  const virtualService = find(objects, 'VirtualService', canary.trafficRouting.istio.virtualService.name);
  const referencedTemplates = [...new Set([
    ...(canary.analysis?.templates ?? []),
    ...(canary.steps ?? []).flatMap((s: any) => s.analysis?.templates ?? []),
  ].map((t: any) => t.templateName))].sort();
  const templates = ofKind(objects, 'AnalysisTemplate').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));

  test('the set is what the Rollout references: its Deployment, its VirtualService, exactly the rendered AnalysisTemplates', () => {
    expect(deployment.spec.replicas).toBe(0);
    expect(virtualService.spec.http.length).toBeGreaterThan(0);
    expect(referencedTemplates.length).toBeGreaterThan(0);
    expect(templates.map((t) => t.metadata.name)).toEqual(referencedTemplates);
  });

  test('snapshots', () => {
    expect(deployment).toMatchSnapshot('support-agent prod: API Deployment (the Rollout\'s workloadRef)');
    expect(rollout).toMatchSnapshot('support-agent prod: Rollout');
    expect(templates).toMatchSnapshot('support-agent prod: AnalysisTemplates');
    expect(virtualService).toMatchSnapshot('support-agent prod: VirtualService');
  });
});
