import * as path from 'path';
import { indexManifestFiles, loadDistDirectory } from '../../src/tools/manifest-index';
import { diffManifests, diffValues, FieldChange, formatPath, ManifestDiff } from '../../src/tools/semantic-diff';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'diff');
const load = (name: string) => loadDistDirectory(path.join(FIXTURES, name));
const base = load('base');

function fieldsOf(diff: ManifestDiff, env: string, label: string): Record<string, FieldChange> {
  const change = diff.environments.find((e) => e.env === env)?.changed.find((c) => c.label === label);
  if (!change) throw new Error(`${label} not changed in ${env}`);
  return Object.fromEntries(change.fields.map((f) => [formatPath(f.path), f]));
}

function diffOf(before: unknown, after: unknown): { path: string; kind: string; before?: unknown; after?: unknown }[] {
  const out: FieldChange[] = [];
  diffValues(before, after, [], out);
  return out.map((f) => ({ path: formatPath(f.path), kind: f.kind, before: f.before, after: f.after }));
}

describe('diffManifests on fixture pairs', () => {
  it('finds nothing between a tree and itself reformatted (key order, flow style, quoting, JSON, files split and merged)', () => {
    const diff = diffManifests(base, load('reformatted'));
    expect(diff.environments).toEqual([]);
    expect(diff.risks).toEqual([]);
  });

  it('reports added objects; a new default-deny NetworkPolicy in an existing workflow closes, so it is not risky', () => {
    const diff = diffManifests(base, load('added'));
    expect(diff.environments.map((e) => e.env)).toEqual(['prod']);
    const prod = diff.environments[0];
    expect(prod.added.map((c) => c.label)).toEqual(['ConfigMap support-bot/support-bot-config', 'NetworkPolicy support-bot/support-bot-default-deny']);
    expect(prod.removed).toEqual([]);
    expect(prod.changed).toEqual([]);
    expect(diff.environments[0].workflows).toEqual([]);
    expect(diff.risks).toEqual([]);
  });

  it('reports removed objects (one document of a multi-document file, one whole file); removing an alert rule or a Role narrows, so it is not risky', () => {
    const diff = diffManifests(base, load('removed'));
    const prod = diff.environments[0];
    expect(prod.removed.map((c) => c.label)).toEqual(['PrometheusRule support-bot/support-bot-alerts', 'Role support-bot/support-bot-oncall']);
    expect(prod.added).toEqual([]);
    expect(prod.changed).toEqual([]);
    expect(diff.risks).toEqual([]);
  });

  describe('changed', () => {
    const diff = diffManifests(base, load('changed'));

    it('lists exactly the changed objects per environment; the restyled Gateway is not among them', () => {
      expect(diff.environments.map((e) => [e.env, e.changed.map((c) => c.label)])).toEqual([
        ['dev', ['Deployment support-bot/support-bot-api']],
        ['prod', ['HorizontalPodAutoscaler support-bot/support-bot-api', 'PrometheusRule support-bot/support-bot-alerts', 'Rollout support-bot/support-bot-api']],
      ]);
    });

    it('gives nested field paths with old and new values; containers are matched by name, their order ignored', () => {
      const fields = fieldsOf(diff, 'prod', 'Rollout support-bot/support-bot-api');
      expect(Object.keys(fields).sort()).toEqual([
        'spec.template.spec.containers[name=api].env[name=LOG_LEVEL].value',
        'spec.template.spec.containers[name=api].image',
        'spec.template.spec.containers[name=api].readinessProbe.periodSeconds',
        'spec.template.spec.containers[name=api].resources.limits.memory',
        'spec.template.spec.containers[name=api].securityContext.readOnlyRootFilesystem',
      ]);
      expect(fields['spec.template.spec.containers[name=api].resources.limits.memory']).toMatchObject({ kind: 'changed', before: '2Gi', after: '3Gi' });
      expect(fields['spec.template.spec.containers[name=api].readinessProbe.periodSeconds']).toMatchObject({ before: 5, after: 10 });
      expect(fields['spec.template.spec.containers[name=api].env[name=LOG_LEVEL].value']).toMatchObject({ before: 'info', after: 'debug' });
    });

    it('flags the image, replica, HPA bound, probe and securityContext changes as risky, each with why, and nothing else (memory raised, env value)', () => {
      expect(diff.risks.every((r) => (r.note ?? '').length > 20)).toBe(true);
      const risks = diff.risks.map((r) => [r.env, r.object.label, r.field && formatPath(r.field.path), r.reasons]);
      expect(risks).toEqual([
        ['dev', 'Deployment support-bot/support-bot-api', 'spec.replicas', ['replicas']],
        ['prod', 'HorizontalPodAutoscaler support-bot/support-bot-api', 'spec.maxReplicas', ['autoscaling bounds']],
        ['prod', 'Rollout support-bot/support-bot-api', 'spec.template.spec.containers[name=api].image', ['image']],
        ['prod', 'Rollout support-bot/support-bot-api', 'spec.template.spec.containers[name=api].readinessProbe.periodSeconds', ['probe']],
        ['prod', 'Rollout support-bot/support-bot-api', 'spec.template.spec.containers[name=api].securityContext.readOnlyRootFilesystem', ['securityContext']],
      ]);
      const image = diff.risks.find((r) => r.reasons.includes('image'))!.field!;
      expect(image.before).toBe('registry.example.com/support/support-bot@sha256:1111111111111111111111111111111111111111111111111111111111111111');
      expect(image.after).toBe('registry.example.com/support/support-bot@sha256:3333333333333333333333333333333333333333333333333333333333333333');
    });

    it('reports a multi-line string change as one field, the alert rule matched by its alert name', () => {
      const fields = fieldsOf(diff, 'prod', 'PrometheusRule support-bot/support-bot-alerts');
      const expr = fields['spec.groups[name=support-bot.rules].rules[alert=SupportBotHighErrorRatio].expr'];
      expect(expr.kind).toBe('changed');
      expect(String(expr.before)).toContain('> 0.05');
      expect(String(expr.after)).toContain('> 0.02');
    });
  });

  it('treats environments present on one side only as all added or all removed', () => {
    const onlyDev = indexManifestFiles([{ path: 'dev/w/a.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: w}\n' }], 'x');
    const empty = indexManifestFiles([], 'y');
    expect(diffManifests(empty, onlyDev).environments[0].added.map((c) => c.label)).toEqual(['ConfigMap w/a']);
    expect(diffManifests(onlyDev, empty).environments[0].removed.map((c) => c.label)).toEqual(['ConfigMap w/a']);
  });

  it('reports a move to another folder (another Argo CD Application), not a move between files of one folder', () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: w}\n';
    const at = (file: string) => indexManifestFiles([{ path: file, text: doc }], file);
    expect(diffManifests(at('dev/w/a.yaml'), at('dev/w/b.yaml')).environments).toEqual([]);
    const moved = diffManifests(at('dev/w/a.yaml'), at('dev/_shared/a.yaml')).environments[0].changed[0].fields;
    expect(moved).toEqual([{ kind: 'moved', path: [], before: 'dev/w/a.yaml', after: 'dev/_shared/a.yaml' }]);
  });
});

describe('diffValues', () => {
  it('ignores key order', () => {
    expect(diffOf({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toEqual([]);
  });

  it('keeps types apart: the string "1" is not the number 1', () => {
    expect(diffOf({ v: '1' }, { v: 1 })).toEqual([{ path: 'v', kind: 'changed', before: '1', after: 1 }]);
  });

  it('shows an item inserted into a named list as one addition, not a shift of every later item', () => {
    const before = { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] };
    const after = { env: [{ name: 'NEW', value: '0' }, { name: 'A', value: '1' }, { name: 'B', value: '2' }] };
    expect(diffOf(before, after)).toEqual([{ path: 'env[name=NEW]', kind: 'added', before: undefined, after: { name: 'NEW', value: '0' } }]);
  });

  it('reports a reordered env list as one reordering line (order can matter for $(VAR) expansion)', () => {
    const before = { env: [{ name: 'A', value: '1' }, { name: 'B', value: '$(A)' }] };
    const after = { env: [{ name: 'B', value: '$(A)' }, { name: 'A', value: '1' }] };
    expect(diffOf(before, after)).toEqual([{ path: 'env', kind: 'reordered', before: ['A', 'B'], after: ['B', 'A'] }]);
  });

  it('does not report reordered containers, ports or volumes', () => {
    const c = (name: string) => ({ name, image: `${name}:1` });
    expect(diffOf({ containers: [c('a'), c('b')], ports: [{ name: 'http' }, { name: 'metrics' }] }, { ports: [{ name: 'metrics' }, { name: 'http' }], containers: [c('b'), c('a')] })).toEqual([]);
  });

  it('shows a changed order-significant list of scalars whole, compares sets by member, and unkeyed mappings by index', () => {
    expect(diffOf({ args: ['a', 'b'] }, { args: ['b', 'a', 'c'] })).toEqual([{ path: 'args', kind: 'changed', before: ['a', 'b'], after: ['b', 'a', 'c'] }]);
    expect(diffOf({ hosts: ['a', 'b'] }, { hosts: ['b', 'a', 'c'] })).toEqual([{ path: 'hosts[=c]', kind: 'added', before: undefined, after: 'c' }]);
    expect(diffOf({ steps: [{ setWeight: 10 }, { pause: {} }] }, { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }] })).toEqual([
      { path: 'steps[0].setWeight', kind: 'changed', before: 10, after: 20 },
      { path: 'steps[2]', kind: 'added', before: undefined, after: { setWeight: 50 } },
    ]);
  });

  it('falls back to index comparison when no key is unique (e.g. two sidecars both named "proxy")', () => {
    const before = { sidecars: [{ name: 'proxy', weight: 1 }, { name: 'proxy', weight: 2 }] };
    const after = { sidecars: [{ name: 'proxy', weight: 1 }, { name: 'proxy', weight: 3 }] };
    expect(diffOf(before, after)).toEqual([{ path: 'sidecars[1].weight', kind: 'changed', before: 2, after: 3 }]);
  });

  it('quotes keys that are not identifiers in paths', () => {
    expect(diffOf({ metadata: { labels: { 'app.kubernetes.io/version': '1' } } }, { metadata: { labels: { 'app.kubernetes.io/version': '2' } } })[0].path).toBe(
      'metadata.labels["app.kubernetes.io/version"]',
    );
  });
});

describe('risk flags', () => {
  const one = (kind: string, body: string) =>
    indexManifestFiles([{ path: 'prod/w/x.yaml', text: `apiVersion: v1\nkind: ${kind}\nmetadata: {name: x, namespace: w}\n${body}` }], 'side');

  it.each([
    ['Role', 'rules: [{verbs: [get]}]\n', 'rules: [{verbs: [get, delete]}]\n', 'RBAC widening'],
    ['ClusterRoleBinding', 'roleRef: {name: a}\n', 'roleRef: {name: b}\n', 'RBAC widening'],
    ['ServiceAccount', 'automountServiceAccountToken: false\n', 'automountServiceAccountToken: true\n', 'RBAC widening'],
    ['NetworkPolicy', 'spec: {podSelector: {}}\n', 'spec: {podSelector: {matchLabels: {a: b}}}\n', 'NetworkPolicy opening'],
    ['PeerAuthentication', 'spec: {mtls: {mode: STRICT}}\n', 'spec: {mtls: {mode: PERMISSIVE}}\n', 'mesh policy'],
    ['AuthorizationPolicy', 'spec: {action: ALLOW}\n', 'spec: {action: DENY}\n', 'mesh policy'],
    ['ScaledObject', 'spec: {minReplicaCount: 1}\n', 'spec: {minReplicaCount: 2}\n', 'autoscaling bounds'],
    ['StatefulSet', 'spec: {template: {spec: {securityContext: {runAsUser: 1000}}}}\n', 'spec: {template: {spec: {}}}\n', 'securityContext'],
    ['Deployment', 'spec: {template: {spec: {initContainers: [{name: i, image: a}]}}}\n', 'spec: {template: {spec: {initContainers: [{name: i, image: b}]}}}\n', 'image'],
    ['Deployment', 'spec: {template: {spec: {containers: [{name: a, image: a}]}}}\n', 'spec: {template: {spec: {containers: [{name: a, image: a}, {name: b, image: b}]}}}\n', 'image'],
  ])('flags a change in %s as %s', (kind, before, after, reason) => {
    const diff = diffManifests(one(kind, before), one(kind, after));
    expect(diff.environments[0].changed).toHaveLength(1);
    expect(diff.risks.flatMap((r) => r.reasons)).toContain(reason);
  });

  it('does not flag label or annotation changes on RBAC and policy objects, except ClusterRole aggregation labels', () => {
    const labelled = (kind: string, labels: string) =>
      indexManifestFiles([{ path: 'p/w/x.yaml', text: `apiVersion: v1\nkind: ${kind}\nmetadata: {name: x, namespace: w, labels: {${labels}}, annotations: {a: "${labels.length}"}}\n` }], 's');
    const version = diffManifests(labelled('NetworkPolicy', 'app.kubernetes.io/version: "1"'), labelled('NetworkPolicy', 'app.kubernetes.io/version: "2"'));
    expect(version.environments[0].changed[0].fields.length).toBeGreaterThan(0);
    expect(version.risks).toEqual([]);
    const aggregate = diffManifests(labelled('ClusterRole', 'team: a'), labelled('ClusterRole', 'team: a, rbac.authorization.k8s.io/aggregate-to-admin: "true"'));
    expect(aggregate.risks.map((r) => [formatPath(r.field!.path), r.reasons])).toEqual([
      ['metadata.labels["rbac.authorization.k8s.io/aggregate-to-admin"]', ['RBAC widening']],
    ]);
  });

  it('does not flag ordinary changes (a ConfigMap value, an env value), but does flag a probe change', () => {
    const diff = diffManifests(
      one('ConfigMap', 'data: {a: "1"}\n'),
      one('ConfigMap', 'data: {a: "2"}\n'),
    );
    expect(diff.environments[0].changed).toHaveLength(1);
    expect(diff.risks).toEqual([]);
    const deploy = (period: number, level: string) =>
      one('Deployment', `spec: {template: {spec: {containers: [{name: a, image: x, env: [{name: L, value: ${level}}], readinessProbe: {periodSeconds: ${period}}}]}}}\n`);
    const second = diffManifests(deploy(5, 'info'), deploy(10, 'debug'));
    expect(second.environments[0].changed[0].fields).toHaveLength(2);
    expect(second.risks.map((r) => [formatPath(r.field!.path), r.reasons])).toEqual([['spec.template.spec.containers[name=a].readinessProbe.periodSeconds', ['probe']]]);
    expect(diffManifests(deploy(5, 'info'), deploy(5, 'debug')).risks).toEqual([]);
  });
});
