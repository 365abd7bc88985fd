import { KEEP_SYNC_OPTIONS, KeepOnDelete, SYNC_OPTIONS_ANNOTATION } from '../../src/gitops/keep-on-delete';
import { committed } from '../helpers';
import { throughAspects } from '../util/aspect-harness';

const keep = (o: any) => o.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION];

describe('Argo CD never deletes data (Prune=false,Delete=false)', () => {
  const objects = committed().objects.map((r) => r.object as any);

  test('every rendered Namespace carries the keep options', () => {
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) expect([ns.metadata.name, keep(ns)]).toEqual([ns.metadata.name, KEEP_SYNC_OPTIONS]);
  });

  test('every StatefulSet with claims carries them, and retains its claims when deleted', () => {
    const stateful = objects.filter((o) => o.kind === 'StatefulSet' && o.spec.volumeClaimTemplates?.length);
    expect(stateful.length).toBeGreaterThan(0); // dev's Postgres
    for (const s of stateful) {
      expect(keep(s)).toBe(KEEP_SYNC_OPTIONS);
      expect(s.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain').toBe('Retain');
    }
  });

  test('every rendered PriorityClass carries them: while it is gone, admission refuses every new pod naming it', () => {
    const classes = objects.filter((o) => o.kind === 'PriorityClass');
    expect(classes.length).toBeGreaterThan(0); // prod's langgraph-production
    for (const c of classes) expect([c.metadata.name, keep(c)]).toEqual([c.metadata.name, KEEP_SYNC_OPTIONS]);
  });

  test('stateless objects are left to pruning', () => {
    for (const o of objects.filter((x) => ['Deployment', 'Service', 'ConfigMap'].includes(x.kind))) expect(keep(o)).toBeUndefined();
  });

  test('other sync options on a data holder are kept, a Prune/Delete option is replaced', () => {
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd', annotations: { [SYNC_OPTIONS_ANNOTATION]: 'Prune=true,ServerSideApply=true' } } };
    const [out] = throughAspects([pvc], [new KeepOnDelete()]);
    expect(keep(out)).toBe('Prune=false,Delete=false,ServerSideApply=true');
  });

  test('the keep options are the last annotation (where dist/ has always had them); a data holder without annotations gets them', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', annotations: { zeta: 'z', alpha: 'a' } } };
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' } };
    const claimless = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { volumeClaimTemplates: [] } };
    const [outNs, outPvc, outSts] = throughAspects([ns, pvc, claimless], [new KeepOnDelete()]) as any[];
    expect(Object.keys(outNs.metadata.annotations)).toEqual(['alpha', 'zeta', SYNC_OPTIONS_ANNOTATION]);
    expect(outPvc.metadata.annotations).toEqual({ [SYNC_OPTIONS_ANNOTATION]: KEEP_SYNC_OPTIONS });
    expect(keep(outSts)).toBeUndefined();
  });
});
