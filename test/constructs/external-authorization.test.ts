import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { ExternalAuthorization } from '../../src/constructs/external-authorization';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const selector = { 'app.kubernetes.io/name': 'langgraph-api', 'app.kubernetes.io/instance': 'wf', 'app.kubernetes.io/component': 'api' };
const props = { name: 'wf-api-ext-authz', selector, port: 8000, provider: 'oauth2-proxy', principals: ['cluster.local/ns/gw/sa/gw'], exemptPaths: ['/ok'] };
const chart = () => new Chart(Testing.app(), 'c');

test('CUSTOM with the provider, for the named sources only, the health check exempt', () => {
  const c = chart();
  new ExternalAuthorization(inWorkflow(c), 'x', props);
  const [p] = Testing.synth(c);
  expect(defaultSchemaRegistry().validate(p)).toEqual([]);
  expect(p.spec).toEqual({
    selector: { matchLabels: selector },
    action: 'CUSTOM',
    provider: { name: 'oauth2-proxy' },
    rules: [{ from: [{ source: { principals: ['cluster.local/ns/gw/sa/gw'] } }], to: [{ operation: { ports: ['8000'], notPaths: ['/ok'] } }] }],
  });
});

test('refuses an empty provider and no principals at synth, and an uncaptured port at once', () => {
  const c = chart();
  new ExternalAuthorization(inWorkflow(c), 'x', { ...props, provider: '', principals: [] });
  expect(() => Testing.synth(c)).toThrow(/provider "" is empty[\s\S]*no principals/);
  expect(() => new ExternalAuthorization(inWorkflow(chart()), 'y', { ...props, port: 15021 })).toThrow(/15021 is not intercepted/);
});
