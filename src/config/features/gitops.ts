/**
 * How the central Argo CD picks up an environment's rendered manifests: the repository and
 * revision it reads `dist/<env>` from, whether it syncs by itself, and the AppProject that fences
 * the environment. Environment level (`environmentSchema.gitops`); every key has a default, so
 * configs without the block stay valid.
 */
import { z } from 'zod';

const dnsLabel = z
  .string()
  .max(63, 'at most 63 characters (a DNS-1123 label)')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');

/** What Argo CD accepts as a repository: https, ssh:// or scp-like `git@host:org/repo.git`. */
const repoUrl = z
  .string()
  .regex(
    /^(https:\/\/[^\s@]+|ssh:\/\/[^\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+)$/,
    'a Git repository URL such as https://git.example.com/platform/langgraph-platform.git or git@git.example.com:platform/langgraph-platform.git',
  );

/** A branch, tag or commit. */
const gitRevision = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'a branch, tag or commit such as "main", "release/2025-06" or "v1.4.2"')
  .refine((r) => !r.includes('..') && !r.endsWith('/') && !r.endsWith('.lock'), 'a valid Git ref name (no "..", no trailing "/" or ".lock")');

/** A folder of the repository, relative to its root, without `..`. */
const repoFolder = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/, 'a folder relative to the repository root, such as "dist" or "platform/langgraph/dist" (no leading "/", no "..")');

export const GITOPS_DEFAULTS = {
  repoUrl: 'https://git.example.com/platform/langgraph-platform.git',
  targetRevision: 'main',
  distPath: 'dist',
  automatedSync: true,
} as const;

export const gitopsSchema = z
  .strictObject({
    repoUrl: repoUrl.default(GITOPS_DEFAULTS.repoUrl).meta({ description: 'The repository holding this project\'s committed `dist/`. The default is an example: put your repository here (and register its credentials with Argo CD, never in this config).' }),
    targetRevision: gitRevision.default(GITOPS_DEFAULTS.targetRevision).meta({ description: 'Branch, tag or commit Argo CD renders this environment from.' }),
    distPath: repoFolder.default(GITOPS_DEFAULTS.distPath).meta({ description: 'Where `npm run synth` writes, relative to the repository root.' }),
    automatedSync: z.boolean().default(GITOPS_DEFAULTS.automatedSync).meta({ description: 'Sync every commit by itself, pruning removed objects and reverting drift (self-heal). Off means a person presses Sync (the committed prod config turns it off).' }),
    project: dnsLabel.optional().meta({ description: 'AppProject fencing this environment. Environments naming the same project share one (its allow-lists are the union of theirs). Default: `langgraph-<env>`.' }),
  })
  .default(GITOPS_DEFAULTS);
export type GitOps = z.infer<typeof gitopsSchema>;

/**
 * A workflow's own Argo CD settings (`workflowSettingsSchema.gitops`): each workflow is its own
 * Application, so one team's sync policy can differ from its environment's. Unset keys follow
 * the environment's `gitops` block.
 */
export const workflowGitopsSchema = z
  .strictObject({
    automatedSync: z.boolean().optional().meta({ description: "Sync this workflow's Argo CD Application by itself (automated, prune and self-heal) or wait for a person to press Sync. Default: the environment's gitops.automatedSync." }),
  })
  .default({});
export type WorkflowGitOps = z.infer<typeof workflowGitopsSchema>;
