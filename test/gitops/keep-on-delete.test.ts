import { KEEP_SYNC_OPTIONS, SYNC_OPTIONS_ANNOTATION, applyKeepOnDelete } from '../../src/gitops/keep-on-delete';
import { committed } from '../helpers';

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

  test('stateless objects are left to pruning', () => {
    for (const o of objects.filter((x) => ['Deployment', 'Service', 'ConfigMap'].includes(x.kind))) expect(keep(o)).toBeUndefined();
  });

  test('other sync options on a data holder are kept, a Prune/Delete option is replaced', () => {
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd', annotations: { [SYNC_OPTIONS_ANNOTATION]: 'Prune=true,ServerSideApply=true' } } };
    const [out] = applyKeepOnDelete([{ environment: 'dev', workflow: 'w', object: pvc } as any]);
    expect(keep(out.object)).toBe('Prune=false,Delete=false,ServerSideApply=true');
  });
});
