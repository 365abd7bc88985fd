/**
 * A behaviour-canary release (scripts/behaviour/canary-release.ts) changes one workflow's version
 * and image digest in workflows.yaml, and nothing else.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { releaseWorkflows } from '../../scripts/behaviour/canary-release';

const TEXT = fs.readFileSync(path.join(__dirname, '../../config/workflows.yaml'), 'utf8');

describe('releaseWorkflows on config/workflows.yaml', () => {
  it("sets the workflow's version and a new digest, everything else equal", () => {
    const before = parse(TEXT);
    const after = parse(releaseWorkflows(TEXT, 'support-agent', '9.9.9'));
    const i = before.workflows.findIndex((w: { name: string }) => w.name === 'support-agent');
    expect(after.workflows[i].version).toBe('9.9.9');
    expect(after.workflows[i].image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(after.workflows[i].image.digest).not.toBe(before.workflows[i].image.digest);
    after.workflows[i].version = before.workflows[i].version;
    after.workflows[i].image.digest = before.workflows[i].image.digest;
    expect(after).toEqual(before);
  });

  it('gives each version its own digest, the same one every time', () => {
    const digest = (v: string) => parse(releaseWorkflows(TEXT, 'support-agent', v)).workflows[0].image.digest;
    expect(digest('1.0.0')).toBe(digest('1.0.0'));
    expect(digest('1.0.0')).not.toBe(digest('1.0.1'));
  });

  it('refuses a workflow that is not in the catalog', () => {
    expect(() => releaseWorkflows(TEXT, 'no-such-workflow', '1.0.0')).toThrow(/no workflow no-such-workflow/);
  });
});
