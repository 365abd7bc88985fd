import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { ExternalServiceEntry } from '../../src/constructs/external-service-entry';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const base = { name: 'wf-x', hosts: ['x.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' as const }] };
const synth = (props: object) => {
  const chart = new Chart(Testing.app(), 'c');
  new ExternalServiceEntry(inWorkflow(chart), 'se', { ...base, ...props });
  const [se] = Testing.synth(chart);
  expect(defaultSchemaRegistry().validate(se)).toEqual([]);
  return se;
};

test('MESH_EXTERNAL, exported to its own namespace only, DNS without addresses', () => {
  expect(synth({}).spec).toEqual({
    hosts: ['x.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
    location: 'MESH_EXTERNAL', resolution: 'DNS', exportTo: ['.'],
  });
});

test('CIDR addresses use resolution NONE (the CRD allows CIDRs only with NONE/STATIC); plain IPs keep DNS', () => {
  expect(synth({ addresses: ['10.0.0.0/24'] }).spec.resolution).toBe('NONE');
  expect(synth({ addresses: ['10.0.0.5'] }).spec.resolution).toBe('DNS');
});

test('targetPort only when it differs from the port', () => {
  const se = synth({ ports: [{ number: 80, name: 'http', protocol: 'HTTP', targetPort: 443 }, { number: 443, name: 'tls', protocol: 'TLS', targetPort: 443 }] });
  expect(se.spec.ports).toEqual([{ number: 80, name: 'http', protocol: 'HTTP', targetPort: 443 }, { number: 443, name: 'tls', protocol: 'TLS' }]);
});

test('refuses no hosts, no ports, duplicate ports and wildcard hosts', () => {
  const make = (props: object) => () => new ExternalServiceEntry(inWorkflow(new Chart(Testing.app(), 'c')), 'se', { ...base, ...props });
  expect(make({ hosts: [] })).toThrow(/no hosts/);
  expect(make({ ports: [] })).toThrow(/no ports/);
  expect(make({ ports: [base.ports[0], base.ports[0]] })).toThrow(/port 443 is listed twice/);
  expect(make({ hosts: ['*.example.com'] })).toThrow(/wildcard/);
});

test('snapshot: one TLS host', () => {
  expect(synth({})).toMatchSnapshot('ExternalServiceEntry: ServiceEntry wf/wf-x for x.example.com:443');
});
