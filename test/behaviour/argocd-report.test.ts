import { readManifests } from '../../scripts/ci/manifest-files';
import { judgeApplication, waveOrder } from '../../scripts/behaviour/argocd-report';
import { syncOrder } from '../../scripts/behaviour/sync-order';

const PATH = 'dist/staging/support-agent';
const rendered = readManifests(PATH).map((m) => m.object);

/** What Argo CD records for an object it applied: group, kind, namespace (the destination's for a Namespace too), name. */
const asSynced = (o: any) => ({
  group: String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '',
  kind: o.kind,
  namespace: o.metadata.namespace ?? 'support-agent',
  name: o.metadata.name,
  status: 'Synced',
});
const inArgoOrder = syncOrder(rendered).flatMap((w) => w.objects).map(asSynced);

describe('waveOrder on dist/staging/support-agent', () => {
  it('accepts the objects applied in Argo CD\'s order: ascending waves, nothing missing', () => {
    const order = waveOrder(inArgoOrder, rendered, 'support-agent');
    expect(order.ascending).toBe(true);
    expect(order.runs.map((r) => r.wave)).toEqual([-2, -1, 0, 1]);
    expect(order.runs.reduce((n, r) => n + r.count, 0)).toBe(rendered.length);
    expect(order.missing).toEqual([]);
    expect(order.unknown).toEqual([]);
  });

  it('refuses a Rollout applied before the Deployment it refers to', () => {
    const rollout = inArgoOrder.findIndex((r) => r.kind === 'Rollout');
    const swapped = [inArgoOrder[rollout], ...inArgoOrder.filter((_, i) => i !== rollout)];
    const order = waveOrder(swapped, rendered, 'support-agent');
    expect(order.ascending).toBe(false);
    expect(order.runs[0]).toEqual({ wave: 1, count: 1 });
  });

  it('names a rendered object the sync left out, and a synced object not rendered', () => {
    const order = waveOrder([...inArgoOrder.filter((r) => r.kind !== 'Rollout'), { kind: 'Pod', namespace: 'support-agent', name: 'x' }], rendered, 'support-agent');
    expect(order.missing).toEqual(['argoproj.io/Rollout/support-agent/support-agent-api']);
    expect(order.unknown).toEqual(['/Pod/support-agent/x']);
  });
});

describe('judgeApplication', () => {
  const app = (status: object) => ({
    metadata: { name: 'langgraph-staging-support-agent' },
    spec: { source: { path: PATH }, destination: { namespace: 'support-agent' } },
    status,
  });
  const succeeded = {
    phase: 'Succeeded', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:42Z',
    syncResult: { revision: '986381a0c1d2', resources: inArgoOrder },
  };

  it('passes a Synced, Healthy Application whose sync applied every object in wave order', () => {
    const v = judgeApplication(app({ sync: { status: 'Synced' }, health: { status: 'Healthy' }, operationState: succeeded,
      resources: [{ kind: 'Rollout', name: 'support-agent-api', health: { status: 'Healthy' } }] }), '.', true);
    expect(v.problems).toEqual([]);
    const perWave = syncOrder(rendered).map((w) => `${w.wave}(${w.objects.length})`).join(' → ');
    expect(v.line).toBe(`langgraph-staging-support-agent: Synced, Healthy, sync Succeeded in 42s, ${rendered.length} objects in waves `
      + `${perWave}; Rollout/support-agent-api Healthy`);
  });

  it('fails an OutOfSync or unhealthy Application, and a failed operation', () => {
    const v = judgeApplication(app({ sync: { status: 'OutOfSync' }, health: { status: 'Progressing' },
      operationState: { ...succeeded, phase: 'Failed', message: 'one or more objects failed to apply' } }), '.', true);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      'sync status is OutOfSync, not Synced',
      'health is Progressing, not Healthy',
      'last sync operation is Failed: one or more objects failed to apply',
    ]);
  });

  it('judges the first recorded sync when Argo CD synced again a moment later, and lists the later one', () => {
    const hpa = inArgoOrder.filter((r) => r.kind === 'HorizontalPodAutoscaler');
    expect(hpa).toHaveLength(1);
    const resync = { phase: 'Succeeded', startedAt: '2026-01-01T00:00:43Z', finishedAt: '2026-01-01T00:00:43Z', syncResult: { revision: succeeded.syncResult.revision, resources: hpa }, operation: { initiatedBy: { automated: true } } };
    const status = { sync: { status: 'Synced' }, health: { status: 'Healthy' }, operationState: resync };
    // The status alone holds only the later, partial sync: judged on it, the Application fails.
    expect(judgeApplication(app(status), '.', true).problems).toEqual([expect.stringMatching(/^the sync result lacks \d+ rendered object/)]);
    const v = judgeApplication(app(status), '.', true, [resync, succeeded]);
    expect(v.problems).toEqual([]);
    expect(v.line).toMatch(/sync Succeeded in 42s, .*; then 1 more sync\(s\): automated at the same revision, of HorizontalPodAutoscaler\/support-agent-api$/);
    const byHand = { ...resync, startedAt: '2026-01-01T00:01:00Z', syncResult: { revision: 'f00dfeed1234', resources: hpa }, operation: { initiatedBy: { username: 'admin' } } };
    expect(judgeApplication(app(status), '.', true, [succeeded, byHand]).line).toMatch(/; then 1 more sync\(s\): by admin at revision f00dfee, of HorizontalPodAutoscaler\/support-agent-api$/);
    expect(judgeApplication(app(status), '.', true, [succeeded, { ...resync, phase: 'Failed', message: 'boom' }]).problems).toEqual(['a later sync operation is Failed: boom']);
  });

  it('does not require health without --healthy', () => {
    const v = judgeApplication(app({ sync: { status: 'Synced' }, health: { status: 'Progressing' }, operationState: succeeded }), '.', false);
    expect(v.ok).toBe(true);
  });
});
