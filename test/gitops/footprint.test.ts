import { footprintOf } from '../../src/gitops/footprint';
import { ARGOCD_FOLDER, footprintsByEnvironment, renderArgoCd, renderArgoCdFromFootprints } from '../../src/gitops/argocd-objects';
import { KubeObject } from '../../src/model/kube-object';
import { committed } from '../helpers';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });

test('splits cluster-scoped from namespaced kinds by metadata.namespace, with core kinds in group ""', () => {
  const fp = footprintOf([
    obj('v1', 'Namespace', 'a'),
    obj('apps/v1', 'Deployment', 'api', 'b'),
    obj('v1', 'Service', 'api', 'a'),
    obj('v1', 'Service', 'api', 'b'),
    obj('argoproj.io/v1alpha1', 'Rollout', 'api', 'b'),
  ]);
  expect(fp.namespaces).toEqual(['a', 'b']);
  expect(fp.clusterKinds).toEqual([{ group: '', kind: 'Namespace' }]);
  // Sorted by group then kind, each once.
  expect(fp.namespacedKinds).toEqual([{ group: '', kind: 'Service' }, { group: 'apps', kind: 'Deployment' }, { group: 'argoproj.io', kind: 'Rollout' }]);
});

test('the same kind name in two API groups stays two entries', () => {
  const fp = footprintOf([obj('networking.istio.io/v1', 'Gateway', 'g', 'a'), obj('gateway.networking.k8s.io/v1', 'Gateway', 'g', 'a')]);
  expect(fp.namespacedKinds).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway' }, { group: 'networking.istio.io', kind: 'Gateway' }]);
});

test('footprints survive a JSON round trip (they cross worker threads) and render the same Argo CD objects', () => {
  const { config, objects } = committed();
  const envObjects = objects.filter((r) => r.environment !== ARGOCD_FOLDER);
  const footprints = footprintsByEnvironment(config.environments, envObjects);
  const roundTripped = new Map([...footprints].map(([k, v]) => [k, JSON.parse(JSON.stringify(v))]));
  expect(renderArgoCdFromFootprints(config.environments, roundTripped)).toEqual(renderArgoCd(config.environments, envObjects));
  // And they are small: a few hundred bytes per environment, whatever the number of workflows.
  for (const fp of footprints.values()) expect(JSON.stringify(fp).length).toBeLessThan(4000);
});
