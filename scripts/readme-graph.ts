/**
 * `npm run readme:graph` (`--help` for the details): re-embeds the Mermaid picture of the
 * reference workflow (prod) in the README, derived from a fresh synth of the committed config.
 * A test fails when it is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { defineCommand, processIo, runCommandSync, CommandIo } from '../src/cli/command';
import { synthesize } from '../src/synth/pipeline';
import { renderWorkflowGraph } from '../src/tools/workflow-graph';
import { updateReadmeGraph } from '../src/tools/readme-graph';

export const README_GRAPH = { environment: 'prod', workflow: 'support-agent' } as const;

const ROOT = path.resolve(__dirname, '..');

export const README_GRAPH_COMMAND = defineCommand({
  name: 'readme:graph',
  run: 'npm run readme:graph --',
  summary: `Re-embed in README.md the Mermaid picture of the reference workflow (${README_GRAPH.workflow} in ${README_GRAPH.environment}), from a fresh synth of config/ (nothing else is written).`,
  flags: {},
  examples: [{ command: 'npm run readme:graph', explain: 'after a change that alters the reference workflow\'s objects or references' }],
  exitCodes: ['0  README.md updated (or already current)', '1  an internal error', '2  bad arguments, or README.md cannot be read or written'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(README_GRAPH_COMMAND, argv, () => {
    const objects = synthesize(path.join(ROOT, 'config')).objects
      .filter((o) => o.environment === README_GRAPH.environment)
      .map((o) => o.object);
    const readme = path.join(ROOT, 'README.md');
    fs.writeFileSync(readme, updateReadmeGraph(fs.readFileSync(readme, 'utf8'), renderWorkflowGraph(objects, README_GRAPH.workflow)));
    io.out('README.md: graph updated\n');
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
