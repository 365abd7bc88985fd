/**
 * The gate as a whole: the committed config passes with zero violations; construct-level mistakes,
 * made through the construct API, are refused with environment, object, field, value and fix;
 * every violation is reported at once; a refused synth leaves the output folder untouched; the
 * cost grows linearly with the number of workflows.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { parseDocument } from 'yaml';
import { ResolvedWorkflow } from '../../src/config/resolved';
import { WorkflowChart } from '../../src/charts/workflow-chart';
import { workflowContext } from '../../src/charts/context';
import { ApiService } from '../../src/constructs/api-service';
import { Autoscaler } from '../../src/constructs/autoscaler';
import { RenderedObject } from '../../src/model/rendered-object';
import { KubeObject } from '../../src/model/kube-object';
import { listFiles } from '../../src/synth/compare-trees';
import { Violation, formatViolation, runGate } from '../../src/validation/gate';
import { CONFIG_DIR, PROJECT_ROOT, committed } from '../helpers';
import { WF, environmentObjects, gate as gateOfEnvironment, resolvedEnvironment } from '../fixtures/gate/helpers';

test('the committed config passes the gate with zero violations; only the dev waiver applies', () => {
  const { gate } = committed();
  expect(gate.violations.map(formatViolation)).toEqual([]);
  expect(gate.checkedObjects).toBe(committed().objects.length);
  const waived = ['dev', 'staging', 'prod'].flatMap((env) => gateOfEnvironment(env, environmentObjects(env)).waived ?? []);
  expect(waived.map((w) => `${w.violation.environment} ${w.violation.rule} ${w.violation.object}`).sort())
    .toEqual([
      ...resolvedEnvironment('dev').workflows.map((w) => `dev policy/single-replica Deployment/${w.namespace}/${w.name}-api`),
      // The reference config's example images, waived per object where the tier is production.
      ...['staging', 'prod'].flatMap((env) => [
        ...resolvedEnvironment(env).workflows.map((w) => `${env} policy/example-image Deployment/${w.namespace}/${w.name}-api`),
        `${env} policy/example-image Deployment/research-assistant/research-assistant-worker`,
      ]),
    ].sort());
});

/** One workflow rendered through the construct API, with an optional change to its resolved props and extra constructs. */
function renderWorkflow(env: string, change: (wf: ResolvedWorkflow) => ResolvedWorkflow, extra?: (scope: Construct, wf: ResolvedWorkflow) => void): RenderedObject[] {
  const resolved = resolvedEnvironment(env);
  const wf = change(resolved.workflows.find((w) => w.name === WF)!);
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gate-app-')) });
  const chart = new WorkflowChart(app, wf.name, { environment: resolved.environment, workflow: wf });
  extra?.(chart.stack, wf);
  return (chart.toJson() as KubeObject[]).map((object) => ({ environment: env, workflow: wf.name, object }));
}
/**
 * The gate over one workflow, without the committed waivers (which name the other workflows' objects
 * too). The reference config's example images (policy/example-image, waived in the committed list)
 * are left out: these cases are about other rules.
 */
const gateOf = (env: string, objects: RenderedObject[]) => {
  const resolved = resolvedEnvironment(env);
  return runGate(objects, [{ environment: { ...resolved.environment, waivers: [] }, workflows: resolved.workflows.filter((w) => w.name === WF) }])
    .violations.filter((v) => v.rule !== 'policy/example-image');
};
const settings = (wf: ResolvedWorkflow, s: Partial<ResolvedWorkflow['settings']>): ResolvedWorkflow => ({ ...wf, settings: { ...wf.settings, ...s } });
/**
 * The API Deployment's container changed after synthesis: what the constructs refuse at synth
 * time (a moving image, liveness = readiness), made by hand, so the gate's own rule is proven too.
 */
const withApiContainer = (objects: RenderedObject[], change: (container: any) => void): RenderedObject[] => objects.map((r) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (r.object.kind !== 'Deployment' || r.object.metadata.name !== `${WF}-api`) return r;
  const object = structuredClone(r.object) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  change(object.spec.template.spec.containers[0]);
  return { ...r, object };
});

describe('construct-level mistakes, through the construct API', () => {
  test('an unpinned image reference: refused by the construct at synth time, and by the gate in rendered output', () => {
    expect(() => renderWorkflow('prod', (wf) => ({ ...wf, image: { reference: 'registry.example.com/langgraph/support-agent:latest' } })))
      .toThrow(`Deployment ${WF}/${WF}-api: image "registry.example.com/langgraph/support-agent:latest" uses the "latest" tag`);
    const found = gateOf('prod', withApiContainer(renderWorkflow('prod', (wf) => wf), (c) => { c.image = 'registry.example.com/langgraph/support-agent:latest'; }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      environment: 'prod', object: `Deployment/${WF}/${WF}-api`, rule: 'policy/image-pinned',
      path: '/spec/template/spec/containers/0/image', value: 'registry.example.com/langgraph/support-agent:latest',
    });
  });

  test('a liveness probe identical to the readiness probe: refused by the construct, and by the gate in rendered output', () => {
    expect(() => renderWorkflow('staging', (wf) => settings(wf, { probes: { ...wf.settings.probes, liveness: { ...wf.settings.probes.readiness } } })))
      .toThrow(`Deployment ${WF}/${WF}-api: probes.liveness uses the same handler as probes.readiness (GET ${resolvedEnvironment('staging').workflows.find((w) => w.name === WF)!.settings.probes.readiness.path})`);
    const found = gateOf('staging', withApiContainer(renderWorkflow('staging', (wf) => wf), (c) => { c.livenessProbe = structuredClone(c.readinessProbe); }));
    expect(found.map((v) => `${v.rule} ${v.object} ${v.path}`)).toEqual([`policy/probes-distinct Deployment/${WF}/${WF}-api /spec/template/spec/containers/0/livenessProbe`]);
  });

  test('a single-replica API behind a canary is reported on the Rollout, naming the HPA field', () => {
    const found = gateOf('prod', renderWorkflow('prod', (wf) => settings(wf, { autoscaling: { ...wf.settings.autoscaling, minReplicas: 1 } })));
    expect(found.map((v) => v.rule)).toEqual(['policy/single-replica']);
    expect(found[0]).toMatchObject({ object: `Rollout/${WF}/${WF}-api`, value: 1, related: `HorizontalPodAutoscaler/${WF}/${WF}-api /spec/minReplicas` });
  });

  test('an extra Service that selects nothing and an HPA on the Rollout-managed Deployment, all reported at once', () => {
    const found = gateOf('prod', withApiContainer(renderWorkflow('prod', (wf) => wf, (chart, wf) => {
      const ctx = workflowContext(resolvedEnvironment('prod').environment, wf);
      new ApiService(chart, 'Preview', {
        name: `${ctx.apiName}-preview`, identity: { ...ctx.api, component: 'preview' },
        selector: { ...ctx.apiSelector, 'app.kubernetes.io/component': 'preview' },
      });
      const a = wf.settings.autoscaling;
      new Autoscaler(chart, 'DeploymentHpa', {
        name: `${ctx.apiName}-direct`, identity: ctx.api,
        target: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: ctx.apiName } },
        minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, cpuUtilization: a.cpuUtilization, memoryUtilization: a.memoryUtilization,
        scaleUp: a.scaleUp, scaleDown: a.scaleDown,
      });
    }), (c) => { c.image = `${c.image.split('@')[0]}:1.4.2`; }));
    expect(found.map((v) => `${v.rule} ${v.object}`).sort()).toEqual([
      `cross-object/hpa-managed-deployment HorizontalPodAutoscaler/${WF}/${WF}-api-direct`,
      `cross-object/service-selector Service/${WF}/${WF}-api-preview`,
      `policy/image-pinned Deployment/${WF}/${WF}-api`,
    ]);
    for (const v of found) expectActionable(v);
  });
});

function expectActionable(v: Violation): void {
  expect(v.environment).toMatch(/^[a-z]+$/);
  expect(v.object).toMatch(/^[A-Za-z]+\/([a-z0-9-]+\/)?[a-z0-9.-]+$/);
  expect(v.path).toMatch(/^\//);
  expect(v.message.length).toBeGreaterThan(15);
  expect(v.fix.length).toBeGreaterThan(15);
  const text = formatViolation(v);
  for (const part of [`[${v.environment}]`, v.object, v.path, v.rule, `fix: ${v.fix}`]) expect(text).toContain(part);
  if (v.value !== undefined) expect(text).toContain('(value: ');
}

describe('npm run synth with a gate violation', () => {
  const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const MAIN = path.join(PROJECT_ROOT, 'src', 'main.ts');
  const tree = (dir: string) => Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

  test('exits 1, prints every violation with its fix, and leaves the output folder byte-identical', () => {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-cfg-'));
    fs.cpSync(CONFIG_DIR, config, { recursive: true });
    const edit = (file: string, change: (doc: ReturnType<typeof parseDocument>) => void) => {
      const p = path.join(config, file);
      const doc = parseDocument(fs.readFileSync(p, 'utf8'));
      change(doc);
      fs.writeFileSync(p, doc.toString());
    };
    // dev loses its single-replica waiver (it fires per workflow); staging gains one that matches nothing.
    edit('waivers.yaml', (doc) => {
      const list = (doc.toJS() as { waivers: { rule: string; environments?: string[] }[] }).waivers;
      const kept = list.filter((w) => w.rule !== 'policy/single-replica');
      kept.unshift({ rule: 'policy/single-replica', kind: 'Deployment', name: '<workflow>-api', reason: 'staging is small and a restart there is acceptable', environments: ['staging'] } as never);
      doc.set('waivers', doc.createNode(kept));
    });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-out-'));
    fs.mkdirSync(path.join(out, 'dev'));
    fs.writeFileSync(path.join(out, 'dev', 'sentinel.yaml'), 'kept: true\n');
    const before = tree(out);
    const r = spawnSync(TSX, [MAIN, '--config', config, '--outdir', out], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 1 });
    const devWorkflows = resolvedEnvironment('dev').workflows;
    expect(r.stderr).toContain(`synth refused: ${devWorkflows.length + 1} violation(s)`);
    for (const wf of devWorkflows) expect(r.stderr).toContain(`[dev] Deployment/${wf.namespace}/${wf.name}-api /spec/replicas (value: 1)`);
    expect(r.stderr).toContain('[policy/single-replica]');
    expect(r.stderr).toContain('[staging] waivers[0] (policy/single-replica on Deployment <workflow>-api) /waivers/0');
    expect(r.stderr).toContain('[waiver/stale]');
    expect(r.stderr).toContain('fix: keep at least 2 replicas');
    expect(r.stderr).toContain('was left untouched');
    expect(tree(out)).toEqual(before);
  });
});
