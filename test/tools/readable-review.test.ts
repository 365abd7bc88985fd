/**
 * The change summary reads in a minute: a new workflow is one line per environment with its object
 * count and no risky section; a raised maxReplicas is the one risky line, with why; one kind added
 * to an AppProject is one added item; lists are lined up by key or as sets; the Markdown comment
 * stays under GitHub's limit with a count of what was cut. Real renders of the committed config
 * (and of copies with one edit), in this process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { CONFIG_DIR, committed } from '../helpers';
import { tmp } from '../synth/cli-harness';
import { loadConfig } from '../../src/config/load';
import { synthesize, SynthResult } from '../../src/synth/pipeline';
import { cloneName, writeGeneratedConfig } from '../../scripts/bench/catalog';
import { indexManifestFiles, ManifestIndex } from '../../src/tools/manifest-index';
import { diffManifests, diffValues, FieldChange, formatPath } from '../../src/tools/semantic-diff';
import { renderMarkdownReport, renderTextReport } from '../../src/tools/diff-report';

const GITHUB_COMMENT_LIMIT = 65_000;
const indexOf = (result: SynthResult, source: string): ManifestIndex =>
  indexManifestFiles(result.files.map((f) => ({ path: f.path, text: f.content })), source);

function paths(before: unknown, after: unknown): string[] {
  const out: FieldChange[] = [];
  diffValues(before, after, [], out);
  return out.map((f) => `${f.kind} ${formatPath(f.path)}`);
}

describe('a new workflow', () => {
  const base = indexOf(committed(), 'dist');
  const existing = loadConfig(CONFIG_DIR).environments[0].workflows.map((w) => w.name);
  const added = cloneName(existing[0], existing.length);
  const extended = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(tmp('diff-plus-one-'), 'config'), workflows: existing.length + 1 });
  const headResult = synthesize(extended);
  const head = indexOf(headResult, 'plus-one');
  const diff = diffManifests(base, head);
  const text = renderTextReport(diff);
  const markdown = renderMarkdownReport(diff);
  const objectsIn = (env: string) => [...head.environments.get(env)!.values()].filter((o) => o.folder === added).length;
  const lineOf = (sign: string, env: string, verb: string) =>
    `${sign} workflow ${added} in ${env}: ${objectsIn(env)} objects ${verb}, with its Argo CD Application and project destination`;
  /**
   * dev's entry is gateway-api: its one Gateway (dist/dev/_shared) gains the new workflow's HTTPS
   * listener, a change to a shared object that every route of dev depends on, so it is shown (one
   * item, one field), not folded into the workflow's line.
   */
  const gatewayLines = (verb: 'added' | 'removed') => [
    '== dev: 0 added, 0 removed, 1 changed (besides whole workflows)',
    '  Changed',
    '    ~ Gateway istio-ingress/langgraph  (dev/_shared/gateway-langgraph.yaml)',
    expect.stringMatching(new RegExp(`^        spec\\.listeners\\[name=https-${added}\\]: ${verb} `)),
  ];
  /** Report lines that are not headings, blank or the summary line. */
  const bodyLines = (report: string) => report.split('\n').filter((l) =>
    l.trim() !== '' && !l.startsWith('Manifest changes (') && l !== 'Workflows added or removed whole');

  test('the whole text report is one line per environment, its Argo CD Application and destination folded in', () => {
    expect(bodyLines(text)).toEqual([...['dev', 'prod', 'staging'].map((env) => `  ${lineOf('+', env, 'added')}`), ...gatewayLines('added')]);
    expect(text).not.toMatch(/argocd|ApplicationSet|AppProject/);
    expect(text.split('\n')[0]).toMatch(/: \d+ added, 0 removed, 1 changed in 3 environments \(workflows \+/);
  });

  test('so is the Markdown comment: no argocd row or section', () => {
    expect(markdown).not.toMatch(/argocd|ApplicationSet|AppProject/);
    const items = markdown.split('\n').filter((l) => l.startsWith('- '));
    expect(items).toEqual(['dev', 'prod', 'staging'].map((env) => `- \`${lineOf('+', env, 'added')}\` — \`${env}/${added}/\``));
    expect(markdown.split('\n').filter((l) => l.startsWith('### Environment'))).toEqual(['### Environment `dev`']);
    expect(markdown).toContain('`Gateway istio-ingress/langgraph` — `dev/_shared/gateway-langgraph.yaml`');
  });

  test('is one line per environment with its object count, and no risky section', () => {
    expect(diff.risks).toEqual([]);
    expect(text).not.toContain('RISKY');
    for (const env of ['dev', 'staging', 'prod']) {
      const objects = [...head.environments.get(env)!.values()].filter((o) => o.folder === added).length;
      expect(objects).toBeGreaterThan(10);
      const lines = text.split('\n').filter((l) => l.includes(`workflow ${added} in ${env}`));
      expect(lines).toEqual([`  + workflow ${added} in ${env}: ${objects} objects added, with its Argo CD Application and project destination`]);
    }
    // None of its objects is listed one by one.
    expect(text.split('\n').filter((l) => l.includes(`${added}/${added}`))).toEqual([]);
  });

  test('leaves only the Argo CD objects that name it, each as one added item', () => {
    const argocd = diff.environments.find((e) => e.env === 'argocd');
    expect(argocd?.added ?? []).toEqual([]);
    for (const change of argocd?.changed ?? []) {
      expect(change.fields.map((f) => f.kind)).toEqual(['added']);
      expect(JSON.stringify(change.fields[0].after)).toContain(added);
    }
    expect(diff.environments.filter((e) => e.env !== 'argocd').every((e) => e.removed.length === 0)).toBe(true);
    // Besides Argo CD, only dev's shared Gateway changes: one listener, the new workflow's.
    const changed = diff.environments.filter((e) => e.env !== 'argocd').flatMap((e) => e.changed.map((c) => ({ env: e.env, c })));
    expect(changed.map(({ env, c }) => `${env} ${c.fields.map((f) => `${f.kind} ${formatPath(f.path)}`).join(', ')}`)).toEqual([`dev added spec.listeners[name=https-${added}]`]);
  });

  test('removed again, it is one line per environment too', () => {
    const back = diffManifests(head, base);
    expect(bodyLines(renderTextReport(back))).toEqual([...['dev', 'prod', 'staging'].map((env) => `  ${lineOf('-', env, 'removed')}`), ...gatewayLines('removed')]);
    expect(renderMarkdownReport(back)).not.toMatch(/argocd/);
    expect(back.risks).toEqual([]);
  });

  test('Argo CD changes that are not exactly the workflow\'s still show under argocd', () => {
    // The same new workflow, plus: a sync option changed, another workflow's element edited in
    // place, and a destination for a namespace no workflow owns.
    const edited = headResult.files.map((f) => {
      if (f.path === 'argocd/applicationset-langgraph-prod.yaml') {
        const set = parse(f.content);
        set.spec.template.spec.syncPolicy.syncOptions = set.spec.template.spec.syncPolicy.syncOptions.filter((o: string) => o !== 'PruneLast=true');
        set.spec.generators[0].list.elements.find((e: any) => e.workflow === existing[0]).automatedSync = true;
        return { path: f.path, text: stringify(set) };
      }
      if (f.path === 'argocd/appproject-langgraph-staging.yaml') {
        const project = parse(f.content);
        project.spec.destinations.push({ namespace: 'kube-system', server: 'https://staging.k8s.example.com' });
        return { path: f.path, text: stringify(project) };
      }
      return { path: f.path, text: f.content };
    });
    const report = renderTextReport(diffManifests(base, indexManifestFiles(edited, 'edited')));
    const lines = report.split('\n');
    // Still folded: the new workflow's own element and destination.
    for (const env of ['dev', 'prod', 'staging']) expect(lines).toContain(`  ${lineOf('+', env, 'added')}`);
    expect(report).not.toContain(`elements[name=langgraph-prod-${added}]`);
    expect(report).not.toContain(`destinations[namespace=${added},`);
    // Shown: everything else, under argocd.
    const argocd = lines.slice(lines.findIndex((l) => l.startsWith('== argocd: 0 added, 0 removed, 2 changed (besides whole workflows)')));
    expect(argocd.length).toBeGreaterThan(1);
    expect(argocd).toEqual(expect.arrayContaining([
      '    ~ ApplicationSet argocd/langgraph-prod  (argocd/applicationset-langgraph-prod.yaml)',
      `        spec.generators[0].list.elements[name=langgraph-prod-${existing[0]}].automatedSync: false → true`,
      '        spec.template.spec.syncPolicy.syncOptions: ["ServerSideApply=true","RespectIgnoreDifferences=true","CreateNamespace=false","PruneLast=true"] → ["ServerSideApply=true","RespectIgnoreDifferences=true","CreateNamespace=false"]',
      '    ~ AppProject argocd/langgraph-staging  (argocd/appproject-langgraph-staging.yaml)',
      '        spec.destinations[namespace=kube-system,server=https://staging.k8s.example.com]: added {"namespace":"kube-system","server":"https://staging.k8s.example.com"}',
    ]));
    expect(report).toMatch(/: \d+ added, 0 removed, 3 changed in 4 environments/); // the two Argo CD objects and dev's Gateway
  });
});

describe('raising maxReplicas', () => {
  test('is exactly that line under risky, with why', () => {
    const config = path.join(tmp('diff-max-replicas-'), 'config');
    fs.cpSync(CONFIG_DIR, config, { recursive: true });
    const file = path.join(config, 'workflows.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const after = before.replace('autoscaling: { minReplicas: 3, maxReplicas: 6 }', 'autoscaling: { minReplicas: 3, maxReplicas: 8 }');
    expect(after).not.toBe(before);
    fs.writeFileSync(file, after);
    const diff = diffManifests(indexOf(committed(), 'dist'), indexOf(synthesize(config), 'head'));
    expect(diff.risks.map((r) => [r.env, r.object.label, formatPath(r.field!.path), r.field!.before, r.field!.after, r.reasons])).toEqual([
      ['prod', 'HorizontalPodAutoscaler doc-summarizer/doc-summarizer-api', 'spec.maxReplicas', 6, 8, ['autoscaling bounds']],
    ]);
    expect(diff.risks[0].note).toMatch(/up to 8 pods \(was 6\).*connection budget/);
    const text = renderTextReport(diff);
    expect(text).toContain('RISKY CHANGES (1)\n  ! [prod] HorizontalPodAutoscaler doc-summarizer/doc-summarizer-api — autoscaling bounds\n      spec.maxReplicas: 6 → 8\n      why: ');
  });
});

describe('lists with identity', () => {
  const projectFile = committed().files.find((f) => f.path === 'argocd/appproject-langgraph-prod.yaml')!;

  test('one kind added in the middle of an AppProject allow-list is one added item, not a cascade', () => {
    const project = parse(projectFile.content);
    const kinds: { group: string; kind: string }[] = project.spec.namespaceResourceWhitelist;
    expect(kinds.length).toBeGreaterThan(10);
    const withJob = structuredClone(project);
    withJob.spec.namespaceResourceWhitelist.splice(3, 0, { group: 'batch', kind: 'Job' });
    const side = (body: unknown, source: string) => indexManifestFiles([{ path: projectFile.path, text: stringify(body) }], source);
    const diff = diffManifests(side(project, 'a'), side(withJob, 'b'));
    const fields = diff.environments[0].changed[0].fields;
    expect(fields.map((f) => [f.kind, formatPath(f.path)])).toEqual([['added', 'spec.namespaceResourceWhitelist[group=batch,kind=Job]']]);
    // Reordered kinds are no change at all.
    const reversed = structuredClone(project);
    reversed.spec.namespaceResourceWhitelist.reverse();
    expect(diffManifests(side(project, 'a'), side(reversed, 'b')).environments).toEqual([]);
  });

  test('keys: env by name, mounts by mountPath, alert rules by alert, RBAC rules by what they grant on, ports by number', () => {
    expect(paths(
      { volumeMounts: [{ name: 'v', mountPath: '/a' }, { name: 'v', mountPath: '/b' }] },
      { volumeMounts: [{ name: 'v', mountPath: '/c' }, { name: 'v', mountPath: '/a' }] },
    )).toEqual(['removed volumeMounts[mountPath=/b]', 'added volumeMounts[mountPath=/c]']);
    expect(paths(
      { rules: [{ alert: 'A', expr: '1' }, { record: 'r', expr: '2' }] },
      { rules: [{ alert: 'New', expr: '0' }, { alert: 'A', expr: '1' }, { record: 'r', expr: '3' }] },
    )).toEqual(['changed rules[record=r].expr', 'added rules[alert=New]']);
    expect(paths(
      { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] },
      { rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }, { apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    )).toEqual(['added rules[apiGroups=apps,resources=deployments].verbs[=patch]']);
    expect(paths({ ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }] }, { ports: [{ containerPort: 53 }, { containerPort: 8080 }] })).toEqual([
      'removed ports[containerPort=53,protocol=UDP]',
      'added ports[containerPort=8080]',
    ]);
  });

  test('sets where order means nothing (NetworkPolicy rules and peers, verbs); args and canary steps stay positional', () => {
    const peer = (app: string) => ({ podSelector: { matchLabels: { app } } });
    expect(paths(
      { ingress: [{ from: [peer('a')] }, { from: [peer('b')], ports: [{ port: 80 }] }] },
      { ingress: [{ from: [peer('b')], ports: [{ port: 80 }] }, { from: [peer('a'), peer('c')] }] },
    )).toEqual(['added ingress[1].from[1]']);
    expect(paths({ args: ['--a', '--b'] }, { args: ['--b', '--a'] })).toEqual(['changed args']);
    expect(paths({ steps: [{ setWeight: 10 }, { pause: {} }] }, { steps: [{ pause: {} }, { setWeight: 10 }] })).toEqual([
      'added steps[0].pause', 'removed steps[0].setWeight', 'removed steps[1].pause', 'added steps[1].setWeight',
    ]);
  });
});

describe('risky: only what can hurt, each with why', () => {
  const one = (kind: string, apiVersion: string, body: object) =>
    indexManifestFiles([{ path: 'prod/w/x.yaml', text: stringify({ apiVersion, kind, metadata: { name: 'x', namespace: 'w' }, ...body }) }], 'side');
  const risksOf = (kind: string, apiVersion: string, before: object, after: object) =>
    diffManifests(one(kind, apiVersion, before), one(kind, apiVersion, after)).risks.map((r) => [r.reasons.join(', '), r.note]);
  const pod = (container: object, labels: object = { app: 'x' }) => ({
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels }, spec: { containers: [{ name: 'api', image: 'i', ...container }] } } },
  });

  test.each([
    ['resource cut', pod({ resources: { limits: { memory: '1Gi' } } }), pod({ resources: { limits: { memory: '512Mi' } } }), 'resources cut', /memory limit cut 1Gi → 512Mi: a pod that uses more is OOM-killed/],
    ['probe change', pod({ livenessProbe: { periodSeconds: 5 } }), pod({ livenessProbe: { periodSeconds: 1 } }), 'probe', /restarts healthy pods/],
    ['selector label', pod({}), pod({}, { app: 'y' }), 'selector', /label app is part of a label contract/],
  ])('%s', (_, before, after, reason, why) => {
    expect(risksOf('Deployment', 'apps/v1', before, after)).toEqual([[reason, expect.stringMatching(why)]]);
  });

  test('raising a request and a release label on pods are not risky', () => {
    expect(risksOf('Deployment', 'apps/v1', pod({ resources: { requests: { cpu: '250m' } } }), pod({ resources: { requests: { cpu: '1' } } }))).toEqual([]);
    expect(risksOf('Deployment', 'apps/v1', pod({}, { app: 'x', 'app.kubernetes.io/version': '1' }), pod({}, { app: 'x', 'app.kubernetes.io/version': '2' }))).toEqual([]);
  });

  test('RBAC widening is flagged, narrowing is not', () => {
    const role = (verbs: string[]) => ({ rules: [{ apiGroups: [''], resources: ['pods'], verbs }] });
    expect(risksOf('Role', 'rbac.authorization.k8s.io/v1', role(['get']), role(['get', 'delete']))).toEqual([['RBAC widening', 'grants more: verbs "delete"']]);
    expect(risksOf('Role', 'rbac.authorization.k8s.io/v1', role(['get', 'delete']), role(['get']))).toEqual([]);
  });

  test('NetworkPolicy opening is flagged (peer added, ipBlock widened), closing is not', () => {
    const np = (from: object[]) => ({ spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from }] } });
    const block = (cidr: string) => ({ ipBlock: { cidr } });
    expect(risksOf('NetworkPolicy', 'networking.k8s.io/v1', np([block('10.0.0.0/16')]), np([block('10.0.0.0/8')]))).toEqual([
      ['NetworkPolicy opening', 'ipBlock widened 10.0.0.0/16 → 10.0.0.0/8'],
    ]);
    expect(risksOf('NetworkPolicy', 'networking.k8s.io/v1', np([block('10.0.0.0/8')]), np([block('10.0.0.0/16')]))).toEqual([]);
    expect(risksOf('NetworkPolicy', 'networking.k8s.io/v1', np([block('10.0.0.0/8')]), np([block('10.0.0.0/8'), { podSelector: {} }]))[0][0]).toBe('NetworkPolicy opening');
    expect(risksOf('NetworkPolicy', 'networking.k8s.io/v1', np([block('10.0.0.0/8'), { podSelector: {} }]), np([block('10.0.0.0/8')]))).toEqual([]);
  });

  test('deleting a data holder is flagged unless Argo CD keeps it (Prune=false)', () => {
    const ns = (annotations: Record<string, string>) =>
      indexManifestFiles([
        { path: 'prod/w/ns.yaml', text: stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w', annotations } }) },
        { path: 'prod/other/cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: other}\n' },
      ], 'b');
    const empty = indexManifestFiles([{ path: 'prod/other/cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: other}\n' }], 'h');
    expect(diffManifests(ns({}), empty).risks.map((r) => [r.object.label, r.reasons, r.note])).toEqual([
      ['Namespace w', ['deleted'], expect.stringContaining('deletes every object in it')],
    ]);
    expect(diffManifests(ns({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' }), empty).risks).toEqual([]);
  });
});

describe('markdown size', () => {
  const cms = (n: number, value: string) =>
    indexManifestFiles(Array.from({ length: n }, (_, i) => ({
      path: `prod/w/cm${i}.yaml`,
      text: stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'w' }, data: { [`k${i}`]: `${value}-${i}-${'x'.repeat(120)}` } }),
    })), value);

  test('a huge diff stays under GitHub\'s limit and says how much was left out', () => {
    const md = renderMarkdownReport(diffManifests(cms(3000, 'a'), cms(3000, 'b')));
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    const cut = /_Report cut here: (\d+) more sections \((\d+) objects\) left out/.exec(md);
    expect(cut).not.toBeNull();
    const shown = md.split('\n').filter((l) => /^`ConfigMap w\/cm-\d+`/.test(l)).length;
    expect(shown + Number(cut![2])).toBe(3000);
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
  });

  test('risky changes come first, and are cut only when they alone pass the limit, with a count', () => {
    const risky = (n: number, replicas: number) =>
      indexManifestFiles(Array.from({ length: n }, (_, i) => ({
        path: `prod/w/d${i}.yaml`,
        text: stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d-${i}`, namespace: 'w' }, spec: { replicas } }),
      })), String(replicas));
    const md = renderMarkdownReport(diffManifests(risky(2000, 3), risky(2000, 2)));
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('### ⚠️ Risky changes (2000)');
    const cut = /_Report cut here: (\d+) more risky changes/.exec(md);
    const rows = md.split('\n').filter((l) => l.startsWith('| prod | <code>Deployment w/d-')).length;
    expect(rows).toBeGreaterThan(50);
    expect(rows + Number(cut![1])).toBe(2000);
    expect(md).not.toContain('### Environment');
  });
});
