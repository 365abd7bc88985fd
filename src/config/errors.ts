/** A precise, actionable configuration error: where (file and key), what (value), and the fix. */
export interface ConfigIssue {
  readonly environment?: string;
  readonly workflow?: string;
  /** Config file that set the offending value (relative to the config folder). */
  readonly file: string;
  /** Dotted key path within that file, e.g. `workflowDefaults.autoscaling.minReplicas`. */
  readonly key: string;
  readonly value?: unknown;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(public readonly issues: readonly ConfigIssue[]) {
    super(`${issues.length} configuration error(s):\n${issues.map(formatConfigIssue).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const scope = [
    issue.environment ? `environment "${issue.environment}"` : undefined,
    issue.workflow ? `workflow "${issue.workflow}"` : undefined,
  ].filter(Boolean).join(', ');
  const where = `${issue.file}${issue.key ? `: ${issue.key}` : ''}`;
  const value = issue.value === undefined ? '' : ` (value: ${JSON.stringify(issue.value)})`;
  return `  - ${where}${scope ? ` [${scope}]` : ''}${value}: ${issue.message}`;
}
