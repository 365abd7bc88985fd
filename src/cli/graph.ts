/**
 * `npm run graph -- --env ENV --workflow NAME [--dist DIR]`: print a Mermaid `flowchart LR` of one
 * workflow's rendered objects in one environment and the references between them.
 *
 * Exit codes: 0 diagram printed (dangling references are drawn, not failed on); 2 bad arguments;
 * 1 the dist folder could not be read or holds no such environment/workflow.
 */
import * as path from 'path';
import { loadDistDirectory, objectsOfEnvironment } from '../tools/manifest-index';
import { renderWorkflowGraph } from '../tools/workflow-graph';

export const GRAPH_USAGE = `usage: graph --env ENV --workflow NAME [--dist DIR]
  --env ENV        environment folder under the dist folder (e.g. prod)
  --workflow NAME  workflow folder under dist/ENV (e.g. support-bot)
  --dist DIR       rendered manifests (default: dist)
Prints Mermaid; paste it into a \`\`\`mermaid block. Exit code 0 printed, 2 bad arguments, 1 unreadable input.`;

export interface GraphOptions {
  readonly env: string;
  readonly workflow: string;
  /** @default 'dist' */
  readonly distDir: string;
}

export class UsageError extends Error {}

export function parseGraphArgs(argv: readonly string[]): GraphOptions {
  let env: string | undefined;
  let workflow: string | undefined;
  let distDir = 'dist';
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].startsWith('--') ? argv[i].indexOf('=') : -1;
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const inline = eq > 0 ? argv[i].slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) {
        throw new UsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '--env': env = value(); break;
      case '--workflow': workflow = value(); break;
      case '--dist': distDir = value(); break;
      default: throw new UsageError(`unknown argument "${argv[i]}"`);
    }
  }
  if (!env) throw new UsageError('--env is required');
  if (!workflow) throw new UsageError('--workflow is required');
  return { env, workflow, distDir };
}

/** Runs the command; returns the exit code. */
export function runGraph(
  argv: readonly string[],
  write: (text: string) => void = (t) => process.stdout.write(t),
  writeError: (text: string) => void = (t) => process.stderr.write(t),
  cwd: string = process.cwd(),
): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    write(`${GRAPH_USAGE}\n`);
    return 0;
  }
  let options: GraphOptions;
  try {
    options = parseGraphArgs(argv);
  } catch (e) {
    writeError(`graph: ${(e as Error).message}\n${GRAPH_USAGE}\n`);
    return 2;
  }
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
}

if (require.main === module) {
  process.exitCode = runGraph(process.argv.slice(2));
}
