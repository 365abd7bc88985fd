/**
 * Renders a {@link ManifestDiff} for people: plain text for a terminal, Markdown for a pull-request
 * comment. Risky changes come first, in a section of their own, each with why; then workflows added
 * or removed whole, one line each with their object count (their own Argo CD Application and project
 * destination folded into that line, not listed under argocd); then each environment's other added,
 * removed and changed objects. A field changed the same way in many objects (a release bumps
 * `app.kubernetes.io/version` everywhere) is shown once with the list of objects, so it cannot bury
 * the one-off changes. Multi-line strings (alert expressions, embedded config files) get a line diff
 * instead of two unreadable one-line values.
 */
import { objectLabel } from '../model/object-id';
import { EnvironmentDiff, FieldChange, formatPath, ManifestDiff, ObjectChange, WorkflowChange } from './semantic-diff';

export const NO_CHANGES = 'No changes.';

export interface ReportOptions {
  /** Longest rendering of one value before it is cut with "…". @default 160 */
  readonly maxValueLength?: number;
  /** Markdown only: lists and field tables longer than this are folded into `<details>`. @default 10 */
  readonly collapseAfter?: number;
  /** Most lines of one multi-line string diff to show. @default 60 */
  readonly maxTextDiffLines?: number;
  /** A field change identical in at least this many objects of one environment is shown once. @default 3 */
  readonly groupSameChangeFrom?: number;
  /**
   * Markdown only: longest report. GitHub refuses comments over 65,536 characters, so the report is
   * cut with a count of what was left out: the per-environment sections first; the risky changes
   * only when they alone do not fit. @default 60000
   */
  readonly maxMarkdownLength?: number;
}

const DEFAULTS: Required<ReportOptions> = {
  maxValueLength: 160, collapseAfter: 10, maxTextDiffLines: 60, groupSameChangeFrom: 3, maxMarkdownLength: 60_000,
};

/** One field change made identically in several objects. */
interface SameChange {
  readonly field: FieldChange;
  readonly objects: readonly ObjectChange[];
}

/** Changed objects split into identical repeated changes and each object's remaining fields. */
interface GroupedChanges {
  readonly same: readonly SameChange[];
  readonly individual: readonly { readonly change: ObjectChange; readonly fields: readonly FieldChange[] }[];
}

function signature(field: FieldChange): string {
  const json = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return `${field.kind}\0${formatPath(field.path)}\0${json(field.before)}\0${json(field.after)}`;
}

export function groupSameChanges(changed: readonly ObjectChange[], minObjects: number): GroupedChanges {
  const bySignature = new Map<string, { field: FieldChange; objects: ObjectChange[] }>();
  for (const change of changed) {
    for (const field of change.fields) {
      const key = signature(field);
      const entry = bySignature.get(key) ?? { field, objects: [] };
      entry.objects.push(change);
      bySignature.set(key, entry);
    }
  }
  const grouped = new Set([...bySignature].filter(([, v]) => v.objects.length >= minObjects).map(([k]) => k));
  const same = [...bySignature].filter(([k]) => grouped.has(k)).map(([, v]) => v);
  const individual = changed
    .map((change) => ({ change, fields: change.fields.filter((f) => !grouped.has(signature(f))) }))
    .filter((c) => c.fields.length > 0);
  return { same, individual };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}… (${text.length} chars)`;
}

function isMultiline(value: unknown): value is string {
  return typeof value === 'string' && value.includes('\n');
}

/** One value on one line: JSON for structure and to keep `"1"` apart from `1`; `(absent)` for a missing field. */
export function formatValue(value: unknown, maxLength: number = DEFAULTS.maxValueLength): string {
  if (value === undefined) return '(absent)';
  if (isMultiline(value)) {
    const lines = splitLines(value);
    const first = lines[0].length > 40 ? `${lines[0].slice(0, 40)}…` : lines[0];
    return `text, ${lines.length} lines: ${JSON.stringify(first)}`;
  }
  return truncate(JSON.stringify(value), maxLength);
}

/** Lines of a text; a final newline does not make an extra empty line. */
function splitLines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/**
 * A unified-style line diff (`-`/`+`, one line of context, `…` between hunks) of two texts,
 * from a longest-common-subsequence table; falls back to a size note past 4 million cells.
 */
export function lineDiff(before: string, after: string, maxLines: number = DEFAULTS.maxTextDiffLines): string[] {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length * b.length > 4_000_000) return [`(text too long to diff line by line: ${a.length} → ${b.length} lines)`];
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: { op: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ op: '-', text: a[i++] });
    } else {
      ops.push({ op: '+', text: b[j++] });
    }
  }
  const keep = ops.map((o, k) => o.op !== ' ' || ops[k - 1]?.op === '-' || ops[k - 1]?.op === '+' || ops[k + 1]?.op === '-' || ops[k + 1]?.op === '+');
  const lines: string[] = [];
  ops.forEach((o, k) => {
    if (keep[k]) lines.push(`${o.op} ${o.text}`);
    else if (keep[k - 1]) lines.push('…');
  });
  if (lines.length > maxLines) return [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more diff lines)`];
  return lines;
}

/** Argo CD field changes folded into the line of the workflow they belong to. */
function foldedFields(diff: ManifestDiff): Set<FieldChange> {
  return new Set(allWorkflows(diff).flatMap(({ workflow }) => (workflow.argocd ?? []).map((p) => p.field)));
}

/**
 * What an environment shows besides its whole workflows: objects not part of one, and changed
 * objects with the fields folded into a workflow's line left out (an object left with none is not shown).
 */
function otherChanges(env: EnvironmentDiff, folded: ReadonlySet<FieldChange>): { added: readonly ObjectChange[]; removed: readonly ObjectChange[]; changed: readonly ObjectChange[] } {
  const whole = new Set((env.workflows ?? []).flatMap((w) => w.objects));
  const changed = env.changed
    .map((c) => (c.fields.some((f) => folded.has(f)) ? { ...c, fields: c.fields.filter((f) => !folded.has(f)) } : c))
    .filter((c) => c.fields.length > 0);
  return { added: env.added.filter((c) => !whole.has(c)), removed: env.removed.filter((c) => !whole.has(c)), changed };
}

/** Environments with something to show: a whole workflow, another change, or a risk. */
function shownEnvironments(diff: ManifestDiff, folded: ReadonlySet<FieldChange>): EnvironmentDiff[] {
  return diff.environments.filter((env) => {
    const others = otherChanges(env, folded);
    return (env.workflows ?? []).length + others.added.length + others.removed.length + others.changed.length > 0
      || diff.risks.some((r) => r.env === env.env);
  });
}

function changeCounts(diff: ManifestDiff, folded: ReadonlySet<FieldChange>): { added: number; removed: number; changed: number } {
  return diff.environments.reduce(
    (sum, env) => ({
      added: sum.added + env.added.length,
      removed: sum.removed + env.removed.length,
      changed: sum.changed + otherChanges(env, folded).changed.length,
    }),
    { added: 0, removed: 0, changed: 0 },
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `+ workflow new-agent in prod: 42 objects added, with its Argo CD Application and project destination` */
export function workflowLine(env: string, workflow: WorkflowChange): string {
  const sign = workflow.kind === 'added' ? '+' : '-';
  const has = (part: 'application' | 'destination') => (workflow.argocd ?? []).some((p) => p.part === part);
  const argocd = [has('application') ? 'Application' : undefined, has('destination') ? 'project destination' : undefined].filter((p) => p !== undefined);
  const withArgoCd = argocd.length > 0 ? `, with its Argo CD ${argocd.join(' and ')}` : '';
  return `${sign} workflow ${workflow.folder} in ${env}: ${plural(workflow.objects.length, 'object')} ${workflow.kind}${withArgoCd}`;
}

function allWorkflows(diff: ManifestDiff): { env: string; workflow: WorkflowChange }[] {
  return diff.environments.flatMap((e) => (e.workflows ?? []).map((workflow) => ({ env: e.env, workflow })));
}

function summaryLine(diff: ManifestDiff): string {
  const folded = foldedFields(diff);
  const { added, removed, changed } = changeCounts(diff, folded);
  const envs = shownEnvironments(diff, folded).length;
  const counts = `${added} added, ${removed} removed, ${changed} changed in ${plural(envs, 'environment')}`;
  const workflows = allWorkflows(diff);
  const names = (kind: 'added' | 'removed') => [...new Set(workflows.filter((w) => w.workflow.kind === kind).map((w) => w.workflow.folder))];
  const parts = [
    ...names('added').map((n) => `+${n}`),
    ...names('removed').map((n) => `-${n}`),
  ];
  return parts.length === 0 ? counts : `${counts} (workflows ${parts.join(', ')})`;
}

function describeField(field: FieldChange, maxLength: number): string {
  const path = formatPath(field.path);
  switch (field.kind) {
    case 'added':
      return `${path}: added ${formatValue(field.after, maxLength)}`;
    case 'removed':
      return `${path}: removed (was ${formatValue(field.before, maxLength)})`;
    case 'reordered':
      return `${path}: reordered ${formatValue(field.before, maxLength)} → ${formatValue(field.after, maxLength)}`;
    case 'moved':
      return `moved to another folder: ${String(field.before)} → ${String(field.after)}`;
    case 'changed':
      if (isMultiline(field.before) || isMultiline(field.after)) {
        return `${path}: text changed (${lineCount(field.before)} → ${lineCount(field.after)} lines):`;
      }
      return `${path}: ${formatValue(field.before, maxLength)} → ${formatValue(field.after, maxLength)}`;
  }
}

function lineCount(value: unknown): number {
  return typeof value === 'string' ? splitLines(value).length : 0;
}

function textDiffOf(field: FieldChange, maxLines: number): string[] | undefined {
  if (field.kind !== 'changed' || !(isMultiline(field.before) || isMultiline(field.after))) return undefined;
  return lineDiff(String(field.before ?? ''), String(field.after ?? ''), maxLines);
}

function fileOf(change: ObjectChange): string {
  return (change.after ?? change.before)?.file ?? '';
}

// ---------------------------------------------------------------- text

/** Terminal report; exactly `No changes.` when nothing changed. */
export function renderTextReport(diff: ManifestDiff, options: ReportOptions = {}): string {
  const opts = { ...DEFAULTS, ...options };
  if (diff.environments.length === 0) return `${NO_CHANGES}\n`;
  const out: string[] = [];
  out.push(`Manifest changes (${diff.base} → ${diff.head}): ${summaryLine(diff)}`);
  out.push('');
  if (diff.risks.length > 0) {
    out.push(`RISKY CHANGES (${diff.risks.length})`);
    for (const risk of diff.risks) {
      const head = `  ! [${risk.env}] ${objectLabel(risk.object.id)} — ${risk.reasons.join(', ')}`;
      // Whole-object flags fit on one line, so a list of them reads as a list, not a wall.
      if (risk.field) out.push(head, `      ${describeField(risk.field, opts.maxValueLength)}`);
      else out.push(`${head} (object ${risk.object.kind})`);
      if (risk.note) out.push(`      why: ${risk.note}`);
    }
    out.push('');
  }
  const workflows = allWorkflows(diff);
  if (workflows.length > 0) {
    out.push('Workflows added or removed whole');
    for (const { env, workflow } of workflows) out.push(`  ${workflowLine(env, workflow)}`);
    out.push('');
  }
  const folded = foldedFields(diff);
  for (const env of diff.environments) {
    const { added, removed, changed } = otherChanges(env, folded);
    if (added.length + removed.length + changed.length === 0) continue;
    const besides = (env.workflows ?? []).length > 0 || env.changed.some((c) => c.fields.some((f) => folded.has(f))) ? ' (besides whole workflows)' : '';
    out.push(`== ${env.env}: ${added.length} added, ${removed.length} removed, ${changed.length} changed${besides}`);
    if (added.length > 0) {
      out.push('  Added');
      for (const c of added) out.push(`    + ${c.label}  (${fileOf(c)})`);
    }
    if (removed.length > 0) {
      out.push('  Removed');
      for (const c of removed) out.push(`    - ${c.label}  (${fileOf(c)})`);
    }
    const { same, individual } = groupSameChanges(changed, opts.groupSameChangeFrom);
    for (const group of same) {
      out.push(`  Same change in ${group.objects.length} objects`);
      out.push(`        ${describeField(group.field, opts.maxValueLength)}`);
      for (const c of group.objects) out.push(`    ~ ${c.label}  (${fileOf(c)})`);
    }
    if (individual.length > 0) {
      out.push(same.length > 0 ? '  Other changes' : '  Changed');
      for (const { change: c, fields } of individual) {
        out.push(`    ~ ${c.label}  (${fileOf(c)})`);
        for (const field of fields) {
          out.push(`        ${describeField(field, opts.maxValueLength)}`);
          for (const line of textDiffOf(field, opts.maxTextDiffLines) ?? []) out.push(`          ${line}`);
        }
      }
    }
    out.push('');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- markdown

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that is safe in a GitHub table cell (no backtick or pipe breakage). */
function cellCode(text: string): string {
  return `<code>${escapeHtml(text).replace(/\|/g, '&#124;').replace(/\n/g, ' ')}</code>`;
}

function cellText(text: string): string {
  return escapeHtml(text).replace(/\|/g, '&#124;').replace(/\n/g, ' ');
}

function collapsible(summary: string, body: string[], collapse: boolean): string[] {
  if (!collapse) return body;
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

/** Field, change, before, after — as Markdown table cells. */
function fieldCells(field: FieldChange, maxLength: number): string[] {
  const path = field.kind === 'moved' ? '(folder)' : formatPath(field.path);
  const before = field.kind === 'added' ? '(absent)' : formatValue(field.before, maxLength);
  const after = field.kind === 'removed' ? '(absent)' : formatValue(field.after, maxLength);
  return [cellCode(path), field.kind, cellCode(before), cellCode(after)];
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A backtick fence longer than any backtick run in the lines, so embedded fences cannot close it. */
function codeFence(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  return '`'.repeat(Math.max(3, longest + 1));
}

function objectList(changes: readonly ObjectChange[]): string[] {
  return changes.map((c) => `- \`${c.label}\` — \`${fileOf(c)}\``);
}

/** How many rows of `rows` fit in `budget` characters (each row plus its newline). */
function rowsThatFit(rows: readonly string[], budget: number): number {
  let used = 0;
  for (const [i, row] of rows.entries()) {
    used += row.length + 1;
    if (used > budget) return i;
  }
  return rows.length;
}

/** Pull-request comment: summary table, risky changes, workflows added or removed, then one section per environment. */
export function renderMarkdownReport(diff: ManifestDiff, options: ReportOptions = {}): string {
  const opts = { ...DEFAULTS, ...options };
  const out: string[] = ['## Manifest changes', ''];
  if (diff.environments.length === 0) {
    out.push(NO_CHANGES, '');
    return out.join('\n');
  }
  out.push(`\`${diff.base}\` → \`${diff.head}\`: **${summaryLine(diff)}**`, '');
  out.push('| Environment | Workflows | Added | Removed | Changed | Risky |', '|---|---|---:|---:|---:|---:|');
  const folded = foldedFields(diff);
  for (const env of shownEnvironments(diff, folded)) {
    const risky = diff.risks.filter((r) => r.env === env.env).length;
    const workflows = (env.workflows ?? []).map((w) => `${w.kind === 'added' ? '+' : '−'}${w.folder}`).join(' ');
    out.push(`| ${cellText(env.env)} | ${cellText(workflows)} | ${env.added.length} | ${env.removed.length} | ${otherChanges(env, folded).changed.length} | ${risky} |`);
  }
  out.push('');
  // Room kept for the closing note, so the cut report stays under the limit.
  const NOTE_ROOM = 400;
  if (diff.risks.length > 0) {
    out.push(`### ⚠️ Risky changes (${diff.risks.length})`, '');
    const header = ['| Environment | Object | Why | Field | Change | Before | After |', '|---|---|---|---|---|---|---|'];
    const rows: string[] = [];
    for (const risk of diff.risks) {
      const why = risk.note ? `${risk.reasons.join(', ')}: ${risk.note}` : risk.reasons.join(', ');
      const where = [cellText(risk.env), cellCode(risk.object.label), cellText(why)];
      const what = risk.field ? fieldCells(risk.field, opts.maxValueLength) : ['', `object ${risk.object.kind}`, '', ''];
      rows.push(tableRow([...where, ...what]));
    }
    // Risky changes come whole unless they alone pass the limit; then as many as fit, with a count.
    const budget = opts.maxMarkdownLength - out.join('\n').length - header.join('\n').length - NOTE_ROOM - 100;
    const shown = rowsThatFit(rows, budget);
    const collapse = diff.risks.length > opts.collapseAfter * 3;
    out.push(...collapsible(`${diff.risks.length} risky changes`, [...header, ...rows.slice(0, shown)], collapse));
    out.push('');
    if (shown < rows.length) {
      out.push(`_Report cut here: ${rows.length - shown} more risky changes and everything after them left out to stay under GitHub's comment size limit. Run \`npm run diff\` for the whole report._`, '');
      return out.join('\n');
    }
  }
  // Per-environment sections as whole blocks, so a cut never leaves a table, fence or <details> open.
  const blocks: { lines: string[]; objects: number }[] = [];
  const workflows = allWorkflows(diff);
  if (workflows.length > 0) {
    blocks.push({ lines: [`### Workflows added or removed whole (${workflows.length})`, ''], objects: 0 });
    for (const { env, workflow } of workflows) {
      blocks.push({ lines: [`- \`${workflowLine(env, workflow)}\` — \`${env}/${workflow.folder}/\``], objects: workflow.objects.length });
    }
    blocks.push({ lines: [''], objects: 0 });
  }
  for (const env of diff.environments) {
    const others = otherChanges(env, folded);
    if (others.added.length + others.removed.length + others.changed.length === 0) continue;
    blocks.push({ lines: [`### Environment \`${env.env}\``, ''], objects: 0 });
    for (const [title, changes] of [['Added', others.added], ['Removed', others.removed]] as const) {
      if (changes.length === 0) continue;
      blocks.push({
        lines: [
          `**${title} (${changes.length})**`, '',
          ...collapsible(`${changes.length} objects ${title.toLowerCase()}`, objectList(changes), changes.length > opts.collapseAfter), '',
        ],
        objects: changes.length,
      });
    }
    if (others.changed.length === 0) continue;
    blocks.push({ lines: [`**Changed (${others.changed.length})**`, ''], objects: 0 });
    const header = ['| Field | Change | Before | After |', '|---|---|---|---|'];
    const { same, individual } = groupSameChanges(others.changed, opts.groupSameChangeFrom);
    for (const group of same) {
      blocks.push({
        lines: [
          `Same change in ${group.objects.length} objects:`, '',
          ...header, tableRow(fieldCells(group.field, opts.maxValueLength)), '',
          ...collapsible(`the ${group.objects.length} objects`, objectList(group.objects), true), '',
        ],
        objects: group.objects.length,
      });
    }
    for (const { change: c, fields } of individual) {
      const table = [...header, ...fields.map((f) => tableRow(fieldCells(f, opts.maxValueLength)))];
      const block = [`\`${c.label}\` — \`${fileOf(c)}\``, '', ...collapsible(`${fields.length} fields changed`, table, fields.length > opts.collapseAfter), ''];
      for (const field of fields) {
        const lines = textDiffOf(field, opts.maxTextDiffLines);
        if (!lines) continue;
        const fence = codeFence(lines);
        block.push(...collapsible(`text diff of <code>${escapeHtml(formatPath(field.path))}</code>`, [`${fence}diff`, ...lines, fence], true), '');
      }
      blocks.push({ lines: block, objects: 1 });
    }
  }
  let length = out.join('\n').length;
  for (const [i, block] of blocks.entries()) {
    const size = block.lines.join('\n').length + 1;
    if (length + size > opts.maxMarkdownLength - NOTE_ROOM) {
      const rest = blocks.slice(i);
      const objects = rest.reduce((n, b) => n + b.objects, 0);
      out.push('', `_Report cut here: ${rest.length} more sections (${plural(objects, 'object')}) left out to stay under GitHub's comment size limit. Run \`npm run diff\` for the whole report._`, '');
      break;
    }
    out.push(...block.lines);
    length += size;
  }
  return out.join('\n');
}
