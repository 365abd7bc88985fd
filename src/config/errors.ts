/**
 * A precise, actionable configuration error: where (file, line and key), what (value), who is
 * affected (environments and workflows) and the fix. One ConfigError carries every problem found
 * in one run, each once.
 */
export interface ConfigIssue {
  /** Environments this problem affects (sorted); omitted when it is not specific to any. */
  readonly environments?: readonly string[];
  /** Workflows this problem affects (catalog order); omitted when it is not specific to any. */
  readonly workflows?: readonly string[];
  /** Config file that set the offending value (relative to the config folder), with `:line` when known. */
  readonly file: string;
  /** Dotted key path within that file, e.g. `workflowDefaults.autoscaling.minReplicas`. */
  readonly key: string;
  readonly value?: unknown;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /**
   * The config could not be read at all (missing folder, unreadable or missing file), as opposed to
   * its content being wrong. Printed as the message alone, on one line.
   */
  readonly io?: boolean;
}

export class ConfigError extends Error {
  public readonly issues: readonly ConfigIssue[];

  /** Issues are kept as given; loaders merge and sort them first (mergeConfigIssues). */
  constructor(issues: readonly ConfigIssue[]) {
    super(formatConfigIssues(issues));
    this.issues = issues;
    this.name = 'ConfigError';
  }
}

/** One line per problem; a header unless every problem is an I/O one (then the lines say it all). */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  if (issues.length > 0 && issues.every((i) => i.io)) return issues.map((i) => i.message).join('\n');
  const n = issues.length;
  return `${n} configuration error${n === 1 ? '' : 's'}:\n${issues.map(formatConfigIssue).join('\n')}`;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  if (issue.io) return `  - ${issue.message}`;
  const scope = [
    issue.environments?.length ? `${plural('environment', issue.environments.length)} ${issue.environments.join(', ')}` : undefined,
    issue.workflows?.length ? `${plural('workflow', issue.workflows.length)} ${issue.workflows.join(', ')}` : undefined,
  ].filter(Boolean).join('; ');
  const where = `${issue.file}${issue.key ? `: ${issue.key}` : ''}`;
  const value = issue.value === undefined ? '' : ` (value: ${showValue(issue.value)})`;
  return `  - ${where}${value}${scope ? ` [${scope}]` : ''}: ${issue.message}`;
}

function plural(word: string, n: number): string {
  return n === 1 ? word : `${word}s`;
}

function showValue(value: unknown): string {
  // JSON has no Infinity or NaN (`1e400` reads as Infinity): show them, not the null JSON makes of them.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/**
 * Each problem once: issues with the same file, key, value and message (e.g. a defaults.yaml
 * mistake met while checking every environment and workflow) become one that names all of them.
 * Sorted by file, line and key, so the report is stable.
 */
export function mergeConfigIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const byKey = new Map<string, { issue: ConfigIssue; environments: string[]; workflows: string[] }>();
  for (const issue of issues) {
    const id = JSON.stringify([issue.file, issue.key, issue.message, showValue(issue.value), !!issue.io]);
    const seen = byKey.get(id) ?? { issue, environments: [], workflows: [] };
    byKey.set(id, seen);
    for (const e of issue.environments ?? []) if (!seen.environments.includes(e)) seen.environments.push(e);
    for (const w of issue.workflows ?? []) if (!seen.workflows.includes(w)) seen.workflows.push(w);
  }
  const merged = [...byKey.values()].map(({ issue, environments, workflows }) => {
    const { environments: _e, workflows: _w, ...rest } = issue;
    return {
      ...rest,
      ...(environments.length ? { environments: [...environments].sort() } : {}),
      ...(workflows.length ? { workflows } : {}),
    } as ConfigIssue;
  });
  return merged.sort(compareIssues);
}

function compareIssues(a: ConfigIssue, b: ConfigIssue): number {
  if (!!a.io !== !!b.io) return a.io ? -1 : 1; // what could not be read first: it explains what follows
  const [fa, la] = splitFile(a.file);
  const [fb, lb] = splitFile(b.file);
  return cmp(fa, fb) || la - lb || cmp(a.key, b.key) || cmp(a.message, b.message);
}

function splitFile(file: string): [string, number] {
  const m = /^(.*?)(?::(\d+))?(?::\d+)?$/.exec(file);
  return m ? [m[1], m[2] ? Number(m[2]) : 0] : [file, 0];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
