/**
 * `npm run graph -- --env ENV --workflow NAME [--dist DIR]` (`--help` for the details): print a
 * Mermaid `flowchart LR` of one workflow's rendered objects in one environment and the references
 * between them.
 *
 * Exit codes: 0 diagram printed (dangling references are drawn, not failed on); 2 bad arguments;
 * 1 the dist folder could not be read or holds no such environment/workflow.
 */
import * as path from 'path';
import { UsageError, defineCommand, flag, processIo, runCommandSync } from './command';
import { loadDistDirectory, objectsOfEnvironment } from '../tools/manifest-index';
import { renderWorkflowGraph } from '../tools/workflow-graph';

export const GRAPH_COMMAND = defineCommand({
  name: 'graph',
  run: 'npm run graph --',
  summary: 'Print a Mermaid flowchart of one workflow\'s rendered objects in one environment and the references between them (Service → pods, NetworkPolicy → peers, Secret and ConfigMap mounts, ...).',
  details: ['Paste the output into a ```mermaid block (GitHub renders it). Dangling references are drawn, not failed on.'],
  flags: {
    env: flag.value({ value: 'ENV', help: 'environment: a folder under the dist folder (e.g. prod); required' }),
    workflow: flag.value({ value: 'NAME', help: 'workflow: a folder under <dist>/<ENV> (e.g. support-agent); required' }),
    dist: flag.value({ value: 'DIR', help: 'rendered manifests', default: 'dist' }),
  },
  examples: [
    { command: 'npm run graph -- --env prod --workflow support-agent', explain: 'the support-agent workflow as rendered for prod in dist/' },
    { command: 'npm run graph -- --env=dev --workflow=research-assistant --dist /tmp/out', explain: 'from another output folder' },
  ],
  exitCodes: [
    '0  the diagram was printed',
    '1  the dist folder could not be read, or holds no such environment or workflow',
    '2  bad arguments',
  ],
});

export interface GraphOptions {
  readonly env: string;
  readonly workflow: string;
  /** @default 'dist' */
  readonly distDir: string;
}

/** Runs the command; returns the exit code. Relative paths start from `cwd`. */
export function runGraph(
  argv: readonly string[],
  write: (text: string) => void = processIo.out,
  writeError: (text: string) => void = processIo.err,
  cwd: string = process.cwd(),
): number {
  return runCommandSync(GRAPH_COMMAND, argv, ({ values }) => {
    if (!values.env) throw new UsageError('--env is required, e.g. --env prod');
    if (!values.workflow) throw new UsageError('--workflow is required, e.g. --workflow support-agent');
    const options: GraphOptions = { env: values.env, workflow: values.workflow, distDir: values.dist };
    try {
      const index = loadDistDirectory(path.resolve(cwd, options.distDir));
      if (!index.environments.has(options.env)) {
        const known = [...index.environments.keys()].sort().join(', ') || 'none';
        throw new Error(`no environment "${options.env}" in ${options.distDir}; environments there: ${known}`);
      }
      write(renderWorkflowGraph(objectsOfEnvironment(index, options.env), options.workflow));
      return 0;
    } catch (e) {
      writeError(`graph: ${(e as Error).message}\n`);
      return 1;
    }
  }, { out: write, err: writeError });
}

/** `npm run graph` with `argv`; returns the exit code. Writes to process.stdout/stderr. */
export function main(argv: readonly string[]): number {
  return runGraph(argv);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
