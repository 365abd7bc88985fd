import { SYNC_WAVE_ANNOTATION } from '../../src/gitops/sync-waves';
import { readManifests } from '../../scripts/ci/manifest-files';
import { ARGO_KIND_ORDER, kindCounts, syncOrder, waveOf } from '../../scripts/behaviour/sync-order';

const prod = readManifests('dist/prod').map((m) => m.object);

describe('syncOrder on dist/prod', () => {
  const waves = syncOrder(prod);
  const position = (kind: string, name?: string) => {
    for (const [w, wave] of waves.entries()) {
      const i = wave.objects.findIndex((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
      if (i >= 0) return [w, i];
    }
    throw new Error(`${kind} ${name} not found`);
  };
  const before = (a: number[], b: number[]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

  it('keeps every object, once, in ascending waves', () => {
    expect(waves.flatMap((w) => w.objects)).toHaveLength(prod.length);
    expect(waves.map((w) => w.wave)).toEqual([...waves.map((w) => w.wave)].sort((a, b) => a - b));
    expect(new Set(waves.map((w) => w.wave)).size).toBe(waves.length);
  });

  it('puts each object in the wave its annotation names', () => {
    for (const w of waves) for (const o of w.objects) expect(waveOf(o)).toBe(w.wave);
  });

  it('applies Namespaces and the PriorityClass first, the Rollouts and autoscalers after what they act on', () => {
    expect(waves[0].objects.map((o) => o.kind).sort()).toEqual(['Namespace', 'Namespace', 'Namespace', 'PriorityClass']);
    expect(before(position('Deployment', 'research-assistant-api'), position('Rollout', 'research-assistant-api'))).toBe(true);
    expect(position('HorizontalPodAutoscaler', 'research-assistant-api')[0]).toBe(position('Rollout', 'research-assistant-api')[0]);
    expect(before(position('AnalysisTemplate'), position('Rollout'))).toBe(true);
    expect(before(position('Service', 'research-assistant-api-canary'), position('Rollout'))).toBe(true);
  });

  it('orders a wave by gitops-engine\'s kind order, custom resources after every known kind, then by name', () => {
    for (const w of waves) {
      const ranks = w.objects.map((o) => { const i = ARGO_KIND_ORDER.indexOf(String(o.kind)); return i < 0 ? ARGO_KIND_ORDER.length : i; });
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      for (let i = 1; i < w.objects.length; i++) {
        if (ranks[i] === ranks[i - 1]) expect(String(w.objects[i - 1].metadata?.name) <= String(w.objects[i].metadata?.name)).toBe(true);
      }
    }
    const wave0 = waves.find((w) => w.wave === 0)!;
    expect(kindCounts(wave0.objects).split(',')[0]).toBe('PodDisruptionBudget:4');
  });
});

describe('waveOf', () => {
  it('reads the annotation, 0 without one, and refuses a value that is not a whole number', () => {
    const o = (wave?: string) => ({ kind: 'ConfigMap', metadata: { name: 'c', annotations: wave === undefined ? {} : { [SYNC_WAVE_ANNOTATION]: wave } } });
    expect(waveOf(o('-2'))).toBe(-2);
    expect(waveOf(o())).toBe(0);
    expect(() => waveOf(o('early'))).toThrow('ConfigMap/c: annotation argocd.argoproj.io/sync-wave is "early", not a whole number');
  });
});
