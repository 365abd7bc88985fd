/**
 * `npm run plan -- [--config DIR] [--env NAME] [--json]`: size an environment from its capacity
 * profile and print the plan. Exit codes: 0 plan printed, 2 bad arguments or config, 1 a bug.
 */
import { ConfigError } from '../config/errors';
import { formatPlanJson, formatPlanTable } from '../capacity/format';
import { loadCapacityInputs } from '../capacity/inputs';
import { planCapacity } from '../capacity/planner';

export const PLAN_USAGE = `usage: plan [--config DIR] [--env NAME] [--json]
  --config DIR  config folder holding defaults.yaml and environments/ (default: config)
  --env NAME    plan for environments/NAME.yaml merged over defaults.yaml (default: defaults.yaml only)
  --json        print JSON instead of a table`;

export interface PlanOptions {
  readonly configDir: string;
  readonly environment?: string;
  readonly json: boolean;
}

export class UsageError extends Error {}

export function parsePlanArgs(argv: readonly string[]): PlanOptions {
  let configDir = 'config';
  let environment: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=')
      ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)]
      : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) {
        throw new UsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '--config': configDir = value(); break;
      case '--env': environment = value(); break;
      case '--json': json = true; break;
      default: throw new UsageError(`unknown argument "${argv[i]}"`);
    }
  }
  return { configDir, environment, json };
}

/** Runs the command; returns the exit code. Output goes through `write`, errors through `writeError`. */
export function runPlan(
  argv: readonly string[],
  write: (text: string) => void = (t) => process.stdout.write(t),
  writeError: (text: string) => void = (t) => process.stderr.write(t),
): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    write(`${PLAN_USAGE}\n`);
    return 0;
  }
  try {
    const options = parsePlanArgs(argv);
    const inputs = loadCapacityInputs(options.configDir, options.environment);
    const plan = planCapacity(inputs.capacity, inputs.podSizing);
    const report = {
      environment: options.environment,
      sources: inputs.sources,
      capacity: inputs.capacity,
      plan,
      configuredReplicas: inputs.configuredReplicas,
    };
    write(options.json ? formatPlanJson(report) : formatPlanTable(report));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      writeError(`plan: ${e.message}\n${PLAN_USAGE}\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      writeError(`plan: ${e.message}\n`);
      return 2;
    }
    writeError(`plan: unexpected error (a bug, please report it): ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = runPlan(process.argv.slice(2));
}
