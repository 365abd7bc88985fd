import * as path from 'path';
import { formatValue, lineDiff, renderMarkdownReport, renderTextReport } from '../../src/tools/diff-report';
import { indexManifestFiles, loadDistDirectory } from '../../src/tools/manifest-index';
import { diffManifests } from '../../src/tools/semantic-diff';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'diff');
const load = (name: string) => ({ ...loadDistDirectory(path.join(FIXTURES, name)), source: name });

describe('text report', () => {
  it('says exactly "No changes." when nothing changed', () => {
    expect(renderTextReport(diffManifests(load('base'), load('reformatted')))).toBe('No changes.\n');
  });

  it('puts risky changes first, then per environment what was added, removed and changed', () => {
    const text = renderTextReport(diffManifests(load('base'), load('changed')));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Manifest changes (base → changed): 0 added, 0 removed, 4 changed in 2 environments');
    const risky = lines.indexOf('RISKY CHANGES (5)');
    const prod = lines.indexOf('== prod: 0 added, 0 removed, 3 changed');
    expect(risky).toBeGreaterThan(0);
    expect(prod).toBeGreaterThan(risky);
    expect(text).toContain('  ! [prod] Rollout support-bot/support-bot-api — image\n');
    expect(text).toContain('      spec.maxReplicas: 10 → 20\n      why: the autoscaler may run up to 20 pods (was 10)');
    expect(text).toContain('        spec.template.spec.containers[name=api].resources.limits.memory: "2Gi" → "3Gi"\n');
    expect(text).toContain('        spec.replicas: 1 → 2\n');
  });

  it('shows a line diff for a changed multi-line string instead of two long values', () => {
    const text = renderTextReport(diffManifests(load('base'), load('changed')));
    expect(text).toContain('spec.groups[name=support-bot.rules].rules[alert=SupportBotHighErrorRatio].expr: text changed (4 → 4 lines):\n');
    expect(text).toContain('          -   > 0.05\n          +   > 0.02\n');
  });

  it('lists added and removed objects with their files', () => {
    expect(renderTextReport(diffManifests(load('base'), load('added')))).toContain(
      '    + NetworkPolicy support-bot/support-bot-default-deny  (prod/support-bot/network-policy.yaml)',
    );
    expect(renderTextReport(diffManifests(load('base'), load('removed')))).toContain(
      '  Removed\n    - PrometheusRule support-bot/support-bot-alerts  (prod/support-bot/alerts.yaml)\n    - Role support-bot/support-bot-oncall  (prod/support-bot/rbac.yaml)\n',
    );
  });
});

describe('markdown report', () => {
  it('has a heading and "No changes." when nothing changed', () => {
    expect(renderMarkdownReport(diffManifests(load('base'), load('reformatted')))).toBe('## Manifest changes\n\nNo changes.\n');
  });

  it('has a summary table, a risky-changes table and field tables', () => {
    const md = renderMarkdownReport(diffManifests(load('base'), load('changed')));
    expect(md).toContain('| dev |  | 0 | 0 | 1 | 1 |');
    expect(md).toContain('| prod |  | 0 | 0 | 3 | 4 |');
    expect(md).toContain('### ⚠️ Risky changes (5)');
    expect(md).toMatch(
      /\| prod \| <code>HorizontalPodAutoscaler support-bot\/support-bot-api<\/code> \| autoscaling bounds: the autoscaler may run up to 20 pods \(was 10\)[^|]* \| <code>spec.maxReplicas<\/code> \| changed \| <code>10<\/code> \| <code>20<\/code> \|/,
    );
    expect(md).toContain('| <code>spec.template.spec.containers[name=api].resources.limits.memory</code> | changed | <code>"2Gi"</code> | <code>"3Gi"</code> |');
    // The multi-line expression goes into a collapsible diff block.
    expect(md).toMatch(/<details>\n<summary>text diff of <code>spec\.groups\[name=support-bot\.rules\]\.rules\[alert=SupportBotHighErrorRatio\]\.expr<\/code><\/summary>\n\n```diff\n[^]*-   > 0\.05\n\+   > 0\.02\n```/);
  });

  it('folds long lists into <details> and keeps short ones open', () => {
    const configMaps = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ path: `prod/w/cm${i}.yaml`, text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${String(i).padStart(2, '0')}, namespace: w}\n` }));
    // An existing workflow (a new one would be one line).
    const empty = indexManifestFiles([{ path: 'prod/w/keep.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: w}\n' }], 'before');
    const withKeep = (files: { path: string; text: string }[]) => [...files, { path: 'prod/w/keep.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: w}\n' }];
    const many = renderMarkdownReport(diffManifests(empty, indexManifestFiles(withKeep(configMaps(12)), 'after')));
    expect(many).toContain('<details>\n<summary>12 objects added</summary>\n\n- `ConfigMap w/cm-00`');
    const few = renderMarkdownReport(diffManifests(empty, indexManifestFiles(withKeep(configMaps(3)), 'after')));
    expect(few).not.toContain('<details>');
    expect(few).toContain('**Added (3)**\n\n- `ConfigMap w/cm-00` — `prod/w/cm0.yaml`');
  });

  it('escapes pipes and angle brackets inside table cells', () => {
    const cm = (v: string) => indexManifestFiles([{ path: 'p/w/a.yaml', text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: w}\ndata: {q: '${v}'}\n` }], 's');
    const md = renderMarkdownReport(diffManifests(cm('a|b'), cm('<x>')));
    expect(md).toContain('| <code>data.q</code> | changed | <code>"a&#124;b"</code> | <code>"&lt;x&gt;"</code> |');
  });
});

describe('the same change in many objects', () => {
  // A release bumps app.kubernetes.io/version on every object, and one object also changes for real.
  const objects = (version: string, maxReplicas: number) =>
    indexManifestFiles(
      [
        ...['a', 'b', 'c', 'd'].map((name) => ({
          path: `prod/w/${name}.yaml`,
          text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: w, labels: {app.kubernetes.io/version: "${version}"}}\n`,
        })),
        {
          path: 'prod/w/hpa.yaml',
          text: `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: w, labels: {app.kubernetes.io/version: "${version}"}}\nspec: {maxReplicas: ${maxReplicas}}\n`,
        },
      ],
      version,
    );
  const diff = diffManifests(objects('1.0.0', 5), objects('1.1.0', 8));

  it('is shown once with its objects in text, leaving the one-off change on its own', () => {
    const text = renderTextReport(diff);
    expect(text.match(/app\.kubernetes\.io\/version/g)).toHaveLength(1);
    expect(text).toContain('  Same change in 5 objects\n        metadata.labels["app.kubernetes.io/version"]: "1.0.0" → "1.1.0"\n    ~ ConfigMap w/a');
    expect(text).toContain('  Other changes\n    ~ HorizontalPodAutoscaler w/h  (prod/w/hpa.yaml)\n        spec.maxReplicas: 5 → 8\n');
  });

  it('is shown once in Markdown, with the objects folded', () => {
    const md = renderMarkdownReport(diff);
    expect(md.match(/app\.kubernetes\.io\/version/g)).toHaveLength(1);
    expect(md).toContain('<summary>the 5 objects</summary>');
  });

  it('is not grouped below the threshold', () => {
    expect(renderTextReport(diff, { groupSameChangeFrom: 6 })).not.toContain('Same change');
  });
});

describe('markdown size limit', () => {
  it('cuts whole sections past the limit, keeping summary and risky changes, and says how much was left out', () => {
    // 40 removed workflows, each with a Namespace Argo CD would prune (risky) and a ConfigMap in an existing folder.
    const many = (n: number, withNamespaces: boolean) =>
      indexManifestFiles(Array.from({ length: n }, (_, i) => [
        ...(withNamespaces ? [{ path: `prod/w${i}/ns.yaml`, text: `apiVersion: v1\nkind: Namespace\nmetadata: {name: w${i}}\n` }] : []),
        { path: `prod/shared/cm${i}.yaml`, text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: s}\ndata: {v: "${withNamespaces ? 'a' : 'b'}"}\n` },
      ]).flat(), 'b');
    const md = renderMarkdownReport(diffManifests(many(40, true), many(40, false)), { maxMarkdownLength: 12000 });
    expect(md.length).toBeLessThanOrEqual(12000);
    expect(md).toContain('### ⚠️ Risky changes (40)');
    // 40 risky rows exceed 3 × collapseAfter, so the table is folded.
    expect(md).toContain('<summary>40 risky changes</summary>');
    expect(md).toMatch(/_Report cut here: \d+ more sections \(\d+ objects\) left out to stay under GitHub's comment size limit/);
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
  });
});

describe('formatValue and lineDiff', () => {
  it('formats absent, strings, numbers and structures distinctly, and cuts long values', () => {
    expect(formatValue(undefined)).toBe('(absent)');
    expect(formatValue('1')).toBe('"1"');
    expect(formatValue(1)).toBe('1');
    expect(formatValue({ a: [1] })).toBe('{"a":[1]}');
    expect(formatValue('x'.repeat(300), 20)).toBe(`"${'x'.repeat(18)}… (302 chars)`);
  });

  it('keeps one line of context around changes and marks skipped stretches', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].join('\n');
    const after = ['a', 'B', 'c', 'd', 'e', 'f', 'G'].join('\n');
    expect(lineDiff(before, after)).toEqual(['  a', '- b', '+ B', '  c', '…', '  f', '- g', '+ G']);
  });
});
