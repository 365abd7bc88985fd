/**
 * Firing and passing cases of the shutdown, licence, Secret-source and connection-budget checks, run by
 * test/validation/cross-object.test.ts with every other cross-object check.
 */
import { GateCase as Case, Scenario, WF, at } from '../fixtures/gate/helpers';


const envIndex = (s: Scenario, name: string) => s.api.env.findIndex((e: { name: string }) => e.name === name);
const setEnv = (s: Scenario, name: string, value: string) => { s.api.env[envIndex(s, name)].value = value; };
const PROXY = 'proxy.istio.io/config';
const RA = 'research-assistant';
const BUDGET = 'langgraph.platform/postgres-max-connections';
const BUDGET_PATH = '/metadata/annotations/langgraph.platform~1postgres-max-connections';
const setDrain = (s: Scenario, drain: string) => { s.pod.metadata.annotations[PROXY] = JSON.stringify({ holdApplicationUntilProxyStarts: true, terminationDrainDuration: drain }); };

export const DAY2_CASES: Record<string, { fires: Case[]; passes: Case[] }> = {
  'cross-object/shutdown-timing': {
    fires: [
      // The defect as found: grace 600 s, the server's default 180 s drain, the sidecar gone at 170 s.
      { name: 'the run drain unset (server default 180 s) with a 180 s grace period', env: 'dev', change: (s) => { s.api.env.splice(envIndex(s, 'BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS'), 1); }, object: at('Deployment'), path: '/spec/template/spec/containers/0/env' },
      { name: 'run drain + 15 s exceeds the grace period', env: 'prod', change: (s) => { setEnv(s, 'BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS', '170'); }, object: at('Deployment') },
      { name: 'the sidecar stops (170 s) before the runs drain (570 s)', env: 'prod', change: (s) => { s.pod.spec.terminationGracePeriodSeconds = 600; setEnv(s, 'BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS', '570'); setDrain(s, '170s'); }, path: `/spec/template/metadata/annotations/proxy.istio.io~1config` },
      { name: 'a sidecar drain beyond the grace period', env: 'staging', change: (s) => { setDrain(s, '3m30s'); }, path: `/spec/template/metadata/annotations/proxy.istio.io~1config` },
    ],
    passes: [
      { name: 'a longer margin and a sidecar drain equal to the grace period', env: 'prod', change: (s) => { setEnv(s, 'BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS', '100'); setDrain(s, '3m'); } },
      { name: 'a pod that is not a LangGraph server needs no run drain', env: 'dev', change: (s) => { s.pod.metadata.labels['app.kubernetes.io/name'] = 'batch'; s.api.env.splice(envIndex(s, 'BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS'), 1); } },
    ],
  },
  'cross-object/server-license': {
    fires: [
      { name: 'prod: the licence key missing on the API', env: 'prod', change: (s) => { s.api.env.splice(envIndex(s, 'LANGGRAPH_CLOUD_LICENSE_KEY'), 1); }, object: at('Deployment'), path: '/spec/template/spec/containers/0/env' },
      { name: 'staging: the licence key as a literal value', env: 'staging', change: (s) => { s.api.env[envIndex(s, 'LANGGRAPH_CLOUD_LICENSE_KEY')] = { name: 'LANGGRAPH_CLOUD_LICENSE_KEY', value: 'lcl_x' }; }, object: at('Deployment') },
    ],
    passes: [{ name: 'dev (development tier) may run on the LangSmith key alone', env: 'dev', change: (s) => { s.api.env.splice(envIndex(s, 'LANGGRAPH_CLOUD_LICENSE_KEY'), 1); } }],
  },
  'cross-object/secret-source': {
    fires: [
      // The defect as found: prod referenced <wf>-secrets and nothing created it.
      { name: 'prod: the ExternalSecret missing', env: 'prod', change: (s) => { s.remove('ExternalSecret', `${WF}-secrets`); }, object: at('Deployment'), path: '/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef' },
      { name: 'staging: a key the ExternalSecret does not write', env: 'staging', change: (s) => { s.api.env[0].valueFrom.secretKeyRef.key = 'database-url'; }, path: '/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef' },
      { name: 'prod: a Secret volume from nowhere', env: 'prod', change: (s) => { s.pod.spec.volumes.push({ name: 'certs', secret: { secretName: 'client-certs' } }); }, path: '/spec/template/spec/volumes/2/secret' },
      { name: 'staging: an image pull Secret from nowhere', env: 'staging', change: (s) => { s.pod.spec.imagePullSecrets = [{ name: 'registry-pull' }]; }, object: at('Deployment'), path: '/spec/template/spec/imagePullSecrets/0' },
    ],
    passes: [
      { name: 'dev (development tier) uses a hand-made Secret', env: 'dev', change: () => undefined },
      { name: 'an optional Secret reference needs no source', env: 'prod', change: (s) => { s.pod.spec.volumes.push({ name: 'certs', secret: { secretName: 'client-certs', optional: true } }); } },
      { name: 'staging: an image pull Secret an ExternalSecret materializes', env: 'staging', change: (s) => {
        s.pod.spec.imagePullSecrets = [{ name: 'registry-pull' }];
        s.add({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'registry-pull', namespace: WF }, spec: { target: { name: 'registry-pull', template: { type: 'kubernetes.io/dockerconfigjson' } }, dataFrom: [{ extract: { key: 'registry/pull' } }] } });
      } },
      { name: 'dev (development tier) may pull with a hand-made Secret', env: 'dev', change: (s) => { s.pod.spec.imagePullSecrets = [{ name: 'registry-pull' }]; } },
    ],
  },
  'cross-object/connection-budget': {
    fires: [
      // The defect as found: the capacity plan (applyToEnvironment) raises an HPA's maxReplicas after the config check.
      { name: "prod: the API's HPA raised to 50 (601 connections against 510)", env: 'prod', change: (s) => { s.get('HorizontalPodAutoscaler', `${RA}-api`).spec.maxReplicas = 50; }, object: `Namespace/${RA}`, path: BUDGET_PATH },
      { name: "prod: KEDA's maxReplicaCount raised to 20", env: 'prod', change: (s) => { s.get('ScaledObject', `${RA}-worker`).spec.maxReplicaCount = 20; }, object: `Namespace/${RA}` },
      { name: "prod: a budget of exactly (API + workers) × pool leaves no room for KEDA's poll", env: 'prod', change: (s) => { s.get('Namespace', RA).metadata.annotations[BUDGET] = '500'; }, object: `Namespace/${RA}` },
      { name: "dev: the pool env var dropped (the server's 150 × 2 pods against 97)", env: 'dev', change: (s) => { s.api.env.splice(envIndex(s, 'LANGGRAPH_POSTGRES_POOL_MAX_SIZE'), 1); }, object: `Namespace/${WF}`, path: BUDGET_PATH },
      { name: 'a budget that is not a number', env: 'staging', change: (s) => { s.get('Namespace', WF).metadata.annotations[BUDGET] = 'lots'; }, object: `Namespace/${WF}` },
    ],
    passes: [
      { name: "prod: an exact fit (40 × 10 + 10 × 10 + 1 = 501)", env: 'prod', change: (s) => { s.get('Namespace', RA).metadata.annotations[BUDGET] = '501'; } },
      { name: 'a namespace that states no budget is not judged', env: 'dev', change: (s) => { delete s.get('Namespace', WF).metadata.annotations[BUDGET]; setEnv(s, 'LANGGRAPH_POSTGRES_POOL_MAX_SIZE', '1000'); } },
    ],
  },
};
