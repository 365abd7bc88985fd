/**
 * The corpus of malformed configs. Each case edits a copy of the committed config, runs the synth
 * CLI's `main(['--config', …, '--outdir', …])` in-process, as `npm run synth` would, and asserts
 * the exit status, the key words of the message (file, key, value, fix), that every reported
 * problem carries a fix, and that the output folder is byte-identical.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONFIG_DIR } from '../helpers';
import { listFiles } from '../../src/synth/compare-trees';
import { main } from '../../src/cli/synth';
import { FIX_PATTERN } from '../../src/config/zod-issues';
import { Edit, append, issuesOf, set, write } from './config-edits';
import { parseDocument } from 'yaml';


const WF = ['workflows', 0];

interface Case {
  readonly name: string;
  readonly edit: Edit | Edit[];
  /** Words the message must contain (file, key, value, fix). */
  readonly expect: readonly string[];
}

const CASES: Case[] = [
  { name: 'wrong type', edit: set('environments/prod.yaml', ['mesh', 'enabled'], 'yes'), expect: ['environments/prod.yaml', 'mesh.enabled', '"yes"', 'expected true or false, got the text "yes"; write true or false'] },
  { name: 'min replicas above max', edit: set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'minReplicas'], 30), expect: ['prod.yaml', 'autoscaling.minReplicas', '30', 'must not exceed autoscaling.maxReplicas (20)'] },
  { name: 'zero replicas (never scale to zero)', edit: set('environments/dev.yaml', ['workflowDefaults', 'autoscaling', 'minReplicas'], 0), expect: ['dev.yaml', 'autoscaling.minReplicas', '0', 'is below the minimum (got 0, expected at least 1); use a whole number of at least 1'] },
  { name: 'negative max replicas', edit: set('environments/staging.yaml', ['workflowDefaults', 'autoscaling', 'maxReplicas'], -2), expect: ['staging.yaml', 'autoscaling.maxReplicas', '-2', 'use a whole number of at least 1'] },
  { name: 'cpu target above 100 %', edit: set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'cpuUtilization'], 170), expect: ['prod.yaml', 'autoscaling.cpuUtilization', '170', 'is above the maximum (got 170, expected at most 100); use a whole number between 1 and 100'] },
  { name: 'bad cpu quantity', edit: set('defaults.yaml', ['workflowDefaults', 'resources', 'requests', 'cpu'], 'lots'), expect: ['defaults.yaml', 'resources.requests.cpu', '"lots"', 'use a cpu quantity such as "250m"', 'environments dev, prod, staging'] },
  { name: 'bad memory quantity', edit: set('defaults.yaml', ['workflowDefaults', 'resources', 'limits', 'memory'], '512MB'), expect: ['defaults.yaml', 'resources.limits.memory', '"512MB"', 'binary units'] },
  { name: 'request above limit', edit: set('environments/prod.yaml', ['workflowDefaults', 'resources'], { requests: { cpu: '2', memory: '256Mi', ephemeralStorage: '1Gi' }, limits: { cpu: '500m', memory: '512Mi', ephemeralStorage: '2Gi' } }), expect: ['prod.yaml', 'resources.requests.cpu', '"2"', 'exceeds the limit (500m)'] },
  { name: 'unknown key (typo)', edit: set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'minReplica'], 2), expect: ['prod.yaml', 'autoscaling.minReplica', 'unknown key `minReplica`; did you mean `minReplicas`?'] },
  { name: 'unknown top-level key', edit: set('environments/staging.yaml', ['meshh'], { enabled: true }), expect: ['staging.yaml', 'meshh', 'unknown key `meshh`; did you mean `mesh`?'] },
  { name: 'invalid workflow name', edit: set('workflows.yaml', [...WF, 'name'], 'Support_Agent'), expect: ['workflows.yaml', 'workflows.0.name', '"Support_Agent"', 'lower-case letters'] },
  { name: 'workflow name too long', edit: set('workflows.yaml', [...WF, 'name'], `a${'b'.repeat(52)}`), expect: ['workflows.yaml', 'workflows.0.name', 'at most 52 characters'] },
  { name: 'empty image repository', edit: set('workflows.yaml', [...WF, 'image', 'repository'], ''), expect: ['workflows.yaml', 'image.repository', '""', 'an image repository'] },
  { name: 'latest tag', edit: set('workflows.yaml', [...WF, 'environments', 'dev', 'image', 'tag'], 'latest'), expect: ['workflows.yaml', 'image.tag', '"latest"', 'never allowed', 'digest'] },
  { name: 'tag without digest where tags are not allowed', edit: set('workflows.yaml', [...WF, 'environments', 'prod'], { image: { tag: '1.4.2', digest: null } }), expect: ['workflows.yaml', 'image.tag', '"1.4.2"', 'environment "prod" requires images pinned by digest'] },
  { name: 'digest in upper case', edit: set('workflows.yaml', [...WF, 'image', 'digest'], `sha256:${'AB'.repeat(32)}`), expect: ['workflows.yaml', 'image.digest', `"sha256:${'AB'.repeat(32)}"`, '64 lowercase hex digits'] },
  { name: 'malformed digest', edit: set('workflows.yaml', [...WF, 'image', 'digest'], 'sha256:abc'), expect: ['workflows.yaml', 'image.digest', '"sha256:abc"', '64 lowercase hex digits'] },
  { name: 'canary weights not increasing', edit: set('environments/prod.yaml', ['workflowDefaults', 'delivery', 'canary'], { steps: [{ setWeight: 50 }, { setWeight: 25 }] }), expect: ['prod.yaml', 'delivery.canary.steps.1.setWeight', '25', 'increase strictly (previous step: 50)'] },
  { name: 'canary weight above 100', edit: set('environments/prod.yaml', ['workflowDefaults', 'delivery', 'canary', 'steps'], [{ setWeight: 10 }, { setWeight: 150 }]), expect: ['prod.yaml', 'steps.1.setWeight', '150', 'within 1–100'] },
  { name: 'negative pause', edit: set('environments/staging.yaml', ['workflowDefaults', 'delivery', 'canary', 'steps'], [{ setWeight: 10, pauseSeconds: -5 }]), expect: ['staging.yaml', 'pauseSeconds', '-5', '≥ 0 seconds'] },
  { name: 'success threshold out of range', edit: set('environments/prod.yaml', ['workflowDefaults', 'slo', 'availability'], 99.9), expect: ['prod.yaml', 'slo.availability', '99.9', 'less than 1'] },
  { name: 'canary without the mesh', edit: set('environments/dev.yaml', ['workflowDefaults', 'delivery', 'strategy'], 'canary'), expect: ['dev.yaml', 'delivery.strategy', '"canary"', 'needs Istio traffic routing', 'mesh.enabled is false'] },
  { name: 'unknown strategy', edit: set('environments/dev.yaml', ['workflowDefaults', 'delivery', 'strategy'], 'bluegreen'), expect: ['dev.yaml', 'delivery.strategy', '"bluegreen"', 'use one of: "rolling", "canary"'] },
  { name: 'secret-like literal env', edit: set('environments/dev.yaml', ['workflowDefaults', 'env', 'OPENAI_API_KEY'], 'sk-123'), expect: ['dev.yaml', 'env.OPENAI_API_KEY', 'credential', 'secret.keys.extra'] },
  { name: 'password inside a literal URI', edit: set('environments/dev.yaml', ['workflowDefaults', 'env', 'CACHE_URL'], 'redis://:hunter2@cache:6379'), expect: ['dev.yaml', 'env.CACHE_URL', 'password inside its URI', 'secret.keys.extra.CACHE_URL'] },
  { name: 'reserved env set literally', edit: set('environments/dev.yaml', ['workflowDefaults', 'env', 'DATABASE_URI'], 'postgres://x'), expect: ['dev.yaml', 'env.DATABASE_URI', 'set by the platform from the Secret'] },
  { name: 'no licence key in a production-tier environment', edit: set('environments/staging.yaml', ['workflowDefaults', 'secret', 'keys', 'licenseKey'], null), expect: ['staging.yaml', 'secret.keys.licenseKey', 'is required in "staging"', 'secret.keys.licenseKey: langgraph-license-key'] },
  { name: 'bad CIDR', edit: set('defaults.yaml', ['egress', 'postgres', 'to'], [{ cidr: '10.0.0.0/33x' }]), expect: ['defaults.yaml', 'egress.postgres.to.0.cidr', 'use a CIDR such as "10.0.0.0/16" (got "10.0.0.0/33x")', 'environments dev, prod, staging'] },
  { name: 'registry override with a scheme', edit: set('environments/staging.yaml', ['images', 'registry'], 'https://harbor.corp.internal/proxy/'), expect: ['staging.yaml', 'images.registry', '"https://harbor.corp.internal/proxy/"', 'has a scheme "https://"', 'use harbor.corp.internal/proxy'] },
  { name: 'registry override without a host', edit: set('environments/prod.yaml', ['images', 'registry'], 'mirror/dockerhub'), expect: ['prod.yaml', 'images.registry', '"mirror/dockerhub"', 'a Docker Hub namespace', 'use its full name'] },
  { name: 'pull Secret named twice', edit: set('environments/dev.yaml', ['images', 'pullSecrets'], ['registry-pull', 'registry-pull']), expect: ['dev.yaml', 'images.pullSecrets.1', '"registry-pull"', 'a second time', 'remove the duplicate'] },
  { name: 'nodeSelector contradicting spot placement', edit: set('environments/prod.yaml', ['workflowDefaults', 'scheduling'], { spot: { enabled: true }, nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' } }), expect: ['prod.yaml', 'scheduling.nodeSelector.karpenter.sh/capacity-type', '"on-demand"', 'pins every replica', 'turn spot.enabled off'] },
  { name: 'toleration of a spot taint with another effect', edit: set('environments/staging.yaml', ['workflowDefaults', 'scheduling'], { spot: { enabled: true, tolerations: [{ key: 'spot', effect: 'NoSchedule' }] }, tolerations: [{ key: 'spot', effect: 'NoExecute' }] }), expect: ['staging.yaml', 'scheduling.tolerations.0.effect', '"NoExecute"', 'with NoSchedule', 'remove this entry'] },
  { name: 'extra label overriding the label contract', edit: set('environments/prod.yaml', ['workflowDefaults', 'metadata'], { labels: { 'app.kubernetes.io/name': 'agent' } }), expect: ['prod.yaml', 'metadata.labels.app.kubernetes.io/name', '"agent"', 'is set by the platform (the label contract', 'use a key of your own domain'] },
  { name: 'pod annotation overriding a sync wave', edit: set('environments/staging.yaml', ['workflowDefaults', 'metadata'], { pods: { annotations: { 'argocd.argoproj.io/sync-wave': '3' } } }), expect: ['staging.yaml', 'metadata.pods.annotations.argocd.argoproj.io/sync-wave', '"3"', 'Argo CD sync waves', 'remove it'] },
  { name: 'Service annotation the platform sets', edit: set('environments/staging.yaml', ['workflowDefaults', 'service'], { type: 'LoadBalancer', annotations: { 'argocd.argoproj.io/sync-wave': '1' } }), expect: ['staging.yaml', 'service.annotations.argocd.argoproj.io/sync-wave', '"1"', 'is set by the platform', 'remove it'] },
  { name: 'unknown Service type', edit: set('environments/dev.yaml', ['workflowDefaults', 'service'], { type: 'ExternalName' }), expect: ['dev.yaml', 'service.type', '"ExternalName"', '"ClusterIP", "NodePort", "LoadBalancer"'] },
  { name: 'CORS with any origin and credentials', edit: set('environments/staging.yaml', ['workflowDefaults', 'http'], { cors: { allowOrigins: ['*'], allowCredentials: true } }), expect: ['staging.yaml', 'http.cors.allowOrigins', '["*"]', 'set allowOrigins to the origins you serve'] },
  { name: 'LANGGRAPH_HTTP set by hand', edit: set('environments/dev.yaml', ['workflowDefaults', 'env', 'LANGGRAPH_HTTP'], '{"disable_meta": true}'), expect: ['dev.yaml', 'env.LANGGRAPH_HTTP', 'is rendered from http', 'remove it from env'] },
  { name: 'YAML syntax error', edit: append('environments/staging.yaml', 'mesh: [\n'), expect: ['environments/staging.yaml:', 'YAML syntax error'] },
  { name: 'environment file ending in .yml', edit: (dir) => fs.renameSync(path.join(dir, 'environments/staging.yaml'), path.join(dir, 'environments/staging.yml')), expect: ['environments/staging.yml', 'is not read: environment files end in .yaml; rename it to environments/staging.yaml'] },
  { name: 'YAML key written twice', edit: append('environments/staging.yaml', 'mesh: { enabled: true }\n'), expect: ['environments/staging.yaml:', 'YAML syntax error: the key `mesh` appears twice in this mapping; remove or rename one of the two keys'] },
  { name: 'YAML alias to no anchor', edit: append('environments/staging.yaml', 'extra: *nope\n'), expect: ['environments/staging.yaml:', '"*nope"', 'YAML alias to no anchor; define `&nope` on a value above it'] },
  { name: 'duplicate workflow names', edit: (dir) => {
    const p = path.join(dir, 'workflows.yaml');
    const doc = parseDocument(fs.readFileSync(p, 'utf8'));
    const first = (doc.toJS() as any).workflows[0];
    doc.setIn(['workflows', 1], doc.createNode({ ...first, namespace: 'other' }));
    fs.writeFileSync(p, doc.toString());
  }, expect: ['workflows.yaml', 'workflows.1.name', '"support-agent"', 'duplicate workflow name'] },
  { name: 'override for an unknown environment', edit: set('workflows.yaml', [...WF, 'environments', 'qa'], { autoscaling: { minReplicas: 1 } }), expect: ['workflows.yaml', 'environments.qa', 'no such environment', 'dev, prod, staging'] },
  { name: 'environment name differs from its file', edit: set('environments/staging.yaml', ['name'], 'stage'), expect: ['staging.yaml', 'name', '"stage"', 'must equal the file name "staging"'] },
  { name: 'config file without its format version', edit: write('environments/qa.yaml', 'name: qa\n'), expect: ['environments/qa.yaml', 'apiVersion', 'is missing', 'add `apiVersion: langgraph.platform/v1` at the top of the file'] },
  { name: 'config file in an unsupported format version', edit: set('workflows.yaml', ['apiVersion'], 'langgraph.platform/v2'), expect: ['workflows.yaml:', 'apiVersion', '"langgraph.platform/v2"', 'reads langgraph.platform/v1 only', 'set `apiVersion: langgraph.platform/v1`'] },
  { name: 'missing required block', edit: write('environments/qa.yaml', 'apiVersion: langgraph.platform/v1\nname: qa\nmesh: { enabled: false }\n'), expect: ['environments/qa.yaml', 'cluster', 'is required (expected a mapping (key: value pairs)); add `cluster` to environments/qa.yaml or defaults.yaml'] },
  { name: 'grace period shorter than a fixed sidecar drain', edit: (dir) => {
    set('environments/prod.yaml', ['mesh', 'terminationDrainSeconds'], 170)(dir);
    set('environments/prod.yaml', ['workflowDefaults', 'terminationGracePeriodSeconds'], 60)(dir);
  }, expect: ['prod.yaml', 'terminationGracePeriodSeconds', '(value: 60)', 'sidecar drain 170s must cover the server\'s run drain (30s = grace 60s − margin 30s)', 'set mesh.terminationDrainSeconds between 30 and 60'] },
  { name: 'latency objective between histogram buckets', edit: set('environments/prod.yaml', ['workflowDefaults', 'slo', 'latencyThresholdSeconds'], 2), expect: ['prod.yaml', 'slo.latencyThresholdSeconds', '(value: 2)', 'is not a bucket boundary of lg_api_http_requests_latency_bucket', 'use 1 or 5'] },
  { name: 'waiver without a reason', edit: set('waivers.yaml', ['waivers', 0, 'reason'], 'because'), expect: ['waivers.yaml', 'waivers.0.reason', '"because"', 'say why in a sentence'] },
  { name: 'waivers in an environment file', edit: set('environments/dev.yaml', ['waivers'], [{ rule: 'policy/single-replica', kind: 'Deployment', name: 'x' }]), expect: ['environments/dev.yaml', 'waivers', 'waivers live in config/waivers.yaml: move them there'] },
  { name: 'waiver for an unknown environment', edit: set('waivers.yaml', ['waivers', 0, 'environments'], ['dve']), expect: ['waivers.yaml', 'waivers.0.environments', '"dve"', 'no such environment; use one of: dev, prod, staging'] },
  { name: 'misspelt enum value', edit: set('environments/prod.yaml', ['workflowDefaults', 'delivery', 'strategy'], 'canery'), expect: ['prod.yaml', 'delivery.strategy', '"canery"', 'did you mean "canary"?'] },
  { name: 'key one level too high', edit: set('environments/dev.yaml', ['workflowDefaults', 'minReplicas'], 1), expect: ['dev.yaml', 'workflowDefaults.minReplicas', 'did you mean `autoscaling.minReplicas`?'] },
  { name: 'string where a number belongs', edit: set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'maxReplicas'], '20'), expect: ['prod.yaml', 'autoscaling.maxReplicas', 'expected a whole number of at least 1, got the text "20"; write 20 without quotes'] },
  { name: 'fractional replicas', edit: set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'maxReplicas'], 2.5), expect: ['prod.yaml', 'autoscaling.maxReplicas', 'is not a whole number (got 2.5); use a whole number of at least 1'] },
  { name: 'bad owner email', edit: set('workflows.yaml', [...WF, 'owner', 'email'], 'ai-platform'), expect: ['workflows.yaml', 'workflows.0.owner.email', 'is not an email address (got "ai-platform"); use an address such as'] },
  { name: 'list where a mapping belongs', edit: set('environments/staging.yaml', ['mesh'], ['enabled']), expect: ['staging.yaml', 'mesh', 'expected a mapping (key: value pairs), got a list; write key: value pairs, not a list'] },
  { name: 'invalid env var name', edit: set('environments/dev.yaml', ['workflowDefaults', 'env', '1BAD'], 'x'), expect: ['dev.yaml', 'workflowDefaults.env.1BAD', 'key "1BAD" is not an environment variable name', 'rename it'] },
];

function tree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** A copy of the committed config with the edits applied. */
function badConfig(edit: Edit | Edit[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-cfg-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  for (const e of Array.isArray(edit) ? edit : [edit]) e(dir);
  return dir;
}

/** An output folder holding earlier output, which a refused synth must leave as it is. */
function previousOutput(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-out-'));
  fs.mkdirSync(path.join(out, 'dev', 'support-agent'), { recursive: true });
  fs.writeFileSync(path.join(out, 'dev', 'support-agent', 'deployment-support-agent-api.yaml'), 'kind: Deployment\n');
  fs.mkdirSync(path.join(out, 'argocd'));
  fs.writeFileSync(path.join(out, 'argocd', 'keep.yaml'), 'untouched: true\n');
  return out;
}

/** Runs the synth CLI in-process, capturing what it writes to stderr. */
async function synth(argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const code = await main(argv);
    return { code, stderr: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** The problem lines of a refusal ("  - file: key …: message"). */
function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('  - '));
}


test('the corpus has at least 25 distinct cases', () => {
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  expect(CASES.length).toBeGreaterThanOrEqual(25);
});

describe.each(CASES)('bad config: $name', ({ edit, expect: words }) => {
  test('synth exits 2 with a precise message, a fix for every problem, and leaves the output folder untouched', async () => {
    const dir = badConfig(edit);
    const out = previousOutput();
    const before = tree(out);
    const r = await synth(['--config', dir, '--outdir', out, '--quiet']);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 2 });
    for (const w of words) expect(r.stderr).toContain(w);
    expect(r.stderr).toContain('was left untouched');
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    const lines = problemLines(r.stderr);
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines).size).toBe(lines.length); // each problem once
    const issues = issuesOf(dir);
    expect(issues).toHaveLength(lines.length);
    for (const { message } of issues) expect({ message, hasFix: FIX_PATTERN.test(message) }).toMatchObject({ hasFix: true });
    expect(tree(out)).toEqual(before);
  });
});

test('every violation is reported at once, not just the first', async () => {
  const dir = badConfig([
    set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'minReplicas'], 30),
    set('environments/staging.yaml', ['workflowDefaults', 'resources', 'requests', 'cpu'], 'lots'),
    set('environments/dev.yaml', ['mesh', 'enabled'], 'no'),
  ]);
  const out = path.join(dir, 'out');
  const r = await synth(['--config', dir, '--outdir', out, '--quiet']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('autoscaling.minReplicas');
  expect(r.stderr).toContain('resources.requests.cpu');
  expect(r.stderr).toContain('mesh.enabled');
  expect(r.stderr).toContain('environments/prod.yaml');
  expect(r.stderr).toContain('environments/staging.yaml');
  expect(r.stderr).toContain('environments/dev.yaml');
  expect(fs.existsSync(out)).toBe(false);
});

describe.each([
  { name: 'Ingress with the mesh', edit: set('environments/prod.yaml', ['entry', 'type'], 'ingress'), words: ['environments/prod.yaml', 'entry.type', '"ingress"', 'STRICT mTLS', 'cannot reach the pods', 'bypass canary weights'] },
  { name: 'Ingress with a canary', edit: [set('environments/dev.yaml', ['entry', 'type'], 'ingress'), set('workflows.yaml', ['workflows', 0, 'environments', 'dev', 'delivery'], { strategy: 'canary' })], words: ['workflows.yaml', 'delivery.strategy', 'bypass the canary weights'] },
  { name: 'Gateway without the mesh', edit: set('environments/dev.yaml', ['entry', 'type'], 'gateway'), words: ['dev.yaml', 'entry.type', 'needs the mesh'] },
  { name: 'API access to secrets', edit: set('environments/dev.yaml', ['workflowDefaults', 'apiAccess'], [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]), words: ['dev.yaml', 'apiAccess.0.resources', 'must not read Secrets'] },
  { name: 'API access wildcard', edit: set('environments/dev.yaml', ['workflowDefaults', 'apiAccess'], [{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }]), words: ['dev.yaml', 'apiAccess.0.apiGroups', 'wildcards are not allowed'] },
])('bad config: $name', ({ edit, words }) => {
  test('is refused with the reason', async () => {
    const dir = badConfig(edit);
    const r = await synth(['--config', dir, '--outdir', path.join(dir, 'out'), '--quiet']);
    expect(r.code).toBe(2);
    for (const w of words) expect(r.stderr).toContain(w);
    for (const { message } of issuesOf(dir)) expect(message).toMatch(FIX_PATTERN);
  });
});

describe('problems with the surroundings: one line, no stack trace', () => {
  test.each([
    { name: 'missing config folder', dir: () => path.join(os.tmpdir(), 'no-such-config-folder'), message: /^synth refused: config folder \S*no-such-config-folder does not exist \(pass --config DIR\)$/m },
    { name: 'a file given as the config folder', dir: () => path.join(CONFIG_DIR, 'defaults.yaml'), message: /^synth refused: config folder \S*defaults\.yaml is a file, not a folder \(pass --config DIR\)$/m },
    { name: 'missing workflows.yaml', dir: () => badConfig((d) => fs.rmSync(path.join(d, 'workflows.yaml'))), message: /^synth refused: \S*workflows\.yaml does not exist; create it with the workflow catalog/m },
    { name: 'unreadable file (a folder where a file should be)', dir: () => badConfig((d) => { fs.rmSync(path.join(d, 'environments/prod.yaml')); fs.mkdirSync(path.join(d, 'environments/prod.yaml')); }), message: /^synth refused: cannot read \S*environments\/prod\.yaml: it is a folder, not a file/m },
  ])('$name', async ({ dir, message }) => {
    const out = previousOutput();
    const before = tree(out);
    const r = await synth(['--config', dir(), '--outdir', out, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr.trim().split('\n')).toHaveLength(2); // the problem, then "… was left untouched."
    expect(tree(out)).toEqual(before);
  });
});
