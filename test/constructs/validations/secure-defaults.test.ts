/**
 * Secure defaults at synth time, through the construct API alone (no config): a library user's
 * LangGraphWorkload or autoscaler with a moving image, a literal credential, replica bounds that
 * scale to zero or probes that restart busy pods fails `Testing.synth` with the object, field,
 * value and fix.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LangGraphWorkload, LangGraphWorkloadProps } from '../../../src/constructs/langgraph-workload';
import { Autoscaler } from '../../../src/constructs/autoscaler';
import { WorkflowScope } from '../../../src/constructs/workflow-scope';
import { imagePinningProblem } from '../../../src/constructs/validations/image';
import { literalCredential } from '../../../src/constructs/validations/secrets';
import { replicaBoundsErrors } from '../../../src/constructs/validations/replicas';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const timing = (handler: 'http' | 'tcp', path = '/ok') => ({ handler, path, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 });

function botScope(chart: Chart): WorkflowScope {
  return new WorkflowScope(chart, 'Workflow', { workflow: 'bot', version: '1.0.0', ownerTeam: 'team', ownerEmail: 'team@example.com' });
}

function workload(change: Partial<LangGraphWorkloadProps> = {}): Chart {
  const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
  new LangGraphWorkload(botScope(chart), 'Api', {
    name: 'bot-api',
    identity: { workflow: 'bot', app: 'langgraph-api', component: 'api' },
    image: `registry.example.com/bot@${DIGEST}`,
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'SA', 'bot-api'),
    configMap: kplus.ConfigMap.fromConfigMapName(chart, 'CM', 'bot-config'),
    probes: { startup: timing('http'), readiness: timing('http'), liveness: timing('tcp') },
    terminationGracePeriodSeconds: 180,
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    secretEnv: { DATABASE_URI: { secretName: 'bot-secrets', key: 'database-uri' } },
    ...change,
  });
  return chart;
}

describe('LangGraphWorkload refuses insecure settings at synth time', () => {
  test('a pinned image and credentials by reference synthesize', () => {
    expect(() => Testing.synth(workload())).not.toThrow();
  });

  test('image x:latest', () => {
    expect(() => Testing.synth(workload({ image: 'x:latest' })))
      .toThrow('Deployment bot/bot-api: image "x:latest" uses the "latest" tag, which moves; pin it by digest: image: <repository>@sha256:<digest>');
  });

  test('an untagged image, and a tag without allowImageTags; a tag with it passes', () => {
    expect(() => Testing.synth(workload({ image: 'registry.example.com/bot' }))).toThrow(/image "registry.example.com\/bot" has neither tag nor digest/);
    expect(() => Testing.synth(workload({ image: 'registry.example.com/bot:1.2.3' }))).toThrow(/pinned by tag only.*or set allowImageTags: true/);
    expect(() => Testing.synth(workload({ image: 'registry.example.com/bot:1.2.3', allowImageTags: true }))).not.toThrow();
    expect(() => Testing.synth(workload({ image: 'registry.example.com/bot:latest', allowImageTags: true }))).toThrow(/latest/);
  });

  test('a literal OPENAI_API_KEY, without printing the value', () => {
    let message = '';
    try {
      Testing.synth(workload({ env: { OPENAI_API_KEY: 'sk-live-123' } }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('Deployment bot/bot-api: env OPENAI_API_KEY has a literal value (redacted)');
    expect(message).toContain('secretEnv: { OPENAI_API_KEY: { secretName, key } }');
    expect(message).not.toContain('sk-live-123');
  });

  test('a password inside a URI is refused; a $(VAR) reference to a Secret variable is not', () => {
    expect(() => Testing.synth(workload({ env: { REDIS_URI: 'redis://:hunter2@redis:6379' } }))).toThrow(/env REDIS_URI carries a password inside its URI/);
    expect(() => Testing.synth(workload({
      secretEnv: { POSTGRES_PASSWORD: { secretName: 'pg', key: 'password' } },
      env: { POSTGRES_URI: 'postgres://langgraph:$(POSTGRES_PASSWORD)@pg:5432/db' },
    }))).not.toThrow();
  });

  test('liveness on the readiness handler, and a liveness successThreshold other than 1; all problems at once', () => {
    const probes = { startup: timing('http'), readiness: timing('http'), liveness: { ...timing('http'), successThreshold: 2 } };
    expect(() => Testing.synth(workload({ probes, image: 'x:latest' }))).toThrow(
      /image "x:latest"[\s\S]*probes.liveness uses the same handler as probes.readiness \(GET \/ok\)[\s\S]*probes.liveness.successThreshold 2 must be 1/);
    expect(() => Testing.synth(workload({ probes: { ...probes, liveness: timing('http', '/live') } }))).not.toThrow();
  });
});

describe('autoscalers refuse scaling to zero and inverted bounds at synth time', () => {
  const hpa = (minReplicas: number, maxReplicas: number) => {
    const chart = new Chart(new App({ outdir: 'unused' }), 'Test');
    new Autoscaler(botScope(chart), 'Hpa', {
      name: 'bot-api',
      identity: { workflow: 'bot', app: 'langgraph-api', component: 'api' },
      target: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'bot-api' } },
      minReplicas, maxReplicas, cpuUtilization: 70,
      scaleUp: { stabilizationWindowSeconds: 0, percent: 100, periodSeconds: 60 },
      scaleDown: { stabilizationWindowSeconds: 300, percent: 10, periodSeconds: 60 },
    });
    return () => chart.toJson();
  };
  test.each([[0, 3, /HPA bot-api: minReplicas 0 would scale to zero/], [1.5, 3, /minReplicas 1.5 is not a whole number of pods; use an integer of at least 1/], [4, 3, /minReplicas 4 exceeds maxReplicas 3; lower minReplicas or raise maxReplicas/]])('min %p max %p', (min, max, message) => {
    expect(hpa(min, max)).toThrow(message);
  });
  test('1..3 synthesizes', () => expect(hpa(1, 3)).not.toThrow());
});

describe('the shared decisions', () => {
  test('image pinning', () => {
    expect(imagePinningProblem(`r:5000/a@${DIGEST}`, false)).toBeUndefined();
    expect(imagePinningProblem('r:5000/a', false)).toBe('untagged');
    expect(imagePinningProblem('r/a@sha256:12', false)).toBe('bad-digest');
    expect(imagePinningProblem('', true)).toBe('missing');
  });
  test('literal credentials', () => {
    expect(literalCredential('GITHUB_TOKEN', 'x')).toBe('name');
    expect(literalCredential('GITHUB_TOKEN', '')).toBeUndefined();
    expect(literalCredential('DATABASE_URI', 'postgres://u:p@h/db')).toBe('uri-password');
    expect(literalCredential('DATABASE_URI', 'postgres://u@h/db')).toBeUndefined();
    expect(literalCredential('OPENAI_BASE_URL', 'http://api.openai.com/v1')).toBeUndefined();
  });
  test('replica bounds name the fields as the object spells them', () => {
    expect(replicaBoundsErrors('ScaledObject w', 0, 2, { min: 'minReplicaCount', max: 'maxReplicaCount' })).toEqual([
      'ScaledObject w: minReplicaCount 0 would scale to zero and lose in-flight runs; use a whole number of at least 1',
    ]);
  });
});
