/**
 * The behaviour canary's transformation (scripts/behaviour/canary-transform.ts), on the real
 * rendered objects of dist/prod/support-agent: only time constants and the Prometheus address
 * change, each change is listed, and anything it cannot rescale is refused.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDuration } from '../../scripts/signals/promql-scan';
import type { K8sObject } from '../../scripts/signals/rendered';
import { assertOnlyListedChanges, readFolder, transformFolder, transformForCanaryTest } from '../../scripts/behaviour/canary-transform';

const DIR = path.join(__dirname, '../../dist/prod/support-agent');
const OPTS = { divisor: 10, minRangeMs: 4000, prometheusAddress: 'http://127.0.0.1:9090' };
const rendered = (): K8sObject[] => readFolder(DIR).flatMap((f) => f.objects);
const argoSeconds = (v: unknown) => (typeof v === 'number' ? v * 1000 : parseDuration(String(v)));
const ranges = (q: string) => [...q.matchAll(/\[(\d+[smhdwy])\]/g)].map((m) => parseDuration(m[1]));

describe('transformForCanaryTest on dist/prod/support-agent', () => {
  const before = rendered();
  const { objects: after, changes } = transformForCanaryTest(before, OPTS);
  const pair = (kind: string) => before.map((o, i) => [o, after[i]] as const).filter(([o]) => o.kind === kind);

  it('divides every pause of the rendered Rollout by the divisor', () => {
    const [[r0, r1]] = pair('Rollout');
    const steps0 = r0.spec.strategy.canary.steps as { pause?: { duration: unknown } }[];
    const steps1 = r1.spec.strategy.canary.steps as { pause?: { duration: unknown } }[];
    const pauses = steps0.map((s, i) => [s.pause?.duration, steps1[i].pause?.duration]).filter(([a]) => a !== undefined);
    expect(pauses.length).toBeGreaterThan(0);
    for (const [a, b] of pauses) expect(argoSeconds(b)).toBe(argoSeconds(a) / OPTS.divisor);
  });

  it('divides every analysis interval and PromQL range, and points every metric at the loopback Prometheus', () => {
    const templates = pair('AnalysisTemplate');
    expect(templates.length).toBeGreaterThan(0);
    for (const [t0, t1] of templates) {
      (t0.spec.metrics as Record<string, any>[]).forEach((m0, i) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const m1 = t1.spec.metrics[i];
        expect(argoSeconds(m1.interval)).toBe(argoSeconds(m0.interval) / OPTS.divisor);
        expect(m0.provider.prometheus.address).not.toBe(OPTS.prometheusAddress);
        expect(m1.provider.prometheus.address).toBe(OPTS.prometheusAddress);
        const r0 = ranges(m0.provider.prometheus.query);
        expect(r0.length).toBeGreaterThan(0);
        expect(ranges(m1.provider.prometheus.query)).toEqual(r0.map((ms) => ms / OPTS.divisor));
        // Outside the ranges the query is the same text (the argument placeholders included).
        expect(m1.provider.prometheus.query.replace(/\[\d+[smhdwy]\]/g, '[]')).toBe(m0.provider.prometheus.query.replace(/\[\d+[smhdwy]\]/g, '[]'));
      });
    }
  });

  it('leaves every other object deep-equal and lists one change per changed value', () => {
    const touched = new Set(['Rollout', 'AnalysisTemplate']);
    before.forEach((o, i) => {
      if (!touched.has(o.kind)) expect(after[i]).toEqual(o);
    });
    const pauses = pair('Rollout').flatMap(([r]) => (r.spec.strategy.canary.steps as { pause?: unknown }[]).filter((s) => s.pause)).length;
    const metrics = pair('AnalysisTemplate').flatMap(([t]) => t.spec.metrics as { provider: { prometheus: { query: string } } }[]);
    const rangeCount = metrics.reduce((n, m) => n + ranges(m.provider.prometheus.query).length, 0);
    // pauses + (interval + address + whole query) per metric + each range
    expect(changes.length).toBe(pauses + metrics.length * 3 + rangeCount);
  });

  it('detects any change that is not listed', () => {
    const tampered = JSON.parse(JSON.stringify(after)) as K8sObject[];
    const rollout = tampered.find((o) => o.kind === 'Rollout')!;
    rollout.spec.strategy.canary.steps[0].setWeight = 20;
    expect(() => assertOnlyListedChanges(before, tampered, changes)).toThrow(/changed more than the listed fields/);
    const template = tampered.find((o) => o.kind === 'AnalysisTemplate')!;
    expect(() => assertOnlyListedChanges(before, [...tampered.filter((o) => o !== template)], changes)).toThrow();
  });

  it('refuses a time field it does not rescale, an unknown metric field and a non-loopback address', () => {
    const withDelay = rendered();
    withDelay.find((o) => o.kind === 'Rollout')!.spec.strategy.canary.scaleDownDelaySeconds = 30;
    expect(() => transformForCanaryTest(withDelay, OPTS)).toThrow(/scaleDownDelaySeconds is a time constant .* teach it/);
    const withTimeout = rendered();
    withTimeout.find((o) => o.kind === 'AnalysisTemplate')!.spec.metrics[0].provider.prometheus.timeout = 30;
    expect(() => transformForCanaryTest(withTimeout, OPTS)).toThrow(/provider.prometheus.timeout unknown/);
    const withExperiment = rendered();
    withExperiment.find((o) => o.kind === 'Rollout')!.spec.strategy.canary.steps.push({ experiment: { duration: '1h', templates: [] } });
    expect(() => transformForCanaryTest(withExperiment, OPTS)).toThrow(/steps\[\d+\]\.experiment/);
    expect(() => transformForCanaryTest(rendered(), { ...OPTS, prometheusAddress: 'http://prometheus.example.com:9090' })).toThrow(/not loopback/);
  });

  it('writes the folder with untouched files byte-identical', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-transform-'));
    try {
      const { rewritten, copied } = transformFolder(DIR, out, OPTS);
      expect(rewritten.every((f) => /^(rollout|analysistemplate)-/.test(f))).toBe(true);
      const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
      expect(copied + rewritten.length).toBe(files.length);
      for (const f of files.filter((x) => !rewritten.includes(x))) expect(fs.readFileSync(path.join(out, f))).toEqual(fs.readFileSync(path.join(DIR, f)));
      expect(readFolder(out).flatMap((f) => f.objects)).toEqual(transformForCanaryTest(rendered(), OPTS).objects);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
