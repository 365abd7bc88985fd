import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { LocalRateLimit } from '../../src/constructs/local-rate-limit';

const base = { name: 'wf-api-rate-limit', workloadSelector: { app: 'x' }, port: 8000 };
const make = (props: object) => () => new LocalRateLimit(inWorkflow(new Chart(Testing.app(), 'c')), 'r', { ...base, bucket: { maxTokens: 10, tokensPerFill: 5, fillIntervalSeconds: 1 }, ...props });

test('refuses buckets Envoy rejects and an empty selector', () => {
  expect(make({ bucket: { maxTokens: 0, tokensPerFill: 1, fillIntervalSeconds: 1 } })).toThrow(/maxTokens 0/);
  expect(make({ bucket: { maxTokens: 1, tokensPerFill: 1.5, fillIntervalSeconds: 1 } })).toThrow(/tokensPerFill 1.5/);
  expect(make({ bucket: { maxTokens: 1, tokensPerFill: 1, fillIntervalSeconds: 0.01 } })).toThrow(/0.05/);
  expect(make({ workloadSelector: {} })).toThrow(/every workload in the namespace/);
  expect(make({})).not.toThrow();
});

test('snapshot: one bucket on the API port', () => {
  const chart = new Chart(Testing.app(), 'c');
  new LocalRateLimit(inWorkflow(chart), 'r', { ...base, bucket: { maxTokens: 10, tokensPerFill: 5, fillIntervalSeconds: 1 } });
  const objects = Testing.synth(chart);
  expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['EnvoyFilter/wf/wf-api-rate-limit']);
  expect(JSON.stringify(objects[0].spec)).toContain('"max_tokens":10');
  expect(objects).toMatchSnapshot('LocalRateLimit: EnvoyFilter wf/wf-api-rate-limit, 10 tokens, 5 per second');
});
