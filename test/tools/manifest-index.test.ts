import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { indexManifestFiles, loadDistDirectory, loadDistRevision, objectsOfEnvironment } from '../../src/tools/manifest-index';
import { objectKey, objectLabel } from '../../src/model/object-id';

const DIFF_FIXTURES = path.join(__dirname, '..', 'fixtures', 'diff');

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

describe('loadDistDirectory', () => {
  const index = loadDistDirectory(path.join(DIFF_FIXTURES, 'base'));

  it('keys objects by environment and group/kind/namespace/name', () => {
    expect([...index.environments.keys()].sort()).toEqual(['dev', 'prod']);
    const prod = index.environments.get('prod')!;
    const rollout = prod.get('argoproj.io/Rollout/support-bot/support-bot-api');
    expect(rollout?.folder).toBe('support-bot');
    expect(rollout?.file).toBe('prod/support-bot/rollout.yaml');
    expect(prod.get('networking.istio.io/Gateway/istio-ingress/public')?.folder).toBe('_shared');
    // The three documents of rbac.yaml are three objects; the core group is the empty string.
    expect(prod.has('/ServiceAccount/support-bot/support-bot-api')).toBe(true);
    expect(prod.has('rbac.authorization.k8s.io/Role/support-bot/support-bot-oncall')).toBe(true);
    expect(prod.has('rbac.authorization.k8s.io/RoleBinding/support-bot/support-bot-oncall')).toBe(true);
    expect(prod.size).toBe(9);
    expect(index.environments.get('dev')!.size).toBe(1);
  });

  it('lists an environment in kind, namespace, name order', () => {
    const labels = objectsOfEnvironment(index, 'prod').map((o) => objectLabel(o.id));
    expect(labels.slice(0, 3)).toEqual([
      'Gateway istio-ingress/public',
      'HorizontalPodAutoscaler support-bot/support-bot-api',
      'PrometheusRule support-bot/support-bot-alerts',
    ]);
  });

  it('names the missing folder', () => {
    expect(() => loadDistDirectory('/nonexistent/dist')).toThrow('/nonexistent/dist: no such folder');
  });
});

describe('indexManifestFiles', () => {
  it('skips empty documents and files that are not YAML', () => {
    const index = indexManifestFiles(
      [
        { path: 'dev/wf/a.yaml', text: '---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: wf}\n---\n' },
        { path: 'dev/wf/notes.md', text: 'not yaml: [' },
      ],
      'mem',
    );
    expect([...index.environments.get('dev')!.keys()]).toEqual(['/ConfigMap/wf/a']);
  });

  it('rejects an object rendered twice in one environment, naming both files', () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: wf}\n';
    expect(() => indexManifestFiles([{ path: 'dev/wf/a.yaml', text: doc }, { path: 'dev/_shared/b.yaml', text: doc }], 'mem')).toThrow(
      'ConfigMap wf/a is rendered twice in environment "dev" (dev/_shared/b.yaml and dev/wf/a.yaml)',
    );
  });

  it('accepts the same object in two environments', () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: wf}\n';
    const index = indexManifestFiles([{ path: 'dev/wf/a.yaml', text: doc }, { path: 'prod/wf/a.yaml', text: doc }], 'mem');
    expect(index.environments.get('dev')!.size + index.environments.get('prod')!.size).toBe(2);
  });

  it('names the file and document of invalid YAML and of documents that are not objects', () => {
    expect(() => indexManifestFiles([{ path: 'dev/wf/bad.yaml', text: 'a: [1, 2\n' }], 'mem')).toThrow(/mem\/dev\/wf\/bad.yaml \(document 1\): invalid YAML/);
    expect(() =>
      indexManifestFiles([{ path: 'dev/wf/x.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Secret\nmetadata: {}\n' }], 'mem'),
    ).toThrow('mem/dev/wf/x.yaml (document 2): object has no apiVersion/kind strings');
    expect(() => indexManifestFiles([{ path: 'dev/wf/y.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' }], 'mem')).toThrow(
      'mem/dev/wf/y.yaml (document 1): ConfigMap has no metadata.name',
    );
  });

  it('identifies objects without the API version, so a version bump is not add + remove', () => {
    const v1beta1 = indexManifestFiles([{ path: 'p/w/a.yaml', text: 'apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {name: g, namespace: n}\n' }], 'a');
    const v1 = indexManifestFiles([{ path: 'p/w/a.yaml', text: 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: n}\n' }], 'b');
    expect([...v1beta1.environments.get('p')!.keys()]).toEqual([...v1.environments.get('p')!.keys()]);
    expect(objectKey({ group: 'networking.istio.io', kind: 'Gateway', namespace: 'n', name: 'g' })).toBe('networking.istio.io/Gateway/n/g');
  });
});

describe('loadDistRevision', () => {
  let repo: string;
  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-index-git-'));
    git(repo, 'init', '-q');
    fs.cpSync(path.join(DIFF_FIXTURES, 'base'), path.join(repo, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'README.md'), 'x\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'base');
    git(repo, 'tag', 'v1');
    // Work-tree changes after the commit must not be seen when reading the revision.
    fs.rmSync(path.join(repo, 'dist', 'dev'), { recursive: true });
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('reads the dist folder as committed, without checking it out', () => {
    const index = loadDistRevision({ rev: 'v1', distDir: 'dist', cwd: repo });
    expect(index.source).toBe('v1:dist');
    expect([...index.environments.keys()].sort()).toEqual(['dev', 'prod']);
    expect(index.environments.get('prod')!.get('argoproj.io/Rollout/support-bot/support-bot-api')?.file).toBe('prod/support-bot/rollout.yaml');
    expect(fs.existsSync(path.join(repo, 'dist', 'dev'))).toBe(false);
  });

  it('reads from a subfolder of the work tree too', () => {
    const index = loadDistRevision({ rev: 'HEAD', distDir: '..', cwd: path.join(repo, 'dist', 'prod') });
    expect(index.environments.get('dev')!.size).toBe(1);
  });

  it('treats a revision without the dist folder as empty', () => {
    expect(loadDistRevision({ rev: 'v1', distDir: 'not-there', cwd: repo }).environments.size).toBe(0);
  });

  it('names an unknown revision', () => {
    expect(() => loadDistRevision({ rev: 'no-such-branch', distDir: 'dist', cwd: repo })).toThrow('"no-such-branch" is not a commit');
  });
});
