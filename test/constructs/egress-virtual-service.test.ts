import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { EgressDestinationRule } from '../../src/constructs/egress-destination-rule';
import { EgressVirtualService } from '../../src/constructs/egress-virtual-service';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const base = { name: 'wf-llm', host: 'llm.example.com' };
const http = { port: 80, timeoutSeconds: 60, retries: { attempts: 2, retryOn: 'connect-failure' } };
const make = (props: object) => () => new EgressVirtualService(inWorkflow(new Chart(Testing.app(), 'c')), 'vs', { ...base, ...props } as any);

test('refuses unbounded retries, a per-try timeout above the route timeout, and no route at all', () => {
  expect(make({ http: { ...http, retries: { attempts: 5, retryOn: 'connect-failure' } } })).toThrow(/5 retry attempts; use 0–3/);
  expect(make({ http: { ...http, retries: { attempts: 1, perTryTimeoutSeconds: 90, retryOn: 'connect-failure' } } })).toThrow(/perTryTimeout 90s exceeds the route timeout 60s/);
  expect(make({})).toThrow(/neither an HTTP nor a TLS route/);
});

test('passthrough-only VirtualService has a TLS route by SNI and no HTTP route', () => {
  const chart = new Chart(Testing.app(), 'c');
  new EgressVirtualService(inWorkflow(chart), 'vs', { ...base, tlsPassthroughPort: 443 });
  const [vs] = Testing.synth(chart);
  expect(defaultSchemaRegistry().validate(vs)).toEqual([]);
  expect(vs.spec.http).toBeUndefined();
  expect(vs.spec.tls).toEqual([{ match: [{ port: 443, sniHosts: ['llm.example.com'] }], route: [{ destination: { host: 'llm.example.com', port: { number: 443 } } }] }]);
});

test('DestinationRule without origination sets no TLS and no port-level settings', () => {
  const chart = new Chart(Testing.app(), 'c');
  new EgressDestinationRule(inWorkflow(chart), 'dr', {
    ...base,
    connectionPool: { maxConnections: 1, maxPendingRequests: 1, maxRequests: 1, connectTimeoutSeconds: 1, idleTimeoutSeconds: 1 },
    outlierDetection: { consecutive5xxErrors: 1, intervalSeconds: 1, baseEjectionSeconds: 1, maxEjectionPercent: 1 },
  });
  const [dr] = Testing.synth(chart);
  expect(defaultSchemaRegistry().validate(dr)).toEqual([]);
  expect(dr.spec.trafficPolicy.tls).toBeUndefined();
  expect(dr.spec.trafficPolicy.portLevelSettings).toBeUndefined();
  expect(dr.spec.exportTo).toEqual(['.']);
});

test('snapshot: an HTTP egress VirtualService and its DestinationRule', () => {
  const chart = new Chart(Testing.app(), 'c');
  new EgressVirtualService(inWorkflow(chart), 'vs', { ...base, http });
  new EgressDestinationRule(inWorkflow(chart), 'dr', {
    ...base,
    connectionPool: { maxConnections: 10, maxPendingRequests: 5, maxRequests: 20, connectTimeoutSeconds: 5, idleTimeoutSeconds: 300 },
    outlierDetection: { consecutive5xxErrors: 5, intervalSeconds: 30, baseEjectionSeconds: 60, maxEjectionPercent: 50 },
  });
  const objects = Testing.synth(chart);
  expect(objects.map((o) => o.kind)).toEqual(['VirtualService', 'DestinationRule']);
  for (const o of objects) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
  expect(objects).toMatchSnapshot('EgressVirtualService + EgressDestinationRule: wf/wf-llm to llm.example.com');
});
