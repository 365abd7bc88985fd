import { createHash } from 'crypto';
import { PLACEHOLDER_MAX_PERIOD, isReservedExampleHost, placeholderPeriod, registryHostOf } from '../../src/validation/policy/example-image';
import { committed } from '../helpers';
import { runGate } from '../../src/validation/gate';
/* eslint-disable @typescript-eslint/no-explicit-any */

describe('registryHostOf: the first path segment when Docker reads it as a host', () => {
  test.each([
    ['registry.example.com/langgraph/app@sha256:x', 'registry.example.com'],
    ['Registry.Corp.TEST:5000/app:1', 'registry.corp.test'],
    ['localhost:5000/app', 'localhost'],
    ['localhost/app', 'localhost'],
    ['ghcr.io/acme/app', 'ghcr.io'],
  ])('%s → %s', (image, host) => expect(registryHostOf(image)).toBe(host));
  test.each(['redis', 'library/redis:7', 'acme/app@sha256:abc'])('%s: Docker Hub, no host', (image) => expect(registryHostOf(image)).toBeUndefined());
});

describe('isReservedExampleHost: RFC 2606 and RFC 6761 names', () => {
  test.each(['example.com', 'registry.example.com', 'example.net', 'a.b.example.org', 'registry.example', 'corp.test', 'x.invalid', 'localhost', 'registry.localhost', 'EXAMPLE.COM.'])('%s is reserved', (h) => expect(isReservedExampleHost(h)).toBe(true));
  test.each(['ghcr.io', 'myexample.com', 'example.com.mirror.acme.io', 'example.co', 'testing.io', 'registry.test.acme.io', 'docker.io'])('%s is not', (h) => expect(isReservedExampleHost(h)).toBe(false));
});

describe('placeholderPeriod: a digest that is one unit of at most 16 hex digits repeated', () => {
  test.each([
    ['0'.repeat(64), 1],
    ['ab'.repeat(32), 2],
    ['deadbeef'.repeat(8), 8],
    ['0123456789abcdef'.repeat(4), 16],
  ])('sha256:%s repeats with period %i', (hex, period) => expect(placeholderPeriod(`sha256:${hex}`)).toBe(period));

  test('a unit longer than the bound, one digit off, or a real hash is no placeholder', () => {
    expect(PLACEHOLDER_MAX_PERIOD).toBe(16);
    expect(placeholderPeriod(`sha256:${'0123456789abcdef0123456789abcdef'.repeat(2)}`)).toBe(16); // still period 16
    expect(placeholderPeriod(`sha256:${'0123456789abcdef0'.repeat(4).slice(0, 64)}`)).toBeUndefined(); // 17-digit unit
    expect(placeholderPeriod(`sha256:${'0'.repeat(63)}1`)).toBeUndefined();
    for (const seed of ['a', 'b', 'support-agent', 'research-assistant']) {
      expect(placeholderPeriod(`sha256:${createHash('sha256').update(seed).digest('hex')}`)).toBeUndefined();
    }
  });

  test('only sha256 digests of 64 lower-case hex digits are judged (policy/image-pinned refuses the rest)', () => {
    expect(placeholderPeriod('sha256:000')).toBeUndefined();
    expect(placeholderPeriod(`sha512:${'0'.repeat(128)}`)).toBeUndefined();
    expect(placeholderPeriod(`sha256:${'A'.repeat(64)}`)).toBeUndefined();
  });
});

describe('the committed reference config', () => {
  const objects = committed().objects;
  const annotation = 'policy.waiver.langgraph.platform/example-image';
  const workloads = objects.filter((r) => r.object.kind === 'Deployment' && (r.object as any).spec.template.spec.containers.some((c: any) => isReservedExampleHost(registryHostOf(c.image) ?? '')));

  test('runs example images, and every such workload in a production-tier environment carries the waiver (the gate passes)', () => {
    const production = workloads.filter((r) => r.environment !== 'dev');
    expect(production.length).toBeGreaterThanOrEqual(8); // 4 Deployments × staging, prod
    for (const r of production) expect([r.environment, r.object.metadata.name, r.object.metadata.annotations?.[annotation]]).toEqual([r.environment, r.object.metadata.name, expect.stringMatching(/reference config uses example images/)]);
    expect(committed().gate.violations).toEqual([]);
  });

  test('dev (tier development) carries no such waiver: the rule does not apply there', () => {
    const dev = objects.filter((r) => r.environment === 'dev');
    expect(dev.some((r) => workloads.includes(r))).toBe(true);
    for (const r of dev) expect(r.object.metadata.annotations?.[annotation]).toBeUndefined();
  });
});

describe('without a config nothing says the objects are for production', () => {
  test('the gate over a library user\'s objects does not judge example images; with the environment\'s config it does', () => {
    const api = committed().objects.find((r) => r.environment === 'prod' && r.object.kind === 'Deployment' && r.object.metadata.name === 'support-agent-api')!;
    const copy = structuredClone(api.object) as any;
    copy.metadata.name = 'support-agent-batch';
    copy.metadata.annotations = {};
    const objects = [{ environment: 'prod', workflow: 'support-agent', object: copy }];
    expect(runGate(objects, []).violations.filter((v) => v.rule === 'policy/example-image')).toEqual([]);
    const prod = committed().config.environments.find((e) => e.environment.name === 'prod')!;
    const found = runGate(objects, [{ ...prod, environment: { ...prod.environment, waivers: [] } }]).violations.filter((v) => v.rule === 'policy/example-image');
    expect(found.map((v) => [v.object, v.path, v.value])).toEqual([['Deployment/support-agent/support-agent-batch', '/spec/template/spec/containers/0/image', copy.spec.template.spec.containers[0].image]]);
    expect(found[0].message).toMatch(/registry host "registry\.example\.com", a name reserved for examples .* environment "prod"/);
    expect(found[0].fix).toMatch(/config\/workflows\.yaml.*crane digest.*config\/waivers\.yaml/);
  });
});
