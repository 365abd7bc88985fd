/**
 * Shared setup for the platform-feature tests: the committed config, a WorkflowContext for one
 * workflow in one environment (with optional overrides), a fresh chart, and strict validation.
 */
import { Chart, Testing } from 'cdk8s';
import { loadConfig } from '../../../src/config/load';
import { PlatformConfig } from '../../../src/config/resolved';
import { Environment, WorkflowSettings } from '../../../src/config/schema';
import { WorkflowContext, workflowContext } from '../../../src/charts/context';
import { WorkflowChart } from '../../../src/charts/workflow-chart';
import { defaultSchemaRegistry } from '../../../src/validation/schema-registry';
import { CONFIG_DIR } from '../../helpers';

let config: PlatformConfig | undefined;
export function committedConfig(): PlatformConfig {
  config ??= loadConfig(CONFIG_DIR);
  return config;
}

export interface ContextOverrides {
  readonly env?: Partial<Environment>;
  readonly settings?: Partial<WorkflowSettings>;
}

function resolved(envName: string, workflow: string) {
  const env = committedConfig().environments.find((e) => e.environment.name === envName);
  if (!env) throw new Error(`no environment ${envName} in the committed config`);
  const wf = env.workflows.find((w) => w.name === workflow);
  if (!wf) throw new Error(`no workflow ${workflow} in ${envName}`);
  return { env: env.environment, wf };
}

export function contextFor(envName: string, workflow = 'support-agent', overrides: ContextOverrides = {}): WorkflowContext {
  const { env, wf } = resolved(envName, workflow);
  return workflowContext({ ...env, ...overrides.env }, { ...wf, settings: { ...wf.settings, ...overrides.settings } });
}

export function newChart(): Chart {
  return new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
}

/** The full WorkflowChart of the committed config (what the lead's composition adds to). */
export function workflowChart(envName: string, workflow = 'support-agent'): WorkflowChart {
  const { env, wf } = resolved(envName, workflow);
  return new WorkflowChart(Testing.app(), 'wf', { environment: env, workflow: wf });
}

/** Synthesizes the chart and fails the test on any strict-schema violation. */
export function synthValid(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  const violations = objects.flatMap((o) => defaultSchemaRegistry().validate(o));
  expect(violations).toEqual([]);
  return objects;
}

export function ofKind(objects: readonly any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}
