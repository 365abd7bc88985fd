/**
 * Renders one workflow of the committed config with and without a feature composer, so tests see
 * exactly the objects the feature adds and what the full validation gate says about them.
 */
import { Chart, Testing } from 'cdk8s';
import { loadConfig } from '../../../src/config/load';
import { PlatformConfig, ResolvedEnvironment, ResolvedWorkflow } from '../../../src/config/resolved';
import { Environment } from '../../../src/config/schema';
import { WorkflowContext, workflowContext } from '../../../src/charts/context';
import { WorkflowChart } from '../../../src/charts/workflow-chart';
import { KubeObject } from '../../../src/model/kube-object';
import { RenderedObject } from '../../../src/model/rendered-object';
import { objectId } from '../../../src/model/object-id';
import { Violation, formatViolation, runGate } from '../../../src/validation/gate';
import { CONFIG_DIR } from '../../helpers';

let config: PlatformConfig | undefined;
export function committedConfig(): PlatformConfig {
  config ??= loadConfig(CONFIG_DIR);
  return config;
}

export const WF = 'support-agent';

export function resolvedEnvironment(envName: string, override?: (env: Environment) => Environment): ResolvedEnvironment {
  const resolved = committedConfig().environments.find((e) => e.environment.name === envName);
  if (!resolved) throw new Error(`no environment ${envName} in the committed config`);
  return override ? { ...resolved, environment: override(resolved.environment) } : resolved;
}

export function workflowOf(resolved: ResolvedEnvironment, name = WF): ResolvedWorkflow {
  const wf = resolved.workflows.find((w) => w.name === name);
  if (!wf) throw new Error(`no workflow ${name} in environment ${resolved.environment.name}`);
  return wf;
}

export function contextOf(envName: string, override?: (env: Environment) => Environment): WorkflowContext {
  const resolved = resolvedEnvironment(envName, override);
  return workflowContext(resolved.environment, workflowOf(resolved));
}

/** The feature's objects alone, in a bare chart. */
export function renderFeature(ctx: WorkflowContext, add: (chart: Chart, ctx: WorkflowContext) => void): KubeObject[] {
  const chart = new Chart(Testing.app(), 'Feature', { disableResourceNameHashes: true });
  add(chart, ctx);
  return chart.toJson() as KubeObject[];
}

export interface WithChart {
  /** What the WorkflowChart renders without the feature. */
  readonly base: KubeObject[];
  /** Base and feature together, as the lead's one added call would render them. */
  readonly all: KubeObject[];
  /** Objects only the feature added. */
  readonly added: KubeObject[];
  /** Gate violations (schema, policy, cross-object) that appear only with the feature. */
  readonly newViolations: Violation[];
}

/** Renders the WorkflowChart with and without the feature and runs the full gate on both. */
export function renderWithChart(resolved: ResolvedEnvironment, add: (chart: Chart, ctx: WorkflowContext) => void, workflow = WF): WithChart {
  const wf = workflowOf(resolved, workflow);
  const base = new WorkflowChart(Testing.app(), wf.name, { environment: resolved.environment, workflow: wf }).toJson() as KubeObject[];
  const chart = new WorkflowChart(Testing.app(), wf.name, { environment: resolved.environment, workflow: wf });
  add(chart, workflowContext(resolved.environment, wf));
  const all = chart.toJson() as KubeObject[];
  const baseIds = new Set(base.map(objectId));
  const added = all.filter((o) => !baseIds.has(objectId(o)));
  const rendered = (objects: KubeObject[]): RenderedObject[] => objects.map((object) => ({ environment: resolved.environment.name, workflow: wf.name, object }));
  const key = (v: Violation) => `${v.object} ${v.rule} ${v.path} ${v.message}`;
  const before = new Set(runGate(rendered(base), [resolved]).violations.map(key));
  // A feature's pod running the workflow's own image (the reference config's example image, waived
  // per committed object) brings no new problem: policy/example-image judges the image, not the feature.
  const ownExampleImage = (v: Violation) => v.rule === 'policy/example-image' && v.value === wf.image.reference;
  const newViolations = runGate(rendered(all), [resolved]).violations.filter((v) => !before.has(key(v)) && !ownExampleImage(v));
  return { base, all, added, newViolations };
}

export function describeViolations(violations: readonly Violation[]): string {
  return violations.map(formatViolation).join('\n');
}

export function byKindName(objects: readonly KubeObject[], kind: string, name: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** Every container of a pod template (init containers included). */
export function containersOf(template: any): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return [...(template.spec.initContainers ?? []), ...template.spec.containers];
}

/**
 * The platform's pod rules, asserted field by field on a rendered pod template: non-root with
 * UID/GID ≥ 10000, seccomp RuntimeDefault, ALL capabilities dropped, no privilege escalation,
 * read-only root filesystem, size-limited emptyDirs, requests and limits (ephemeral-storage
 * included), startup/readiness/liveness probes with readiness ≠ liveness, no API token, an own
 * ServiceAccount and a topology spread.
 */
export function expectHardenedPod(template: any): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const pod = template.spec;
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.serviceAccountName).toBeTruthy();
  expect(pod.serviceAccountName).not.toBe('default');
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  expect(pod.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
  expect(pod.securityContext.runAsGroup).toBeGreaterThanOrEqual(10000);
  expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  expect(pod.topologySpreadConstraints?.length).toBeGreaterThan(0);
  for (const v of pod.volumes ?? []) {
    if (v.emptyDir) expect(v.emptyDir.sizeLimit).toBeTruthy();
  }
  for (const c of containersOf(template)) {
    const sc = c.securityContext;
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.capabilities.drop).toEqual(['ALL']);
    expect(sc.capabilities.add).toBeUndefined();
    expect(sc.privileged).not.toBe(true);
    if (sc.runAsUser !== undefined) expect(sc.runAsUser).toBeGreaterThanOrEqual(10000);
    for (const field of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory', 'ephemeral-storage']) expect(c.resources[field][resource]).toBeTruthy();
    }
    if ((template.spec.initContainers ?? []).includes(c)) continue; // init containers run to completion: no probes
    expect(c.startupProbe).toBeDefined();
    expect(c.readinessProbe).toBeDefined();
    expect(c.livenessProbe).toBeDefined();
    expect(JSON.stringify(handlerOf(c.readinessProbe))).not.toBe(JSON.stringify(handlerOf(c.livenessProbe)));
  }
}

function handlerOf(probe: any): unknown { // eslint-disable-line @typescript-eslint/no-explicit-any
  return probe.httpGet ?? probe.tcpSocket ?? probe.exec ?? probe.grpc;
}
