import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { JwtAuthentication, JwtAuthenticationProps } from '../../src/constructs/jwt-authentication';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const selector = { 'app.kubernetes.io/name': 'langgraph-api', 'app.kubernetes.io/instance': 'wf', 'app.kubernetes.io/component': 'api' };
const props: JwtAuthenticationProps = { name: 'wf-api-jwt', selector, issuer: 'https://idp.example.com', jwksUri: 'https://idp.example.com/jwks.json', audiences: ['wf'] };
const chart = () => new Chart(Testing.app(), 'c');

test('a RequestAuthentication on the selected pods, in the strict schema, keeping the token for the server', () => {
  const c = chart();
  const jwt = new JwtAuthentication(inWorkflow(c), 'j', props);
  const [ra] = Testing.synth(c);
  expect(defaultSchemaRegistry().validate(ra)).toEqual([]);
  expect(ra).toMatchObject({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'wf-api-jwt', namespace: 'wf' } });
  expect(ra.spec).toEqual({
    selector: { matchLabels: selector },
    jwtRules: [{ issuer: 'https://idp.example.com', jwks_uri: 'https://idp.example.com/jwks.json', audiences: ['wf'], forwardOriginalToken: true }],
  });
  expect(jwt.anyPrincipal).toBe('https://idp.example.com/*');
});

test('forwardOriginalToken can be turned off', () => {
  const c = chart();
  new JwtAuthentication(inWorkflow(c), 'j', { ...props, forwardOriginalToken: false });
  expect(Testing.synth(c)[0].spec.jwtRules[0].forwardOriginalToken).toBe(false);
});

test.each([
  [{ jwksUri: 'http://idp.example.com/jwks.json' }, /jwksUri "http:\/\/idp.example.com\/jwks.json" is not an https URL/],
  [{ audiences: [] }, /audiences is empty/],
  [{ audiences: [' '] }, /audiences has an empty value/],
  [{ issuer: '' }, /issuer "" is empty or has spaces/],
] as const)('refuses %j at synth', (change, message) => {
  const c = chart();
  new JwtAuthentication(inWorkflow(c), 'j', { ...props, ...change });
  expect(() => Testing.synth(c)).toThrow(message);
});
