/**
 * `npm run plan -- [--config DIR] [--env NAME] [--workflow NAME] [--json]` (`--help` for the details):
 * size an environment's workflows from their capacity profiles and print the plan (a summary row
 * per workflow without --workflow).
 * Exit codes: 0 plan printed, 2 bad arguments or config, 1 a bug.
 */
import { ConfigError } from '../config/errors';
import { formatPlanJson, formatPlanTable } from '../capacity/format';
import { listWorkflows, loadCapacityInputs } from '../capacity/inputs';
import { formatPlanSummaryJson, formatPlanSummaryTable } from '../capacity/summary';
import type { PlanReport } from '../capacity/format';
import { planCapacity } from '../capacity/planner';
import { defineCommand, flag, processIo, runCommandSync } from './command';

export const PLAN_COMMAND = defineCommand({
  name: 'plan',
  run: 'npm run plan --',
  summary: 'Size an environment from its capacity profile (config `capacity:`) and print the plan: peak sessions, replicas, CPU and memory, Postgres connections, and how they compare with the configured replicas.',
  flags: {
    config: flag.value({ value: 'DIR', help: 'config folder holding defaults.yaml and environments/', default: 'config' }),
    env: flag.value({ value: 'NAME', help: 'plan for environments/NAME.yaml merged over defaults.yaml', defaultText: 'defaults.yaml only' }),
    workflow: flag.value({ value: 'NAME', help: "plan one workflow of workflows.yaml: its own capacity profile, requests and HPA targets over the environment's", defaultText: 'every workflow of workflows.yaml, one summary row each (workflowDefaults without a catalog)' }),
    json: flag.boolean({ help: 'print JSON instead of a table' }),
  },
  examples: [
    { command: 'npm run plan -- --env prod', explain: 'the plan for prod' },
    { command: 'npm run plan -- --env prod --workflow research-assistant', explain: "one workflow's plan in prod" },
    { command: 'npm run plan -- --config=config --env=staging --json', explain: 'the same for staging, as JSON' },
  ],
  exitCodes: ['0  the plan was printed', '1  an internal error (printed with its stack)', '2  bad arguments, or a config problem (file, key, value and fix)'],
});

export interface PlanOptions {
  readonly configDir: string;
  readonly environment?: string;
  readonly json: boolean;
}

/** Runs the command; returns the exit code. Output goes through `write`, errors through `writeError`. */
export function runPlan(
  argv: readonly string[],
  write: (text: string) => void = processIo.out,
  writeError: (text: string) => void = processIo.err,
): number {
  return runCommandSync(PLAN_COMMAND, argv, ({ values }) => {
    const options: PlanOptions = { configDir: values.config, environment: values.env, json: values.json };
    try {
      // Without --workflow: every workflow of the catalog, each with its own sizing and cost.
      const workflows = values.workflow === undefined ? listWorkflows(options.configDir) : undefined;
      if (workflows?.length) {
        const reports: PlanReport[] = workflows.map((name) => {
          const inputs = loadCapacityInputs(options.configDir, options.environment, name);
          return { environment: options.environment, workflow: name, sources: inputs.sources, capacity: inputs.capacity, plan: planCapacity(inputs.capacity, inputs.podSizing), configuredReplicas: inputs.configuredReplicas };
        });
        write(options.json ? formatPlanSummaryJson(options.environment, reports) : formatPlanSummaryTable(options.environment, reports));
        return 0;
      }
      const inputs = loadCapacityInputs(options.configDir, options.environment, values.workflow);
      const plan = planCapacity(inputs.capacity, inputs.podSizing);
      const report = {
        environment: options.environment,
        workflow: values.workflow,
        sources: inputs.sources,
        capacity: inputs.capacity,
        plan,
        configuredReplicas: inputs.configuredReplicas,
      };
      write(options.json ? formatPlanJson(report) : formatPlanTable(report));
      return 0;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      writeError(`plan: ${e.message}\n`);
      return 2;
    }
  }, { out: write, err: writeError });
}

/** `npm run plan` with `argv`; returns the exit code. Writes to process.stdout/stderr. */
export function main(argv: readonly string[]): number {
  return runPlan(argv);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
