import { stringify } from 'yaml';
import { indexManifestFiles } from '../../src/tools/manifest-index';
import { diffManifests } from '../../src/tools/semantic-diff';
import { renderMarkdownReport, renderTextReport } from '../../src/tools/diff-report';

const NS = 'wf';
const deployment = (replicas?: number) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'wf-api', namespace: NS },
  spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: 'wf' } }, template: { metadata: { labels: { app: 'wf' } }, spec: { containers: [{ name: 'api', image: 'img:1' }] } } },
});
const rollout = (scaleDown: string) => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'wf-api', namespace: NS },
  spec: { selector: { matchLabels: { app: 'wf' } }, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'wf-api', scaleDown }, strategy: { canary: { steps: [{ setWeight: 10 }] } } },
});
const tree = (source: string, ...objects: object[]) =>
  indexManifestFiles(objects.map((o: any) => ({ path: `prod/wf/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`, text: stringify(o) })), source);

const switches = (diff: ReturnType<typeof diffManifests>) => diff.risks.filter((r) => r.reasons.includes('delivery strategy switch'));

describe('npm run diff: a switch between rolling and canary is a risky change, with why', () => {
  test('rolling → canary in one step (Deployment to 0, scaleDown never) is flagged as an outage', () => {
    const diff = diffManifests(tree('base', deployment()), tree('head', deployment(0), rollout('never')));
    const [flag] = switches(diff);
    expect(flag.object.label).toBe('Rollout wf/wf-api');
    expect(flag.note).toMatch(/WITHOUT a hand-over: Deployment wf-api is set to replicas 0 with workloadRef.scaleDown never.*outage.*handOver: true/);
    expect(renderTextReport(diff)).toMatch(/RISKY CHANGES[\s\S]*delivery strategy switch[\s\S]*why: rolling → canary WITHOUT a hand-over/);
    expect(renderMarkdownReport(diff)).toMatch(/delivery strategy switch: rolling → canary WITHOUT a hand-over/);
  });

  test('rolling → canary with the hand-over (no replicas in Git, scaleDown progressively) is still listed, as the safe path', () => {
    const [flag] = switches(diffManifests(tree('base', deployment()), tree('head', deployment(), rollout('progressively'))));
    expect(flag.note).toMatch(/with a hand-over: Deployment wf-api keeps its pods.*set delivery.canary.handOver back to false/);
  });

  test('canary → rolling is flagged with the two-step hand-back', () => {
    const [flag] = switches(diffManifests(tree('base', deployment(0), rollout('never')), tree('head', deployment())));
    expect(flag.object.kind).toBe('removed');
    expect(flag.note).toMatch(/canary → rolling.*HPA does not scale from 0.*two-step/);
  });

  test('a new workflow that starts as canary, and an unchanged Rollout, are no switch', () => {
    expect(switches(diffManifests(tree('base'), tree('head', deployment(0), rollout('never'))))).toEqual([]);
    expect(switches(diffManifests(tree('base', deployment(0), rollout('never')), tree('head', deployment(0), rollout('never'))))).toEqual([]);
  });
});
