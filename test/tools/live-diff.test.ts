/**
 * The live diff's normalisation on objects recorded from the real API server
 * (test/fixtures/live-diff/README.md says how), and its kubectl plumbing with a recorded runner.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentError } from '../../src/util/environment-error';
import { runDiff } from '../../src/cli/diff';
import { KubectlResult, KubectlRunner, liveDiff, maskSecrets, normalizeServerObject, parseApiResourcesTable, parseJsonStream } from '../../src/tools/live-diff';
import { IndexedObject } from '../../src/tools/manifest-index';
import { KubeObject } from '../../src/model/kube-object';
import { objectIdOf, objectKey } from '../../src/model/object-id';
import { diffManifests, diffValues, FieldChange, formatPath } from '../../src/tools/semantic-diff';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'live-diff');
const read = (file: string) => fs.readFileSync(path.join(FIXTURES, file), 'utf8');
/** One recorded object: `get -f` prints a List, `apply -o json` the object. */
const recorded = (file: string) => {
  const objects = parseJsonStream(read(file));
  expect(objects).toHaveLength(1);
  return objects[0];
};

const paths = (changes: FieldChange[]) => changes.map((c) => `${c.kind} ${formatPath(c.path)}`);
function fieldDiff(before: unknown, after: unknown): string[] {
  const out: FieldChange[] = [];
  diffValues(before, after, [], out);
  return paths(out);
}

describe('normalizeServerObject on recorded objects', () => {
  it('leaves exactly the deliberate change of a Deployment: the LOG_LEVEL env var', () => {
    const live = recorded('deployment-support-agent-api.live.json');
    const dryRun = recorded('deployment-support-agent-api.dry-run.json');
    expect(fieldDiff(normalizeServerObject(live), normalizeServerObject(dryRun))).toEqual([
      'added spec.template.spec.containers[name=api].env[name=LOG_LEVEL]',
    ]);
  });

  it('leaves exactly maxReplicas of the HPA, status and all server metadata gone', () => {
    const live = normalizeServerObject(recorded('horizontalpodautoscaler-support-agent-api.live.json'));
    const dryRun = normalizeServerObject(recorded('horizontalpodautoscaler-support-agent-api.dry-run.json'));
    expect(fieldDiff(live, dryRun)).toEqual(['changed spec.maxReplicas']);
    expect((live as any).spec.maxReplicas).toBe(18);
    expect((dryRun as any).spec.maxReplicas).toBe(20);
    expect(live).not.toHaveProperty('status');
    for (const key of ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp']) expect(live.metadata).not.toHaveProperty(key);
  });

  it('is needed: without it the recorded pair differs in server bookkeeping (managedFields time, generation)', () => {
    const raw = fieldDiff(recorded('deployment-support-agent-api.live.json'), recorded('deployment-support-agent-api.dry-run.json'));
    expect(raw).toEqual(expect.arrayContaining(['changed metadata.generation', 'changed metadata.managedFields[0].time']));
  });

  it('compares against the dry-run, not the rendered file: defaulted fields would otherwise all show', () => {
    const rendered = JSON.parse(read('deployment-support-agent-api.rendered.json'));
    const added = fieldDiff(rendered, normalizeServerObject(recorded('deployment-support-agent-api.dry-run.json'))).filter((l) => l.startsWith('added '));
    // revisionHistoryLimit, terminationMessagePath, schedulerName: defaults the server adds.
    expect(added).toEqual(expect.arrayContaining(['added spec.revisionHistoryLimit', 'added spec.template.spec.containers[name=api].terminationMessagePath', 'added spec.template.spec.schedulerName']));
  });

  it('drops the client-side last-applied annotation and an annotation map it leaves empty', () => {
    const o = normalizeServerObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, labels: {} } });
    expect(o.metadata).toEqual({ name: 'a' });
  });
});

describe('maskSecrets', () => {
  const secret = (value: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { same: 'c2FtZQ==', token: value } });
  it('never shows a value, and marks the ones that change', () => {
    const { before, after } = maskSecrets(secret('b2xk'), secret('bmV3'));
    expect((before as any).data).toEqual({ same: '***', token: '*** (before)' });
    expect((after as any).data).toEqual({ same: '***', token: '*** (after)' });
  });
  it('leaves other kinds alone', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    expect(maskSecrets(cm, cm).after).toBe(cm);
  });
});

describe('parsing kubectl output', () => {
  it('reads objects printed one after another, braces inside strings included', () => {
    const text = '{"kind":"A","metadata":{"name":"x"},"data":{"k":"}{\\"["}}\n{"kind":"List","items":[{"kind":"B"},{"kind":"C"}]}';
    expect(parseJsonStream(text).map((o) => o.kind)).toEqual(['A', 'B', 'C']);
    expect(parseJsonStream('')).toEqual([]);
  });
  it('reads the api-resources table of older kubectl by its header offsets', () => {
    const table = [
      'NAME          SHORTNAMES   APIVERSION             NAMESPACED   KIND         VERBS                       CATEGORIES',
      'configmaps    cm           v1                     true         ConfigMap    create,delete,get,list      ',
      'rollouts      ro           argoproj.io/v1alpha1   true         Rollout      [delete get list patch]     ',
      'namespaces                 v1                     false        Namespace    create,get,list             ',
    ].join('\n');
    expect(parseApiResourcesTable(table)).toEqual([
      { name: 'configmaps', group: '', kind: 'ConfigMap', namespaced: true, verbs: ['create', 'delete', 'get', 'list'] },
      { name: 'rollouts', group: 'argoproj.io', kind: 'Rollout', namespaced: true, verbs: ['delete', 'get', 'list', 'patch'] },
      { name: 'namespaces', group: '', kind: 'Namespace', namespaced: false, verbs: ['create', 'get', 'list'] },
    ]);
  });
});

/** A kubectl that answers from the recorded objects; records every call. */
function recordedKubectl(options: { orphan?: boolean; contexts?: string[]; missing?: boolean } = {}) {
  const calls: string[][] = [];
  const live = [recorded('deployment-support-agent-api.live.json'), recorded('horizontalpodautoscaler-support-agent-api.live.json')];
  const dry = [recorded('deployment-support-agent-api.dry-run.json'), recorded('horizontalpodautoscaler-support-agent-api.dry-run.json')];
  const orphan = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone', namespace: 'support-agent', labels: { 'app.kubernetes.io/managed-by': 'cdk8s' } } };
  const owned = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'support-agent-api-1', namespace: 'support-agent', ownerReferences: [{ kind: 'Deployment' }] } };
  const ok = (stdout: unknown): KubectlResult => ({ status: 0, stdout: typeof stdout === 'string' ? stdout : JSON.stringify(stdout), stderr: '' });
  const kubectl: KubectlRunner = async (args) => {
    calls.push([...args]);
    if (options.missing) return { status: null, stdout: '', stderr: 'spawn kubectl ENOENT', error: Object.assign(new Error('spawn kubectl ENOENT'), { code: 'ENOENT' }) };
    const [verb, second] = args;
    if (verb === 'config') return ok((options.contexts ?? ['ci']).join('\n') + '\n');
    if (verb === 'api-resources') {
      return ok({ resources: [
        { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'list'] },
        { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get', 'list'] },
        { name: 'endpoints', kind: 'Endpoints', namespaced: true, verbs: ['get', 'list'] },
        { name: 'deployments', group: 'apps', kind: 'Deployment', namespaced: true, verbs: ['get', 'list'] },
        { name: 'replicasets', group: 'apps', kind: 'ReplicaSet', namespaced: true, verbs: ['get', 'list'] },
        { name: 'horizontalpodautoscalers', group: 'autoscaling', kind: 'HorizontalPodAutoscaler', namespaced: true, verbs: ['get', 'list'] },
      ] });
    }
    if (verb === 'get' && second === 'namespaces') return ok({ kind: 'List', items: [{ metadata: { name: 'support-agent' } }] });
    if (verb === 'get' && args.includes('-f')) return ok({ kind: 'List', items: live });
    if (verb === 'apply') return ok(dry.map((o) => JSON.stringify(o)).join('\n'));
    if (verb === 'get' && args.includes('-l')) {
      expect(second).not.toContain('endpoints');
      return ok({ kind: 'List', items: [...(options.orphan ? [orphan] : []), owned, live[0]] });
    }
    throw new Error(`unexpected kubectl ${args.join(' ')}`);
  };
  return { kubectl, calls };
}

function renderedObjects(): IndexedObject[] {
  return ['deployment', 'horizontalpodautoscaler'].map((kind) => {
    const body = JSON.parse(read(`${kind}-support-agent-api.rendered.json`)) as KubeObject;
    const id = objectIdOf(body);
    return { env: 'prod', folder: 'support-agent', file: `prod/support-agent/${kind}.yaml`, id, key: objectKey(id), body };
  });
}

describe('liveDiff with recorded kubectl answers', () => {
  it('reports the recorded changes and a labelled, unowned, unrendered object as removed, in a handful of calls', async () => {
    const { kubectl, calls } = recordedKubectl({ orphan: true });
    const result = await liveDiff({ env: 'prod', rendered: renderedObjects(), context: 'ci', kubectl, renderedSource: 'dist' });
    const diff = diffManifests(result.before, result.after);
    const [prod] = diff.environments;
    expect(prod.removed.map((c) => c.label)).toEqual(['ConfigMap support-agent/gone']);
    expect(prod.added).toEqual([]);
    expect(prod.changed.flatMap((c) => c.fields.map((f) => `${c.label} ${formatPath(f.path)}`))).toEqual([
      'Deployment support-agent/support-agent-api spec.template.spec.containers[name=api].env[name=LOG_LEVEL]',
      'HorizontalPodAutoscaler support-agent/support-agent-api spec.maxReplicas',
    ]);
    expect(diff.risks.some((r) => r.reasons.includes('autoscaling bounds'))).toBe(true);
    // Batched: one get and one dry-run for every object, one labelled list per namespace.
    expect(calls.map((c) => c[0])).toEqual(['config', 'api-resources', 'get', 'get', 'apply', 'get']);
    expect(calls[4]).toEqual(expect.arrayContaining(['--server-side', '--dry-run=server', '--force-conflicts', '--field-manager=argocd-controller']));
  });

  it('adds objects the cluster does not have, and prunes nothing without labelled leftovers', async () => {
    const { kubectl } = recordedKubectl();
    const rendered = renderedObjects();
    const extra = { ...rendered[1], id: { ...rendered[1].id, name: 'new' }, key: 'autoscaling/HorizontalPodAutoscaler/support-agent/new', body: { ...rendered[1].body, metadata: { ...rendered[1].body.metadata, name: 'new' } } };
    const result = await liveDiff({ env: 'prod', rendered: [...rendered, extra], context: 'ci', kubectl, renderedSource: 'dist' });
    const [prod] = diffManifests(result.before, result.after).environments;
    expect(prod.added.map((c) => c.label)).toEqual(['HorizontalPodAutoscaler support-agent/new']);
    expect(prod.removed).toEqual([]);
    expect(result.rejected).toEqual(['no dry-run result for HorizontalPodAutoscaler support-agent/new']);
  });

  it('refuses an unknown context and a missing kubectl with one line', async () => {
    await expect(liveDiff({ env: 'prod', rendered: [], context: 'nope', kubectl: recordedKubectl().kubectl, renderedSource: 'dist' })).rejects.toBeInstanceOf(EnvironmentError);
    await expect(liveDiff({ env: 'prod', rendered: [], context: 'nope', kubectl: recordedKubectl().kubectl, renderedSource: 'dist' })).rejects.toThrow(/no context "nope".*known: ci/);
    await expect(liveDiff({ env: 'prod', rendered: [], context: 'ci', kubectl: recordedKubectl({ missing: true }).kubectl, renderedSource: 'dist' })).rejects.toThrow(/kubectl is not on PATH/);
  });
});

describe('npm run diff -- --live', () => {
  async function cli(argv: string[], kubectl = recordedKubectl({ orphan: true }).kubectl) {
    let out = '';
    let err = '';
    const head = fs.mkdtempSync(path.join(require('os').tmpdir(), 'live-diff-'));
    try {
      for (const o of renderedObjects()) {
        fs.mkdirSync(path.join(head, 'prod', 'support-agent'), { recursive: true });
        fs.writeFileSync(path.join(head, o.file), JSON.stringify(o.body));
      }
      const code = await runDiff(argv.map((a) => a.replace('HEAD_DIR', head)), { cwd: head, write: (t) => (out += t), writeError: (t) => (err += t), synthesize: () => { throw new Error('no synth in this test'); }, kubectl: () => kubectl });
      return { code, out, err };
    } finally {
      fs.rmSync(head, { recursive: true, force: true });
    }
  }

  it('prints the readable report of the cluster against the rendered folder', async () => {
    const r = await cli(['--live', '--context', 'ci', '--head', 'HEAD_DIR']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('spec.maxReplicas: 18 → 20');
    expect(r.out).toContain('LOG_LEVEL');
    expect(r.out).toContain('ConfigMap support-agent/gone');
    expect(r.out).toContain('no longer rendered: a sync with pruning deletes them');
  });

  it('exits 2 with one line for a missing kubectl, and for flags that need --live or --context', async () => {
    const missing = await cli(['--live', '--context', 'ci', '--head', 'HEAD_DIR'], recordedKubectl({ missing: true }).kubectl);
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect((await cli(['--live', '--head', 'HEAD_DIR'])).err).toContain('--live needs --context NAME');
    expect((await cli(['--context', 'ci'])).err).toContain('--context only applies to --live');
  });
});
