import { Environment, Workflow, WorkflowSettings } from './schema';

/** One workflow with every layer merged and validated for one environment. Plain, immutable data. */
export interface ResolvedWorkflow {
  readonly name: string;
  readonly namespace: string;
  readonly description?: string;
  readonly owner: Workflow['owner'];
  readonly version: string;
  readonly image: {
    /** What the container's `image` field holds: `repo@sha256:…` (or `repo:tag` where allowed). */
    readonly reference: string;
  };
  readonly settings: WorkflowSettings;
  /** Name of the capacity profile that sized this workflow (environments that opt in). */
  readonly capacityProfile?: string;
}

export interface ResolvedEnvironment {
  readonly environment: Environment;
  readonly workflows: readonly ResolvedWorkflow[];
}

export interface PlatformConfig {
  readonly configDir: string;
  readonly environments: readonly ResolvedEnvironment[];
}
