import { App } from 'cdk8s';
import { ResolvedEnvironment, ResolvedWorkflow } from '../../src/config/resolved';
import { SharedChart, priorityClassNamesOf } from '../../src/charts/shared-chart';
import { renderArgoCd } from '../../src/gitops/argocd-objects';
import { renderEnvironment } from '../../src/synth/render';
import { relativePath } from '../../src/model/rendered-object';
import { committed } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
const environments = committed().config.environments;
const prod = environments.find((e) => e.environment.name === 'prod')!;
const dev = environments.find((e) => e.environment.name === 'dev')!;
const staging = environments.find((e) => e.environment.name === 'staging')!;

/** The environment with each workflow's priority class set by `name(workflow, index)`. */
function withClasses(env: ResolvedEnvironment, name: (wf: ResolvedWorkflow, i: number) => string | undefined): ResolvedEnvironment {
  return {
    ...env,
    workflows: env.workflows.map((wf, i) => ({ ...wf, settings: { ...wf.settings, scheduling: { ...wf.settings.scheduling, priorityClassName: name(wf, i) } } })),
  };
}

describe('the PriorityClasses an environment renders', () => {
  test('committed config: prod names langgraph-production on every workflow; dev and staging name none', () => {
    expect(prod.workflows.every((wf) => wf.settings.scheduling?.priorityClassName === 'langgraph-production')).toBe(true);
    expect(priorityClassNamesOf(prod)).toEqual(['langgraph-production']);
    expect(environments.filter((e) => e !== prod).map(priorityClassNamesOf)).toEqual([[], []]);
  });

  test('once per environment, however many workflows name it; sorted; Kubernetes\' system- classes never', () => {
    const names = ['b-class', 'a-class', 'system-node-critical'];
    const env = withClasses(prod, (_wf, i) => names[i % names.length]);
    expect(env.workflows.length).toBeGreaterThanOrEqual(3);
    expect(priorityClassNamesOf(env)).toEqual(['a-class', 'b-class']);
    expect(priorityClassNamesOf(withClasses(prod, () => 'system-cluster-critical'))).toEqual([]);
    expect(priorityClassNamesOf(withClasses(prod, () => undefined))).toEqual([]);
  });

  test('rendered into dist/<env>/_shared with no workflow, one object per class', () => {
    // staging: no gateway-api entry, so the classes are all its shared objects.
    const env = withClasses(staging, (_wf, i) => (i === 0 ? undefined : 'dev-priority'));
    const shared = renderEnvironment(env).filter((r) => r.workflow === undefined);
    expect(shared.map((r) => relativePath(r))).toEqual(['staging/_shared/priorityclass-dev-priority.yaml']);
    const chart = new SharedChart(new App({ outdir: 'unused' }), 'shared', { resolved: withClasses(staging, () => undefined) });
    expect(chart.toJson()).toEqual([]);
  });

  test('a workflow named "shared" would take the Application of the shared objects: refused with the fix', () => {
    const env = { ...prod, workflows: prod.workflows.map((wf, i) => (i === 0 ? { ...wf, name: 'shared' } : wf)) };
    const objects = committed().objects.filter((r) => r.environment === 'prod');
    expect(() => renderArgoCd([env], objects)).toThrow(/workflow "shared" would generate the Application langgraph-prod-shared, which syncs the environment's shared objects \(dist\/prod\/_shared\); rename the workflow/);
  });
});

describe('the Gateway API entry (dev): one Gateway per environment, in _shared', () => {
  const shared = (env: ResolvedEnvironment) => new SharedChart(new App({ outdir: 'unused' }), 'shared', { resolved: env }).toJson() as any[];
  const objects = shared(dev);
  const gateway = objects.find((o) => o.kind === 'Gateway');
  const redirect = objects.find((o) => o.kind === 'HTTPRoute');
  const ingressNs = dev.environment.namespaces.ingress;

  test('the Gateway and its redirect route live in the ingress namespace, where the gateway\'s proxies run', () => {
    expect(dev.environment.entry.type).toBe('gateway-api');
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([`Gateway ${ingressNs}/langgraph`, `HTTPRoute ${ingressNs}/langgraph-https-redirect`]);
    expect(gateway.spec.gatewayClassName).toBe('istio');
  });

  test('one HTTPS listener per workflow: its hostname, its TLS Secret by name in the Gateway\'s namespace, routes from its namespace only', () => {
    const https = gateway.spec.listeners.filter((l: any) => l.protocol === 'HTTPS');
    expect(https.map((l: any) => l.name).sort()).toEqual(dev.workflows.map((wf) => `https-${wf.name}`).sort());
    for (const wf of dev.workflows) {
      const l = https.find((x: any) => x.name === `https-${wf.name}`);
      expect(l).toMatchObject({ port: 443, hostname: `${wf.name}.${dev.environment.entry.domain}` });
      // A reference only: no namespace (so no ReferenceGrant), no key material.
      expect(l.tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: `${wf.name}-tls` }] });
      expect(l.allowedRoutes).toEqual({
        namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': wf.namespace } } },
        kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
      });
    }
  });

  test('plain HTTP only redirects: the HTTP listener admits routes of its own namespace, and the one there answers 301 to https', () => {
    const http = gateway.spec.listeners.filter((l: any) => l.protocol === 'HTTP');
    expect(http).toEqual([{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] } }]);
    expect(redirect.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'langgraph', sectionName: 'http' }]);
    expect(redirect.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    expect(redirect.spec.rules[0].backendRefs).toBeUndefined();
  });

  test('each workflow\'s HTTPRoute attaches to its own HTTPS listener of this Gateway', () => {
    for (const wf of dev.workflows) {
      const route = renderEnvironment(dev).find((r) => r.workflow === wf.name && r.object.kind === 'HTTPRoute')!.object as any;
      expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: ingressNs, name: gateway.metadata.name, sectionName: `https-${wf.name}` }]);
      expect(route.spec.hostnames).toEqual([gateway.spec.listeners.find((l: any) => l.name === `https-${wf.name}`).hostname]);
    }
  });

  test('configurable name and class; nothing for the Istio gateway entry', () => {
    const named = { ...dev, environment: { ...dev.environment, entry: { ...dev.environment.entry, gatewayApi: { gatewayName: 'public', gatewayClassName: 'istio-public' } } } };
    const out = shared(named);
    expect(out.find((o) => o.kind === 'Gateway')).toMatchObject({ metadata: { name: 'public' }, spec: { gatewayClassName: 'istio-public' } });
    expect(out.find((o) => o.kind === 'HTTPRoute').metadata.name).toBe('public-https-redirect');
    expect(shared(staging).filter((o) => o.kind === 'Gateway' || o.kind === 'HTTPRoute')).toEqual([]);
  });

  test('two workflows on one hostname are refused (their listeners would conflict), naming both', () => {
    const clash = { ...dev, workflows: dev.workflows.map((wf, i) => (i < 2 ? { ...wf, settings: { ...wf.settings, hostname: 'agents.example.com' } } : wf)) };
    expect(() => shared(clash)).toThrow(new RegExp(`workflows "${dev.workflows[0].name}" and "${dev.workflows[1].name}" both use hostname agents\\.example\\.com`));
  });

  test('more workflows than a Gateway has listeners for are refused with the limit', () => {
    const many = { ...dev, workflows: Array.from({ length: 64 }, (_x, i) => ({ ...dev.workflows[0], name: `wf-${i}`, namespace: `wf-${i}` })) };
    expect(() => shared(many)).toThrow(/64 workflows need 64 HTTPS listeners, but a Gateway holds at most 64 listeners \(63 besides the HTTP one\)/);
    expect(() => shared({ ...many, workflows: many.workflows.slice(0, 63) })).not.toThrow();
  });
});
