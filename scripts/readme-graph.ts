/**
 * `npm run readme:graph`: re-embeds the Mermaid picture of the reference workflow (prod) in the
 * README, derived from a fresh synth of the committed config. A test fails when it is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../src/synth/pipeline';
import { renderWorkflowGraph } from '../src/tools/workflow-graph';
import { updateReadmeGraph } from '../src/tools/readme-graph';

export const README_GRAPH = { environment: 'prod', workflow: 'support-agent' } as const;

const ROOT = path.resolve(__dirname, '..');
if (require.main === module) {
  const objects = synthesize(path.join(ROOT, 'config')).objects
    .filter((o) => o.environment === README_GRAPH.environment)
    .map((o) => o.object);
  const readme = path.join(ROOT, 'README.md');
  fs.writeFileSync(readme, updateReadmeGraph(fs.readFileSync(readme, 'utf8'), renderWorkflowGraph(objects, README_GRAPH.workflow)));
  process.stdout.write('README.md: graph updated\n');
}
