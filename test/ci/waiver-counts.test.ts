/**
 * The README's per-scanner exemption counts are what the committed dist/ and waiver list give
 * (the same numbers scripts/ci/scan.sh prints in its WAIVED column).
 */
import * as fs from 'fs';
import * as path from 'path';
import { BEGIN, END, replaceSection, waiverCounts, waiverCountsTable } from '../../scripts/ci/waiver-counts';
import { CONFIG_DIR, PROJECT_ROOT, committed } from '../helpers';

const DIST = path.join(PROJECT_ROOT, 'dist');

test('the README table equals the counts of the committed dist/ (regenerate: npx tsx scripts/ci/waiver-counts.ts --write)', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  expect(readme).toContain(BEGIN);
  expect(readme).toContain(END);
  expect(replaceSection(readme, waiverCountsTable(CONFIG_DIR, DIST))).toBe(readme);
});

test('each count is the number of (waiver, rendered object) pairs for that scanner', () => {
  const { objects, config } = committed();
  for (const env of config.environments) {
    const name = env.environment.name;
    const counts = waiverCounts(CONFIG_DIR, name, path.join(DIST, name));
    for (const tool of ['kube-linter', 'polaris', 'checkov', 'kube-score', 'trivy'] as const) {
      let pairs = 0;
      for (const w of env.environment.waivers.filter((x) => x.rule.startsWith(`${tool}/`))) {
        const names = env.workflows.map((wf) => w.name.replace(/<workflow>/g, wf.name));
        pairs += objects.filter((o) => o.environment === name && o.object.kind === w.kind && names.includes(o.object.metadata.name)).length;
      }
      expect({ env: name, tool, count: counts[tool] }).toEqual({ env: name, tool, count: pairs });
    }
  }
});
