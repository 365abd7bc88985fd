import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { pullSecretErrors, registryProblems, splitRegistry, withRegistry } from '../../src/constructs/image-registry';
import { LangGraphWorkload, LangGraphWorkloadProps } from '../../src/constructs/langgraph-workload';
import { podExtrasSchema } from '../../src/config/features/pod';
import { secretEnvFor } from '../../src/charts/credentials';
import { featureScope } from '../../src/charts/context';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { contextOf } from '../charts/features/feature-fixture';

const D = `sha256:${'c'.repeat(64)}`;

describe('withRegistry', () => {
  test.each([
    [`registry.example.com/langgraph/support-agent@${D}`, 'harbor.corp.internal', `harbor.corp.internal/langgraph/support-agent@${D}`],
    [`docker.io/library/redis:7.2.5-alpine@${D}`, 'harbor.corp.internal/dockerhub-proxy', `harbor.corp.internal/dockerhub-proxy/library/redis:7.2.5-alpine@${D}`],
    // Docker Hub short names: Docker reads `redis` as docker.io/library/redis.
    [`redis:7@${D}`, 'mirror.corp.internal:5000', `mirror.corp.internal:5000/library/redis:7@${D}`],
    ['team/app:1.2', 'mirror.corp.internal', 'mirror.corp.internal/team/app:1.2'],
    // A port on the image's own registry is part of its host, not a tag.
    [`localhost:5000/app@${D}`, 'mirror.corp.internal', `mirror.corp.internal/app@${D}`],
  ])('%s from %s is %s, digest and tag kept', (image, registry, expected) => {
    expect(withRegistry(image, registry)).toBe(expected);
  });

  test('without an override every image is its own', () => {
    expect(withRegistry(`quay.io/x/y@${D}`, undefined)).toBe(`quay.io/x/y@${D}`);
  });

  test('splitRegistry tells a host from a Docker Hub namespace', () => {
    expect(splitRegistry('quay.io/prometheuscommunity/postgres-exporter:v0.15.0')).toEqual({ registry: 'quay.io', path: 'prometheuscommunity/postgres-exporter' });
    expect(splitRegistry('oliver006/redis_exporter')).toEqual({ registry: 'docker.io', path: 'oliver006/redis_exporter' });
  });
});

describe('registryProblems', () => {
  test.each(['harbor.corp.internal', 'harbor.corp.internal/dockerhub-proxy', 'registry.corp.internal:5000', 'localhost:5000/a/b', 'localhost'])('%s is a registry', (r) => {
    expect(registryProblems(r)).toEqual([]);
  });

  test.each([
    ['https://harbor.corp.internal/', 'scheme "https://"', 'use harbor.corp.internal'],
    ['Harbor.corp.internal', 'upper-case', 'use harbor.corp.internal'],
    ['harbor.corp.internal/', 'ends with "/"', 'remove it: harbor.corp.internal'],
    ['harbor.corp.internal//proxy', 'empty path segment', 'use single "/"'],
    ['harbor.corp.internal/proxy:1.0', 'path segment "proxy:1.0"', 'a tag belongs to each image'],
    [`harbor.corp.internal@${D}`, 'has a digest', 'remove "@…"'],
    ['harbor.corp.internal:99999', 'port 99999', 'outside 1–65535'],
    ['mirror', 'a Docker Hub namespace', 'use its full name'],
    ['', 'is empty', 'host[:port]'],
  ])('%s is refused: %s', (r, why, fix) => {
    const [problem, ...more] = registryProblems(r);
    expect(more).toEqual([]);
    expect(problem).toContain(why);
    expect(problem).toContain(fix);
    expect(() => withRegistry(`quay.io/x/y@${D}`, r)).toThrow(why);
  });
});

describe('pullSecretErrors', () => {
  test('names the owner, the bad entry and the fix', () => {
    expect(pullSecretErrors('Deployment ns/x', ['registry-pull'])).toEqual([]);
    const errors = pullSecretErrors('Deployment ns/x', ['Registry_Pull', 'a', 'a']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^Deployment ns\/x: imagePullSecrets entry "Registry_Pull" is no Secret name/);
    expect(errors[1]).toContain('"a" twice; remove the duplicate');
  });
});

describe('LangGraphWorkload with a registry override and pull Secrets', () => {
  type Props = Omit<LangGraphWorkloadProps, 'serviceAccount' | 'configMap'>;
  const ctx = contextOf('staging');
  const s = ctx.settings;
  const extras = podExtrasSchema.parse({
    sidecars: [{ name: 'log-shipper', image: `docker.io/fluent/fluent-bit@${D}`, port: { name: 'shipper', number: 2020, healthPath: '/healthz' } }],
    initContainers: [{ name: 'warmup', image: `busybox:1.36@${D}` }],
  });
  const props: Props = {
    name: ctx.apiName, identity: ctx.api, image: ctx.workflow.image.reference, requests: s.resources.requests, limits: s.resources.limits,
    probes: s.probes, terminationGracePeriodSeconds: s.terminationGracePeriodSeconds, rollingUpdate: s.rollingUpdate, secretEnv: secretEnvFor(ctx), extras,
  };
  const render = (extra: Partial<Props>) => {
    const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
    new LangGraphWorkload(featureScope(chart, ctx), 'Api', {
      ...props, ...extra,
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'SA', 'sa'), configMap: kplus.ConfigMap.fromConfigMapName(chart, 'CM', 'cm'),
    });
    return chart.toJson()[0];
  };
  const images = (d: any) => [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])].map((c: any) => c.image);

  test('off (the default): each image from its own registry, no imagePullSecrets', () => {
    const d = render({});
    expect(d.spec.template.spec.imagePullSecrets).toBeUndefined();
    expect(images(d)).toEqual(expect.arrayContaining([ctx.workflow.image.reference, `docker.io/fluent/fluent-bit@${D}`, `busybox:1.36@${D}`]));
  });

  test('on: every container (server, sidecar, init) pulls from the override with its digest, with the Secrets listed', () => {
    const d = render({ imageRegistry: 'harbor.corp.internal/proxy', imagePullSecrets: ['registry-pull', 'registry-pull-fallback'] });
    expect(defaultSchemaRegistry().validate(d)).toEqual([]);
    expect(d.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-pull' }, { name: 'registry-pull-fallback' }]);
    const all = images(d);
    expect(all).toHaveLength(3);
    for (const image of all) expect(image).toMatch(/^harbor\.corp\.internal\/proxy\/[^@]+@sha256:[a-f0-9]{64}$/);
    expect(all).toContain(`harbor.corp.internal/proxy/library/busybox:1.36@${D}`);
    const ownPath = ctx.workflow.image.reference.replace(/^[^/]+\//, '');
    expect(all).toContain(`harbor.corp.internal/proxy/${ownPath}`);
  });

  test('a malformed override is refused at construction, a bad pull Secret at synth', () => {
    expect(() => render({ imageRegistry: 'https://harbor.corp.internal' })).toThrow('has a scheme "https://"');
    expect(() => render({ imagePullSecrets: ['Not_A_Name'] })).toThrow(/imagePullSecrets entry "Not_A_Name" is no Secret name/);
  });
});
