/**
 * A team's own program rendering one LangGraph workflow with the langgraph-platform library: it
 * imports only the package's public API (no deep imports), is compiled by `tsc` and run by `node`,
 * validates what it renders with the library's gate, and writes the files as `npm run synth` does
 * (<outdir>/<env>/<workflow>/<kind>-<name>.yaml), so for the same config the bytes are the same.
 *
 *   npm run build
 *   node build/main.js --config ../../config --env prod --workflow support-agent --outdir dist
 *
 * Exit codes: 0 written; 1 the gate refused the objects (nothing written); 2 bad arguments or config.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { App } from 'cdk8s';
import {
  ConfigError,
  KubeObject,
  RenderedObject,
  ResolvedEnvironment,
  Waiver,
  applyCapacityPlans,
  formatViolation,
  loadConfig,
  runGate,
  toFiles,
  workflowChart,
} from 'langgraph-platform';

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', default: '../../config' },
      env: { type: 'string', default: 'prod' },
      workflow: { type: 'string', default: 'support-agent' },
      outdir: { type: 'string', default: 'dist' },
    },
  });
  const { config: configDir, env, workflow, outdir } = values as Record<'config' | 'env' | 'workflow' | 'outdir', string>;

  // 1. Inputs: the platform's config folder (the library checks it and says how to fix what is wrong).
  let scope: ResolvedEnvironment;
  try {
    scope = oneWorkflow(applyCapacityPlans(loadConfig(configDir)).environments, env, workflow);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) {
      process.stderr.write(`own-app: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  // 2. Render and validate, in the construct tree: the library's WorkflowChart (a LangGraphWorkflow
  // with the config's settings as props, plus the features the config enables) with the platform
  // aspects (Argo CD sync waves, keep-on-delete, waiver annotations), then the validation gate.
  // construct validations (pinned image, no literal secret, replica bounds, probes) run in toJson().
  const app = new App();
  const chart = workflowChart(app, scope, scope.workflows[0]);
  let objects: RenderedObject[];
  try {
    objects = (chart.toJson() as KubeObject[]).map((object) => ({ environment: env, workflow, object }));
  } catch (e) {
    process.stderr.write(`own-app: ${(e as Error).message}\n`);
    return 1;
  }
  const gate = runGate(objects, [scope]);
  if (gate.violations.length) {
    process.stderr.write(`own-app: the validation gate refused ${gate.violations.length} problem(s); nothing written:\n${gate.violations.map(formatViolation).join('\n')}\n`);
    return 1;
  }

  // 3. Files: one object per file, serialized by the library (the same bytes as the CLI's dist/).
  const files = toFiles(objects);
  for (const file of files) {
    const target = path.join(outdir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
  process.stdout.write(`own-app: ${files.length} files for ${workflow} in ${env} written to ${path.join(outdir, env, workflow)} (gate: ${gate.checkedObjects} objects checked, ${gate.waived?.length ?? 0} waived)\n`);
  return 0;
}

class UsageError extends Error {}

/**
 * The environment with only `workflow` in it. The environment's waivers are a fleet-wide list, so
 * only those naming this workflow's objects come along: the gate reports a waiver that names
 * nothing rendered as stale.
 */
function oneWorkflow(environments: readonly ResolvedEnvironment[], env: string, workflow: string): ResolvedEnvironment {
  const resolved = environments.find((e) => e.environment.name === env);
  if (!resolved) throw new UsageError(`no environment "${env}" in the config; use one of: ${environments.map((e) => e.environment.name).join(', ')}`);
  const wf = resolved.workflows.find((w) => w.name === workflow);
  if (!wf) throw new UsageError(`no workflow "${workflow}" in the catalog; use one of: ${resolved.workflows.map((w) => w.name).join(', ')}`);
  const names = (w: Waiver) => w.name.includes('<workflow>') || w.name === workflow || w.name.startsWith(`${workflow}-`);
  return { environment: { ...resolved.environment, waivers: resolved.environment.waivers.filter(names) }, workflows: [wf] };
}

process.exitCode = main(process.argv.slice(2));
