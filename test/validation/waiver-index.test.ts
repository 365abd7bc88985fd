/** The index finds exactly the waivers `waiverNames` (the definition) says name an object, in list order. */
import { Waiver } from '../../src/config/schema';
import { WaiverIndex } from '../../src/validation/waiver-index';
import { waiverNames, workflowOf } from '../../src/validation/waivers';
import { committed } from '../helpers';

const scan = (waivers: readonly Waiver[], kind: string, name: string, workflow: string | undefined) =>
  waivers.flatMap((w, i) => (waiverNames(w, kind, name, workflow) ? [i] : []));

const w = (kind: string, name: string, rule = 'policy/x'): Waiver => ({ rule, kind, name, reason: 'a reason long enough to pass' });

test('agrees with the definition for every rendered object and its environment\'s waivers', () => {
  const { config, objects } = committed();
  let matched = 0;
  for (const env of config.environments) {
    const waivers = env.environment.waivers;
    expect(waivers.length).toBeGreaterThan(0);
    const index = WaiverIndex.of(waivers);
    for (const r of objects.filter((o) => o.environment === env.environment.name)) {
      const workflow = r.workflow ?? workflowOf(r.object);
      const expected = scan(waivers, r.object.kind, r.object.metadata.name, workflow);
      expect(index.matching(r.object.kind, r.object.metadata.name, workflow)).toEqual(expected);
      matched += expected.length;
    }
  }
  expect(matched).toBeGreaterThan(0);
});

test('exact and <workflow> names of one object come back merged in list order; kind and workflow must match', () => {
  const waivers = [w('Deployment', '<workflow>-api', 'policy/a'), w('Service', 'orders-api'), w('Deployment', 'orders-api', 'policy/b'), w('Deployment', '<workflow>-api', 'policy/c'), w('Deployment', 'x-<workflow>-<workflow>')];
  const index = new WaiverIndex(waivers);
  expect(index.matching('Deployment', 'orders-api', 'orders')).toEqual([0, 2, 3]);
  expect(index.matching('Deployment', 'orders-api', undefined)).toEqual([2]);
  expect(index.matching('Deployment', 'orders-api', 'billing')).toEqual([2]);
  expect(index.matching('Service', 'orders-api', 'orders')).toEqual([1]);
  expect(index.matching('Deployment', 'x-ab-ab', 'ab')).toEqual([4]);
  expect(index.matching('StatefulSet', 'orders-api', 'orders')).toEqual([]);
  for (const [kind, name, workflow] of [['Deployment', 'orders-api', 'orders'], ['Deployment', 'x-ab-ab', 'ab'], ['Service', 'billing-api', 'billing']] as const) {
    expect(index.matching(kind, name, workflow)).toEqual(scan(waivers, kind, name, workflow));
  }
});

test('one index per list', () => {
  const waivers = [w('Deployment', 'a')];
  expect(WaiverIndex.of(waivers)).toBe(WaiverIndex.of(waivers));
  expect(WaiverIndex.of([...waivers])).not.toBe(WaiverIndex.of(waivers));
});
