import { readManifests } from '../../scripts/ci/manifest-files';
import { ALLOWED_CHANGES, IN_CLUSTER_SERVER, changedPaths, localObjects } from '../../scripts/behaviour/argocd-local';

const rendered = readManifests('dist/argocd').map((m) => m.object);
const REPO = 'file:///tmp/lgp/repo';

describe('changedPaths', () => {
  it('lists each differing leaf with both values, arrays by index', () => {
    expect(changedPaths({ a: { b: [1, 2], c: 'x' } }, { a: { b: [1, 3, 4], c: 'x' }, d: true })).toEqual([
      { path: 'a.b[1]', from: 2, to: 3 },
      { path: 'a.b[2]', from: undefined, to: 4 },
      { path: 'd', from: undefined, to: true },
    ]);
    expect(changedPaths({ a: [{ b: 1 }] }, { a: [{ b: 1 }] })).toEqual([]);
  });
});

describe.each(['dev', 'staging', 'prod'])('localObjects on the rendered %s objects', (env) => {
  const { objects, changes } = localObjects(rendered, env, REPO);
  const original = (kind: string) => rendered.find((o) => o.kind === kind && o.metadata?.name === `langgraph-${env}`) as any;

  it('points the ApplicationSet at the local repository and the in-cluster server', () => {
    const set = objects.find((o) => o.kind === 'ApplicationSet') as any;
    expect(set.spec.template.spec.source.repoURL).toBe(REPO);
    expect(set.spec.template.spec.destination.server).toBe(IN_CLUSTER_SERVER);
    const project = objects.find((o) => o.kind === 'AppProject') as any;
    expect(project.spec.sourceRepos).toEqual([REPO]);
    expect(new Set(project.spec.destinations.map((d: any) => d.server))).toEqual(new Set([IN_CLUSTER_SERVER]));
  });

  it('changes only the listed fields, and reports every change it made', () => {
    for (const o of objects) {
      const before = original(String(o.kind));
      const diff = changedPaths(before, o);
      expect(diff.length).toBeGreaterThan(0);
      for (const d of diff) {
        expect(ALLOWED_CHANGES[String(o.kind)]).toContain(d.path.replace(/\[\d+\]/g, '[]'));
        expect(changes).toContainEqual({ object: `${o.kind}/langgraph-${env}`, ...d });
      }
    }
    expect(changes).toHaveLength(objects.flatMap((o) => changedPaths(original(String(o.kind)), o)).length);
  });

  it('leaves the sync policy, ignoreDifferences, waves and generators as rendered', () => {
    const set = objects.find((o) => o.kind === 'ApplicationSet') as any;
    const before = original('ApplicationSet');
    expect(set.spec.template.spec.ignoreDifferences).toEqual(before.spec.template.spec.ignoreDifferences);
    expect(set.spec.template.spec.syncPolicy).toEqual(before.spec.template.spec.syncPolicy);
    expect(set.spec.generators).toEqual(before.spec.generators);
    expect(set.spec.templatePatch).toBe(before.spec.templatePatch);
  });
});

describe('localObjects refuses', () => {
  const staging = rendered.filter((o) => String(o.metadata?.name) === 'langgraph-staging');

  it('an environment without an ApplicationSet', () => {
    expect(() => localObjects(rendered, 'qa', REPO)).toThrow('ApplicationSet/langgraph-qa: expected one in dist/argocd, found 0');
  });

  it('a rendered repository URL left in a field the transformation does not rewrite', () => {
    const extra = staging.map((o) => JSON.parse(JSON.stringify(o)));
    const set = extra.find((o) => o.kind === 'ApplicationSet');
    set.spec.template.spec.sources = [{ repoURL: set.spec.template.spec.source.repoURL, path: 'x' }];
    expect(() => localObjects(extra, 'staging', REPO)).toThrow(
      'ApplicationSet/langgraph-staging: spec.template.spec.sources[0].repoURL still names https://git.example.com/platform/langgraph-platform.git',
    );
  });
});
