/**
 * The corpus of malformed configs. Each case edits a copy of the committed config, runs
 * `npm run synth -- --config … --outdir …` as a user would, and asserts the exit status, the key
 * words of the message (file, key, value, fix) and that the output folder is byte-identical.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { CONFIG_DIR, PROJECT_ROOT } from '../helpers';
import { listFiles } from '../../src/synth/compare-trees';

type Edit = (dir: string) => void;

/** Set a YAML path in a config file (creating maps as needed), keeping the rest of the file. */
const set = (file: string, keyPath: (string | number)[], value: unknown): Edit => (dir) => {
  const p = path.join(dir, file);
  const doc = parseDocument(fs.readFileSync(p, 'utf8'));
  doc.setIn(keyPath, doc.createNode(value));
  fs.writeFileSync(p, doc.toString());
};
const write = (file: string, content: string): Edit => (dir) => fs.writeFileSync(path.join(dir, file), content);
const append = (file: string, content: string): Edit => (dir) => fs.appendFileSync(path.join(dir, file), content);
const WF = ['workflows', 0];

interface Case {
  readonly name: string;
  readonly edit: Edit | Edit[];
  /** Words the message must contain (file, key, value, fix). */
  readonly expect: readonly string[];
}

const CASES: Case[] = [
  { name: 'wrong type', edit: set('environments/prod.yaml', ['mesh', 'enabled'], 'yes'), expect: ['environments/prod.yaml', 'mesh.enabled', '"yes"', 'boolean'] },
  { name: 'min replicas above max', edit: set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'minReplicas'], 30), expect: ['prod.yaml', 'autoscaling.minReplicas', '30', 'must not exceed autoscaling.maxReplicas (20)'] },
  { name: 'zero replicas (never scale to zero)', edit: set('environments/dev.yaml', ['workflowDefaults', 'autoscaling', 'minReplicas'], 0), expect: ['dev.yaml', 'autoscaling.minReplicas', '0', '>=1'] },
  { name: 'negative max replicas', edit: set('environments/staging.yaml', ['workflowDefaults', 'autoscaling', 'maxReplicas'], -2), expect: ['staging.yaml', 'autoscaling.maxReplicas', '-2'] },
  { name: 'cpu target above 100 %', edit: set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'cpuUtilization'], 170), expect: ['prod.yaml', 'autoscaling.cpuUtilization', '170', '<=100'] },
  { name: 'bad cpu quantity', edit: set('defaults.yaml', ['workflowDefaults', 'resources', 'requests', 'cpu'], 'lots'), expect: ['defaults.yaml', 'resources.requests.cpu', '"lots"', 'a cpu quantity such as "250m"'] },
  { name: 'bad memory quantity', edit: set('defaults.yaml', ['workflowDefaults', 'resources', 'limits', 'memory'], '512MB'), expect: ['defaults.yaml', 'resources.limits.memory', '"512MB"', 'binary units'] },
  { name: 'request above limit', edit: set('environments/prod.yaml', ['workflowDefaults', 'resources'], { requests: { cpu: '2', memory: '256Mi', ephemeralStorage: '1Gi' }, limits: { cpu: '500m', memory: '512Mi', ephemeralStorage: '2Gi' } }), expect: ['prod.yaml', 'resources.requests.cpu', '"2"', 'exceeds the limit (500m)'] },
  { name: 'unknown key (typo)', edit: set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'minReplica'], 2), expect: ['prod.yaml', 'autoscaling.minReplica', 'unknown key "minReplica"', 'spelling'] },
  { name: 'unknown top-level key', edit: set('environments/staging.yaml', ['meshh'], { enabled: true }), expect: ['staging.yaml', 'meshh', 'unknown key'] },
  { name: 'invalid workflow name', edit: set('workflows.yaml', [...WF, 'name'], 'Support_Agent'), expect: ['workflows.yaml', 'workflows.0.name', '"Support_Agent"', 'lower-case letters'] },
  { name: 'workflow name too long', edit: set('workflows.yaml', [...WF, 'name'], `a${'b'.repeat(52)}`), expect: ['workflows.yaml', 'workflows.0.name', 'at most 52 characters'] },
  { name: 'empty image repository', edit: set('workflows.yaml', [...WF, 'image', 'repository'], ''), expect: ['workflows.yaml', 'image.repository', '""', 'an image repository'] },
  { name: 'latest tag', edit: set('workflows.yaml', [...WF, 'environments', 'dev', 'image', 'tag'], 'latest'), expect: ['workflows.yaml', 'image.tag', '"latest"', 'never allowed', 'digest'] },
  { name: 'tag without digest where tags are not allowed', edit: set('workflows.yaml', [...WF, 'environments', 'prod'], { image: { tag: '1.4.2', digest: null } }), expect: ['workflows.yaml', 'image.tag', '"1.4.2"', 'environment "prod" requires images pinned by digest'] },
  { name: 'malformed digest', edit: set('workflows.yaml', [...WF, 'image', 'digest'], 'sha256:abc'), expect: ['workflows.yaml', 'image.digest', '"sha256:abc"', '64 hex digits'] },
  { name: 'canary weights not increasing', edit: set('environments/prod.yaml', ['workflowDefaults', 'delivery', 'canary'], { steps: [{ setWeight: 50 }, { setWeight: 25 }] }), expect: ['prod.yaml', 'delivery.canary.steps.1.setWeight', '25', 'increase strictly (previous step: 50)'] },
  { name: 'canary weight above 100', edit: set('environments/prod.yaml', ['workflowDefaults', 'delivery', 'canary', 'steps'], [{ setWeight: 10 }, { setWeight: 150 }]), expect: ['prod.yaml', 'steps.1.setWeight', '150', 'within 1–100'] },
  { name: 'negative pause', edit: set('environments/staging.yaml', ['workflowDefaults', 'delivery', 'canary', 'steps'], [{ setWeight: 10, pauseSeconds: -5 }]), expect: ['staging.yaml', 'pauseSeconds', '-5', '≥ 0 seconds'] },
  { name: 'success threshold out of range', edit: set('environments/prod.yaml', ['workflowDefaults', 'delivery', 'canary', 'analysis', 'minSuccessRate'], 95), expect: ['prod.yaml', 'analysis.minSuccessRate', '95', '<=1'] },
  { name: 'canary without the mesh', edit: set('environments/dev.yaml', ['workflowDefaults', 'delivery', 'strategy'], 'canary'), expect: ['dev.yaml', 'delivery.strategy', '"canary"', 'needs Istio traffic routing', 'mesh.enabled is false'] },
  { name: 'unknown strategy', edit: set('environments/dev.yaml', ['workflowDefaults', 'delivery', 'strategy'], 'bluegreen'), expect: ['dev.yaml', 'delivery.strategy', '"bluegreen"', '"rolling"', '"canary"'] },
  { name: 'secret-like literal env', edit: set('environments/dev.yaml', ['workflowDefaults', 'env', 'OPENAI_API_KEY'], 'sk-123'), expect: ['dev.yaml', 'env.OPENAI_API_KEY', 'credential', 'secret.keys.extra'] },
  { name: 'reserved env set literally', edit: set('environments/dev.yaml', ['workflowDefaults', 'env', 'DATABASE_URI'], 'postgres://x'), expect: ['dev.yaml', 'env.DATABASE_URI', 'set by the platform from the Secret'] },
  { name: 'both licence credentials', edit: set('defaults.yaml', ['workflowDefaults', 'secret', 'keys', 'licenseKey'], 'license'), expect: ['defaults.yaml', 'secret.keys.langsmithApiKey', 'exactly one'] },
  { name: 'bad CIDR', edit: set('defaults.yaml', ['egress', 'postgres', 'to'], [{ cidr: '10.0.0.0/33x' }]), expect: ['defaults.yaml', 'egress.postgres.to.0', 'none of the allowed forms'] },
  { name: 'YAML syntax error', edit: append('environments/staging.yaml', 'mesh: [\n'), expect: ['environments/staging.yaml:', 'YAML syntax error'] },
  { name: 'duplicate workflow names', edit: (dir) => {
    const p = path.join(dir, 'workflows.yaml');
    const doc = parseDocument(fs.readFileSync(p, 'utf8'));
    const first = (doc.toJS() as any).workflows[0];
    doc.setIn(['workflows', 1], doc.createNode({ ...first, namespace: 'other' }));
    fs.writeFileSync(p, doc.toString());
  }, expect: ['workflows.yaml', 'workflows.1.name', '"support-agent"', 'duplicate workflow name'] },
  { name: 'override for an unknown environment', edit: set('workflows.yaml', [...WF, 'environments', 'qa'], { autoscaling: { minReplicas: 1 } }), expect: ['workflows.yaml', 'environments.qa', 'no such environment', 'dev, prod, staging'] },
  { name: 'environment name differs from its file', edit: set('environments/staging.yaml', ['name'], 'stage'), expect: ['staging.yaml', 'name', '"stage"', 'must equal the file name "staging"'] },
  { name: 'missing required block', edit: write('environments/qa.yaml', 'name: qa\nmesh: { enabled: false }\n'), expect: ['environments/qa.yaml', 'cluster', 'is required (expected object)'] },
  { name: 'grace period shorter than the sidecar drain', edit: set('environments/prod.yaml', ['workflowDefaults', 'terminationGracePeriodSeconds'], 60), expect: ['prod.yaml', 'terminationGracePeriodSeconds', '60', 'must exceed mesh.terminationDrainSeconds (170)'] },
  { name: 'waiver without a reason', edit: set('environments/dev.yaml', ['waivers', 0, 'reason'], 'because'), expect: ['dev.yaml', 'waivers.0.reason', '"because"', 'say why'] },
];

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(PROJECT_ROOT, 'src', 'main.ts');

function tree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

test('the corpus has at least 25 distinct cases', () => {
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  expect(CASES.length).toBeGreaterThanOrEqual(25);
});

describe.each(CASES)('bad config: $name', ({ edit, expect: words }) => {
  test('synth exits 2 with a precise message and leaves the output folder untouched', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-cfg-'));
    fs.cpSync(CONFIG_DIR, dir, { recursive: true });
    for (const e of Array.isArray(edit) ? edit : [edit]) e(dir);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-out-'));
    fs.cpSync(path.join(PROJECT_ROOT, 'dist'), out, { recursive: true });
    const before = tree(out);
    const r = spawnSync(TSX, [MAIN, '--config', dir, '--outdir', out], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 2 });
    for (const w of words) expect(r.stderr).toContain(w);
    expect(r.stderr).toContain('was left untouched');
    expect(tree(out)).toEqual(before);
  });
});

test('every violation is reported at once, not just the first', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-cfg-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'minReplicas'], 30)(dir);
  set('environments/staging.yaml', ['workflowDefaults', 'resources', 'requests', 'cpu'], 'lots')(dir);
  set('environments/dev.yaml', ['mesh', 'enabled'], 'no')(dir);
  const r = spawnSync(TSX, [MAIN, '--config', dir, '--outdir', path.join(dir, 'out')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('autoscaling.minReplicas');
  expect(r.stderr).toContain('resources.requests.cpu');
  expect(r.stderr).toContain('mesh.enabled');
  expect(r.stderr).toContain('environments/prod.yaml');
  expect(r.stderr).toContain('environments/staging.yaml');
  expect(r.stderr).toContain('environments/dev.yaml');
  expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
});

describe.each([
  { name: 'Ingress with the mesh', edit: set('environments/prod.yaml', ['entry', 'type'], 'ingress'), words: ['environments/prod.yaml', 'entry.type', '"ingress"', 'STRICT mTLS', 'cannot reach the pods', 'bypass canary weights'] },
  { name: 'Ingress with a canary', edit: [set('environments/dev.yaml', ['entry', 'type'], 'ingress'), set('workflows.yaml', ['workflows', 0, 'environments', 'dev', 'delivery'], { strategy: 'canary' })], words: ['workflows.yaml', 'delivery.strategy', 'bypass the canary weights'] },
  { name: 'Gateway without the mesh', edit: set('environments/dev.yaml', ['entry', 'type'], 'gateway'), words: ['dev.yaml', 'entry.type', 'needs the mesh'] },
  { name: 'API access to secrets', edit: set('environments/dev.yaml', ['workflowDefaults', 'apiAccess'], [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]), words: ['dev.yaml', 'apiAccess.0.resources', 'must not read Secrets'] },
  { name: 'API access wildcard', edit: set('environments/dev.yaml', ['workflowDefaults', 'apiAccess'], [{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }]), words: ['dev.yaml', 'apiAccess.0.apiGroups', 'wildcards are not allowed'] },
])('bad config: $name', ({ edit, words }) => {
  test('is refused with the reason', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-cfg-'));
    fs.cpSync(CONFIG_DIR, dir, { recursive: true });
    for (const e of Array.isArray(edit) ? edit : [edit]) e(dir);
    const r = spawnSync(TSX, [MAIN, '--config', dir, '--outdir', path.join(dir, 'out')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    for (const w of words) expect(r.stderr).toContain(w);
  });
});
