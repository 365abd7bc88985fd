import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT, committed } from '../helpers';
import { renderWorkflowGraph } from '../../src/tools/workflow-graph';
import { readmeGraphIsCurrent } from '../../src/tools/readme-graph';
import { README_GRAPH } from '../../scripts/readme-graph';

test('the README embeds the current picture of the reference workflow (npm run readme:graph)', () => {
  const objects = committed().objects.filter((o) => o.environment === README_GRAPH.environment).map((o) => o.object);
  const fresh = renderWorkflowGraph(objects, README_GRAPH.workflow);
  expect(fresh).toContain('Rollout');
  expect(fresh).not.toContain(':::missing');
  expect(readmeGraphIsCurrent(fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8'), fresh)).toBe(true);
});
