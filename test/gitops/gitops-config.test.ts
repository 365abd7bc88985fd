import { GITOPS_DEFAULTS, gitopsSchema, workflowGitopsSchema } from '../../src/config/features/gitops';
import { gitopsTargetOf, workflowAppOf } from '../../src/gitops/settings';
import { committed } from '../helpers';

const messages = (input: unknown) => {
  const r = gitopsSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('an absent block gets every default, and the default repository is an obvious example', () => {
  expect(gitopsSchema.parse(undefined)).toEqual(GITOPS_DEFAULTS);
  expect(GITOPS_DEFAULTS.repoUrl).toMatch(/^https:\/\/[^/]*example\.com\//);
});

test('accepts https, ssh:// and scp-like repository URLs, and branch, tag or path-like revisions', () => {
  for (const repoUrl of ['https://github.com/acme/platform.git', 'ssh://git@git.acme.io/platform.git', 'git@github.com:acme/platform.git']) {
    expect(messages({ repoUrl })).toEqual([]);
  }
  for (const targetRevision of ['main', 'v1.4.2', 'release/2025-06', '3f2a9c1']) expect(messages({ targetRevision })).toEqual([]);
});

test('refuses what Argo CD could not use, naming the key and the expected form', () => {
  expect(messages({ repoUrl: 'http://git.example.com/x.git' })).toEqual([expect.stringMatching(/^repoUrl: a Git repository URL such as/)]);
  expect(messages({ targetRevision: 'main..dev' })).toEqual([expect.stringMatching(/^targetRevision: a valid Git ref name/)]);
  expect(messages({ distPath: '/abs/dist' })).toEqual([expect.stringMatching(/^distPath: a folder relative to the repository root/)]);
  expect(messages({ distPath: '../dist' })).toHaveLength(1);
  expect(messages({ project: 'Langgraph' })).toEqual([expect.stringMatching(/^project: a DNS-1123 label/)]);
  expect(messages({ automated: true })).toEqual([expect.stringMatching(/automated/)]); // a typo is not silently ignored
});

test('names and paths derive from the environment and workflow names alone: stable, hash-free', () => {
  for (const { environment, workflows } of committed().config.environments) {
    const t = gitopsTargetOf(environment);
    expect(t.applicationSetName).toBe(`langgraph-${environment.name}`);
    expect(t.path).toMatch(new RegExp(`/${environment.name}$`));
    expect(t.server).toBe(environment.cluster.server);
    for (const wf of workflows) {
      const app = workflowAppOf(t, wf);
      expect(app).toEqual({
        workflow: wf.name, applicationName: `langgraph-${environment.name}-${wf.name}`, namespace: wf.namespace, path: `dist/${environment.name}/${wf.name}`, automatedSync: expect.any(Boolean),
      });
    }
  }
});

test('a workflow\'s gitops.automatedSync is optional and strict; unset, it follows the environment', () => {
  expect(workflowGitopsSchema.parse(undefined)).toEqual({});
  expect(workflowGitopsSchema.parse({ automatedSync: false })).toEqual({ automatedSync: false });
  expect(workflowGitopsSchema.safeParse({ automated: true }).success).toBe(false);
  expect(workflowGitopsSchema.safeParse({ automatedSync: 'yes' }).success).toBe(false);
  const { environment, workflows } = committed().config.environments.find((e) => e.environment.name === 'prod')!;
  const t = gitopsTargetOf(environment);
  const wf = workflows[0];
  expect(workflowAppOf(t, wf).automatedSync).toBe(false);
  expect(workflowAppOf(t, { ...wf, settings: { ...wf.settings, gitops: { automatedSync: true } } }).automatedSync).toBe(true);
  expect(workflowAppOf({ ...t, automatedSync: true }, { ...wf, settings: { ...wf.settings, gitops: { automatedSync: false } } }).automatedSync).toBe(false);
});
