/**
 * scripts/behaviour/gateway-status.js, the Argo CD stage's stand-in for a Gateway API controller:
 * over the committed dev entry (its Gateway, redirect route and workflow routes) every route is
 * accepted, and a route the attachment rules would not admit is refused with the reason.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { listFiles } from '../../src/synth/compare-trees';
import { PROJECT_ROOT } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { statuses, hostMatches } = require('../../scripts/behaviour/gateway-status.js') as {
  statuses: (list: { items: unknown[] }) => string[];
  hostMatches: (listener: string, route: string) => boolean;
};

const dev = path.join(PROJECT_ROOT, 'dist', 'dev');
const objects = listFiles(dev)
  .filter((f) => /\/(gateway|httproute|namespace)-/.test(`/${f}`))
  .map((f) => parse(fs.readFileSync(path.join(dev, f), 'utf8')) as any)
  // As the API server returns them: a generation, and Namespaces with their automatic name label.
  .map((o) => ({ ...o, metadata: { ...o.metadata, generation: 1, labels: { ...o.metadata.labels, ...(o.kind === 'Namespace' ? { 'kubernetes.io/metadata.name': o.metadata.name } : {}) } } }));
const ingress = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-ingress', labels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } };

/** The status patches, by `<resource> <namespace>/<name>`. */
function patches(items: unknown[]): Map<string, any> {
  return new Map(statuses({ items }).map((line) => {
    const [resource, ns, name, ...rest] = line.split(' ');
    return [`${resource.split('.')[0]} ${ns}/${name}`, JSON.parse(rest.join(' ')).status];
  }));
}
const accepted = (status: any) => status.parents.map((p: any) => p.conditions.find((c: any) => c.type === 'Accepted'));

test('the committed dev entry: the Gateway is programmed and every route accepted by its listener', () => {
  const routes = objects.filter((o) => o.kind === 'HTTPRoute');
  expect(objects.filter((o) => o.kind === 'Gateway')).toHaveLength(1);
  expect(routes.length).toBeGreaterThanOrEqual(4);
  const out = patches([...objects, ingress]);
  expect(out.get('gateways istio-ingress/langgraph').conditions.map((c: any) => [c.type, c.status])).toEqual([['Accepted', 'True'], ['Programmed', 'True']]);
  for (const r of routes) {
    expect({ route: r.metadata.name, accepted: accepted(out.get(`httproutes ${r.metadata.namespace}/${r.metadata.name}`)).map((c: any) => c.status) }).toEqual({ route: r.metadata.name, accepted: ['True'] });
  }
});

test('a route the listener does not admit is refused, with the reason', () => {
  const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === 'doc-summarizer');
  const cases: [string, any, RegExp][] = [
    ['another namespace', { ...route, metadata: { ...route.metadata, namespace: 'support-agent' } }, /does not select namespace support-agent/],
    ['another hostname', { ...route, spec: { ...route.spec, hostnames: ['evil.example.com'] } }, /no hostname of the route \(evil\.example\.com\) matches listener https-doc-summarizer/],
    ['a listener that does not exist', { ...route, spec: { ...route.spec, parentRefs: [{ ...route.spec.parentRefs[0], sectionName: 'https-nope' }] } }, /has no listener https-nope/],
    ['a Gateway that does not exist', { ...route, spec: { ...route.spec, parentRefs: [{ ...route.spec.parentRefs[0], name: 'nope' }] } }, /no Gateway istio-ingress\/nope/],
  ];
  for (const [what, bad, reason] of cases) {
    const items = [...objects.filter((o) => o !== route), ingress, bad];
    const [condition] = accepted(patches(items).get(`httproutes ${bad.metadata.namespace}/${bad.metadata.name}`));
    expect({ what, status: condition.status, message: condition.message }).toEqual({ what, status: 'False', message: expect.stringMatching(reason) });
  }
});

test('an object whose status already says so is left alone', () => {
  const out = patches([...objects, ingress]);
  const settled = [...objects, ingress].map((o) => {
    const kind = o.kind === 'Gateway' ? 'gateways' : 'httproutes';
    const status = out.get(`${kind} ${o.metadata.namespace}/${o.metadata.name}`);
    return status ? { ...o, status } : o;
  });
  expect(statuses({ items: settled })).toEqual([]);
});

test('hostnames intersect when equal or by a wildcard suffix', () => {
  expect(hostMatches('a.example.com', 'a.example.com')).toBe(true);
  expect(hostMatches('*.example.com', 'a.b.example.com')).toBe(true);
  expect(hostMatches('*.example.com', 'example.com')).toBe(false);
  expect(hostMatches('a.example.com', '*.example.com')).toBe(true);
  expect(hostMatches('a.example.com', 'b.example.com')).toBe(false);
});
