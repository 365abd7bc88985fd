import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findPodTemplates, podFromTemplate } from '../../scripts/cluster/pods-from-templates';
import { extractRuleFiles } from '../../scripts/ci/extract-rules';
import { splitNamespaces } from '../../scripts/cluster/namespaces-of';
import { parse } from 'yaml';

const template = (user: number) => ({
  metadata: { labels: { app: 'x' } },
  spec: { securityContext: { runAsUser: user }, containers: [{ name: 'c', image: 'i' }] },
});

describe('findPodTemplates', () => {
  it('finds the template of each built-in workload at its own path', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { template: template(1) } };
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'n' },
      spec: { jobTemplate: { spec: { template: template(2) } } },
    };
    expect(findPodTemplates(deployment).found.map((f) => f.path)).toEqual(['spec.template']);
    expect(findPodTemplates(cronJob).found.map((f) => [f.path, f.template.spec])).toEqual([
      ['spec.jobTemplate.spec.template', template(2).spec],
    ]);
  });

  it("checks a Rollout's own template but skips one that reuses a Deployment's through workloadRef", () => {
    const own = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { template: template(3) } };
    const ref = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' } },
    };
    expect(findPodTemplates(own).found).toHaveLength(1);
    expect(findPodTemplates(ref).found).toHaveLength(0);
    expect(findPodTemplates(ref).skipped?.reason).toContain('Deployment d');
  });

  it("finds every job template of an AnalysisTemplate's metrics", () => {
    const analysis = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'a', namespace: 'n' },
      spec: {
        metrics: [
          { name: 'web', provider: { web: { url: 'http://x' } } },
          { name: 'job', provider: { job: { spec: { template: template(4) } } } },
        ],
      },
    };
    expect(findPodTemplates(analysis).found.map((f) => f.path)).toEqual(['spec.metrics[1].provider.job.spec.template']);
  });

  it('ignores objects without pod templates, including a custom kind named like a workload', () => {
    expect(findPodTemplates({ apiVersion: 'v1', kind: 'Service', spec: {} }).found).toEqual([]);
    expect(findPodTemplates({ apiVersion: 'example.com/v1', kind: 'Deployment', spec: { template: template(5) } }).found).toEqual([]);
  });
});

describe('podFromTemplate', () => {
  it("builds a Pod in the owner's namespace with the template's labels and spec", () => {
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'Api_Server', namespace: 'team' }, spec: { template: template(6) } };
    const [found] = findPodTemplates(owner).found;
    const pod = podFromTemplate(found, 0) as { kind: string; metadata: Record<string, unknown>; spec: unknown };
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.namespace).toBe('team');
    expect(pod.metadata.name).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
    expect(pod.metadata.labels).toEqual({ app: 'x' });
    expect(pod.spec).toEqual(template(6).spec);
  });
});

describe('StatefulSet pods', () => {
  it("carry the claim volumes the StatefulSet's controller adds, replacing same-named template volumes", () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'n' },
      spec: {
        template: { spec: { containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'data', emptyDir: {} }, { name: 'shm', emptyDir: {} }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }],
      },
    };
    const [found] = findPodTemplates(sts).found;
    const pod = podFromTemplate(found, 0) as { spec: { volumes: unknown[] } };
    expect(pod.spec.volumes).toEqual([
      { name: 'shm', emptyDir: {} },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } },
    ]);
  });
});

describe('manifest folder helpers', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgp-ci-'));
    fs.mkdirSync(path.join(dir, 'wf'));
    fs.writeFileSync(
      path.join(dir, 'wf', 'all.yaml'),
      [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: wf}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: wf}',
        'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m, namespace: monitoring}',
        'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r, namespace: wf}\nspec:\n  groups:\n    - name: g\n      rules: [{record: a:b, expr: up, labels: {paging: "no"}}]',
      ].join('\n---\n'),
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('separates rendered Namespaces from namespaces that are only used', () => {
    const split = splitNamespaces(dir);
    expect(split.rendered.map((ns) => (ns.metadata as { name: string }).name)).toEqual(['wf']);
    expect(split.external).toEqual(['monitoring']);
  });

  it("writes a PrometheusRule's groups as a plain rule file that YAML 1.1 readers read back unchanged", () => {
    const out = path.join(dir, 'rules');
    const [written] = extractRuleFiles(dir, out);
    // promtool reads YAML 1.1, where an unquoted `no` would be the boolean false.
    expect(parse(fs.readFileSync(written.path, 'utf8'), { version: '1.1' })).toEqual({
      groups: [{ name: 'g', rules: [{ record: 'a:b', expr: 'up', labels: { paging: 'no' } }] }],
    });
  });
});
