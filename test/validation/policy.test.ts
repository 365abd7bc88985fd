/**
 * Self-test of every policy rule: for each, changes to the committed support-agent API workload
 * that must make it fire (at the right field) and changes that must not. Each case runs the real
 * gate over the whole environment, so nothing here stubs the index or the waivers.
 */
import { createHash } from 'crypto';
import { POLICY_RULES } from '../../src/validation/policy';
import { Mutable, Scenario, WF, gate, scenario, violationsAfter } from '../fixtures/gate/helpers';

interface Case {
  readonly name: string;
  readonly env?: string;
  readonly change: (s: Scenario) => void;
  /** Expected JSON pointer of the (first) violation, for firing cases. */
  readonly path?: string;
}

interface RuleCases {
  readonly fires: readonly Case[];
  readonly passes: readonly Case[];
}

const C = '/spec/template/spec/containers/0';
/** A real sha256 (of a fixed string), not a pattern. */
const REAL = createHash('sha256').update('policy/example-image').digest('hex');
/** Adds a copy of the API Deployment, `<wf>-batch`, running `image` (no waiver names it). */
const batchWith = (s: Scenario, image: string): void => {
  const copy = JSON.parse(JSON.stringify(s.get('Deployment', `${WF}-api`)));
  copy.metadata.name = `${WF}-batch`;
  copy.metadata.annotations = {};
  copy.spec.template.spec.containers[0].image = image;
  s.add(copy);
};
const sc = (s: Scenario): Mutable => s.api.securityContext;
const podSc = (s: Scenario): Mutable => s.pod.spec.securityContext;

const CASES: Record<string, RuleCases> = {
  'policy/host-process': {
    fires: [
      { name: 'pod is a HostProcess', change: (s) => { podSc(s).windowsOptions = { hostProcess: true }; }, path: '/spec/template/spec/securityContext/windowsOptions/hostProcess' },
      { name: 'container is a HostProcess', change: (s) => { sc(s).windowsOptions = { hostProcess: true }; }, path: `${C}/securityContext/windowsOptions/hostProcess` },
    ],
    passes: [{ name: 'hostProcess false', change: (s) => { sc(s).windowsOptions = { hostProcess: false }; } }],
  },
  'policy/host-namespaces': {
    fires: [
      { name: 'hostPID', change: (s) => { s.pod.spec.hostPID = true; }, path: '/spec/template/spec/hostPID' },
      { name: 'hostNetwork', change: (s) => { s.pod.spec.hostNetwork = true; }, path: '/spec/template/spec/hostNetwork' },
      { name: 'hostIPC', change: (s) => { s.pod.spec.hostIPC = true; }, path: '/spec/template/spec/hostIPC' },
    ],
    passes: [{ name: 'explicit false', change: (s) => { s.pod.spec.hostNetwork = false; s.pod.spec.hostPID = false; } }],
  },
  'policy/privileged': {
    fires: [{ name: 'privileged container', change: (s) => { sc(s).privileged = true; }, path: `${C}/securityContext/privileged` }],
    passes: [{ name: 'privileged unset', change: (s) => { delete sc(s).privileged; } }],
  },
  'policy/capabilities': {
    fires: [
      { name: 'drop missing', change: (s) => { delete sc(s).capabilities; }, path: `${C}/securityContext/capabilities/drop` },
      { name: 'drops only NET_RAW', change: (s) => { sc(s).capabilities = { drop: ['NET_RAW'] }; }, path: `${C}/securityContext/capabilities/drop` },
      { name: 'adds SYS_ADMIN', change: (s) => { sc(s).capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] }; }, path: `${C}/securityContext/capabilities/add/0` },
      { name: 'adds CAP_-prefixed NET_BIND_SERVICE', change: (s) => { sc(s).capabilities = { drop: ['ALL'], add: ['CAP_NET_BIND_SERVICE'] }; }, path: `${C}/securityContext/capabilities/add/0` },
    ],
    passes: [{ name: 'adds NET_BIND_SERVICE after dropping ALL', change: (s) => { sc(s).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }; } }],
  },
  'policy/host-path': {
    fires: [{ name: 'hostPath volume', change: (s) => { s.pod.spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }); }, path: '/spec/template/spec/volumes/2/hostPath' }],
    passes: [{ name: 'emptyDir volume', change: (s) => { s.pod.spec.volumes.push({ name: 'scratch', emptyDir: {} }); } }],
  },
  'policy/volume-types': {
    fires: [{ name: 'nfs volume', change: (s) => { s.pod.spec.volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/x' } }); }, path: '/spec/template/spec/volumes/2/nfs' }],
    passes: [
      { name: 'projected and secret volumes', change: (s) => { s.pod.spec.volumes.push({ name: 'p', projected: { sources: [] } }, { name: 's', secret: { secretName: 'x' } }); } },
      { name: 'hostPath is reported by its own rule only', change: (s) => { s.pod.spec.volumes.push({ name: 'host', hostPath: { path: '/x' } }); } },
    ],
  },
  'policy/host-ports': {
    fires: [{ name: 'hostPort', change: (s) => { s.api.ports[0].hostPort = 8000; }, path: `${C}/ports/0/hostPort` }],
    passes: [{ name: 'hostPort 0', change: (s) => { s.api.ports[0].hostPort = 0; } }],
  },
  'policy/apparmor': {
    fires: [
      { name: 'unconfined annotation', change: (s) => { s.pod.metadata.annotations['container.apparmor.security.beta.kubernetes.io/api'] = 'unconfined'; }, path: '/spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1api' },
      { name: 'Unconfined field', change: (s) => { sc(s).appArmorProfile = { type: 'Unconfined' }; }, path: `${C}/securityContext/appArmorProfile/type` },
    ],
    passes: [
      { name: 'runtime/default annotation', change: (s) => { s.pod.metadata.annotations['container.apparmor.security.beta.kubernetes.io/api'] = 'runtime/default'; } },
      { name: 'localhost profile', change: (s) => { s.pod.metadata.annotations['container.apparmor.security.beta.kubernetes.io/api'] = 'localhost/langgraph'; } },
    ],
  },
  'policy/selinux': {
    fires: [
      { name: 'spc_t type', change: (s) => { podSc(s).seLinuxOptions = { type: 'spc_t' }; }, path: '/spec/template/spec/securityContext/seLinuxOptions/type' },
      { name: 'custom user', change: (s) => { sc(s).seLinuxOptions = { user: 'system_u' }; }, path: `${C}/securityContext/seLinuxOptions/user` },
    ],
    passes: [{ name: 'container_t with a level', change: (s) => { sc(s).seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' }; } }],
  },
  'policy/proc-mount': {
    fires: [{ name: 'Unmasked', change: (s) => { sc(s).procMount = 'Unmasked'; }, path: `${C}/securityContext/procMount` }],
    passes: [{ name: 'Default', change: (s) => { sc(s).procMount = 'Default'; } }],
  },
  'policy/seccomp': {
    fires: [
      { name: 'pod Unconfined', change: (s) => { podSc(s).seccompProfile = { type: 'Unconfined' }; }, path: '/spec/template/spec/securityContext/seccompProfile/type' },
      { name: 'neither pod nor container', change: (s) => { delete podSc(s).seccompProfile; delete sc(s).seccompProfile; }, path: `${C}/securityContext/seccompProfile/type` },
      { name: 'container Unconfined under a confined pod', change: (s) => { sc(s).seccompProfile = { type: 'Unconfined' }; }, path: `${C}/securityContext/seccompProfile/type` },
    ],
    passes: [
      { name: 'container level only', change: (s) => { delete podSc(s).seccompProfile; } },
      { name: 'pod level only', change: (s) => { delete sc(s).seccompProfile; } },
      { name: 'Localhost profile', change: (s) => { podSc(s).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/langgraph.json' }; } },
    ],
  },
  'policy/sysctls': {
    fires: [{ name: 'unsafe sysctl', change: (s) => { podSc(s).sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; }, path: '/spec/template/spec/securityContext/sysctls/0/name' }],
    passes: [{ name: 'safe sysctl', change: (s) => { podSc(s).sysctls = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }]; } }],
  },
  'policy/allow-privilege-escalation': {
    fires: [
      { name: 'unset', change: (s) => { delete sc(s).allowPrivilegeEscalation; }, path: `${C}/securityContext/allowPrivilegeEscalation` },
      { name: 'true', change: (s) => { sc(s).allowPrivilegeEscalation = true; }, path: `${C}/securityContext/allowPrivilegeEscalation` },
    ],
    passes: [{ name: 'false on a Windows pod is not even required', change: (s) => { s.pod.spec.os = { name: 'windows' }; delete sc(s).allowPrivilegeEscalation; } }],
  },
  'policy/run-as-non-root': {
    fires: [
      { name: 'pod allows root', change: (s) => { podSc(s).runAsNonRoot = false; }, path: '/spec/template/spec/securityContext/runAsNonRoot' },
      { name: 'container allows root', change: (s) => { sc(s).runAsNonRoot = false; }, path: `${C}/securityContext/runAsNonRoot` },
      { name: 'set nowhere', change: (s) => { delete podSc(s).runAsNonRoot; delete sc(s).runAsNonRoot; }, path: `${C}/securityContext/runAsNonRoot` },
    ],
    passes: [
      { name: 'container level only', change: (s) => { delete podSc(s).runAsNonRoot; } },
      { name: 'pod level only', change: (s) => { delete sc(s).runAsNonRoot; } },
    ],
  },
  'policy/run-as-user': {
    fires: [
      { name: 'pod UID 0', change: (s) => { podSc(s).runAsUser = 0; }, path: '/spec/template/spec/securityContext/runAsUser' },
      { name: 'container UID 0', change: (s) => { sc(s).runAsUser = 0; }, path: `${C}/securityContext/runAsUser` },
    ],
    passes: [{ name: 'UID unset (image default, runAsNonRoot enforced)', change: (s) => { delete podSc(s).runAsUser; delete sc(s).runAsUser; } }],
  },
  'policy/read-only-root-filesystem': {
    fires: [
      { name: 'false', change: (s) => { sc(s).readOnlyRootFilesystem = false; }, path: `${C}/securityContext/readOnlyRootFilesystem` },
      { name: 'init container without it', change: (s) => { s.pod.spec.initContainers = [{ ...JSON.parse(JSON.stringify(s.api)), name: 'migrate', securityContext: { ...sc(s), readOnlyRootFilesystem: undefined } }]; }, path: '/spec/template/spec/initContainers/0/securityContext/readOnlyRootFilesystem' },
    ],
    passes: [{ name: 'init container with it', change: (s) => { s.pod.spec.initContainers = [{ ...JSON.parse(JSON.stringify(s.api)), name: 'migrate', livenessProbe: undefined, readinessProbe: undefined, startupProbe: undefined }]; } }],
  },
  'policy/resources': {
    fires: [
      { name: 'no cpu request', change: (s) => { delete s.api.resources.requests.cpu; }, path: `${C}/resources/requests/cpu` },
      { name: 'no memory request', change: (s) => { delete s.api.resources.requests.memory; }, path: `${C}/resources/requests/memory` },
      { name: 'no memory limit', change: (s) => { delete s.api.resources.limits.memory; }, path: `${C}/resources/limits/memory` },
    ],
    passes: [{ name: 'no cpu limit (not required: it only throttles)', change: (s) => { delete s.api.resources.limits.cpu; } }],
  },
  'policy/image-pinned': {
    fires: [
      { name: 'tag without digest where tags are not allowed', env: 'prod', change: (s) => { s.api.image = 'registry.example.com/langgraph/support-agent:1.4.2'; }, path: `${C}/image` },
      { name: 'latest even where tags are allowed', env: 'dev', change: (s) => { s.api.image = 'registry.example.com/langgraph/support-agent:latest'; }, path: `${C}/image` },
      { name: 'neither tag nor digest', env: 'dev', change: (s) => { s.api.image = 'registry.example.com:5000/langgraph/support-agent'; }, path: `${C}/image` },
      { name: 'truncated digest', env: 'prod', change: (s) => { s.api.image = 'registry.example.com/langgraph/support-agent@sha256:abc'; }, path: `${C}/image` },
    ],
    passes: [
      { name: 'digest in prod (committed)', env: 'prod', change: () => undefined },
      { name: 'tag in dev, where images.allowTags', env: 'dev', change: (s) => { s.api.image = 'registry.example.com:5000/langgraph/support-agent:1.4.2-rc.1'; } },
      { name: 'tag and digest', env: 'prod', change: (s) => { s.api.image = `registry.example.com/langgraph/support-agent:1.4.2@sha256:${'a'.repeat(64)}`; } },
    ],
  },
  'policy/example-image': {
    // The committed API images are example images, waived per object in staging and prod; a copy of
    // the API Deployment under a name no waiver names shows the rule itself.
    fires: [
      { name: 'registry host under example.com', change: (s) => batchWith(s, `registry.example.com/langgraph/batch@sha256:${REAL}`), path: `${C}/image` },
      { name: 'example.org itself, in prod', env: 'prod', change: (s) => batchWith(s, `example.org/team/batch@sha256:${REAL}`), path: `${C}/image` },
      { name: 'a .test host with a port', change: (s) => batchWith(s, `registry.corp.test:5000/batch@sha256:${REAL}`), path: `${C}/image` },
      { name: 'localhost', change: (s) => batchWith(s, `localhost:5000/batch@sha256:${REAL}`), path: `${C}/image` },
      { name: 'a real host with an all-zero digest', change: (s) => batchWith(s, `ghcr.io/acme/batch@sha256:${'0'.repeat(64)}`), path: `${C}/image` },
      { name: 'a real host with deadbeef repeated', env: 'prod', change: (s) => batchWith(s, `ghcr.io/acme/batch:1.0@sha256:${'deadbeef'.repeat(8)}`), path: `${C}/image` },
    ],
    passes: [
      { name: 'committed (waived per object)', change: () => undefined },
      { name: 'a real host and a hash', env: 'prod', change: (s) => batchWith(s, `ghcr.io/acme/batch@sha256:${REAL}`) },
      { name: 'a host that only contains "example"', change: (s) => batchWith(s, `example.com.mirror.acme.io/batch@sha256:${REAL}`) },
      { name: 'a Docker Hub name (no host)', change: (s) => batchWith(s, `library/redis@sha256:${REAL}`) },
      { name: 'dev is tier development', env: 'dev', change: (s) => batchWith(s, `registry.example.com/langgraph/batch@sha256:${'0'.repeat(64)}`) },
    ],
  },
  'policy/probes': {
    fires: [
      { name: 'no readiness probe', change: (s) => { delete s.api.readinessProbe; }, path: `${C}/readinessProbe` },
      { name: 'no liveness probe', change: (s) => { delete s.api.livenessProbe; }, path: `${C}/livenessProbe` },
    ],
    passes: [{ name: 'init containers need none', change: (s) => { s.pod.spec.initContainers = [{ ...JSON.parse(JSON.stringify(s.api)), name: 'migrate', livenessProbe: undefined, readinessProbe: undefined, startupProbe: undefined }]; } }],
  },
  'policy/probes-distinct': {
    fires: [
      { name: 'liveness is a copy of readiness', change: (s) => { s.api.livenessProbe = { ...s.api.readinessProbe }; }, path: `${C}/livenessProbe` },
      { name: 'same path and port, different timings, port by name', change: (s) => { s.api.readinessProbe = { httpGet: { path: '/ok', port: 8000 }, periodSeconds: 5 }; s.api.livenessProbe = { httpGet: { path: '/ok', port: 'http' }, periodSeconds: 15 }; }, path: `${C}/livenessProbe` },
      { name: 'both TCP on the same port', change: (s) => { s.api.readinessProbe = { tcpSocket: { port: 8000 } }; s.api.livenessProbe = { tcpSocket: { port: 'http' }, periodSeconds: 20 }; }, path: `${C}/livenessProbe` },
    ],
    passes: [
      { name: 'HTTP readiness, TCP liveness', change: (s) => { s.api.readinessProbe = { httpGet: { path: '/ok', port: 8000 } }; s.api.livenessProbe = { tcpSocket: { port: 8000 } }; } },
      { name: 'different HTTP paths', change: (s) => { s.api.readinessProbe = { httpGet: { path: '/ok', port: 8000 } }; s.api.livenessProbe = { httpGet: { path: '/info', port: 8000 } }; } },
    ],
  },
  'policy/probe-port': {
    fires: [
      { name: 'undeclared number', change: (s) => { s.api.readinessProbe = { httpGet: { path: '/ok', port: 9000 } }; }, path: `${C}/readinessProbe/httpGet/port` },
      { name: 'undeclared name', change: (s) => { s.api.livenessProbe = { tcpSocket: { port: 'metrics' } }; }, path: `${C}/livenessProbe/tcpSocket/port` },
      { name: 'startup probe too', change: (s) => { s.api.startupProbe = { httpGet: { path: '/ok', port: 8080 } }; }, path: `${C}/startupProbe/httpGet/port` },
    ],
    passes: [{ name: 'declared name', change: (s) => { s.api.readinessProbe = { httpGet: { path: '/ok', port: 'http' } }; } }],
  },
  'policy/service-account': {
    fires: [
      { name: '"default"', change: (s) => { s.pod.spec.serviceAccountName = 'default'; }, path: '/spec/template/spec/serviceAccountName' },
      { name: 'none', change: (s) => { delete s.pod.spec.serviceAccountName; }, path: '/spec/template/spec/serviceAccountName' },
    ],
    passes: [{ name: 'dedicated ServiceAccount (committed)', change: () => undefined }],
  },
  'policy/secret-literal-env': {
    fires: [
      { name: 'password literal', change: (s) => { s.api.env.push({ name: 'DB_PASSWORD', value: 'hunter2' }); }, path: `${C}/env/${scenario('staging').api.env.length}/value` }, // pushed after the committed variables
      { name: 'api key literal in lower case', change: (s) => { s.api.env.push({ name: 'anthropic_api_key', value: 'sk-x' }); } },
      { name: '<NAME>_FILE pointing outside any mounted Secret volume', change: (s) => { s.api.env.push({ name: 'DB_PASSWORD_FILE', value: '/tmp/password' }); } },
    ],
    passes: [
      { name: 'secret-like name from a secretKeyRef', change: (s) => { s.api.env.push({ name: 'GITHUB_TOKEN', valueFrom: { secretKeyRef: { name: `${WF}-secrets`, key: 'github-token' } } }); } },
      { name: 'plain name with a literal', change: (s) => { s.api.env.push({ name: 'LOG_FORMAT', value: 'json' }); } },
      {
        name: '<NAME>_FILE naming a file in a mounted Secret volume (the images\' file convention)',
        change: (s) => {
          s.pod.spec.volumes = [...(s.pod.spec.volumes ?? []), { name: 'db-password', secret: { secretName: `${WF}-secrets` } }];
          s.api.volumeMounts = [...(s.api.volumeMounts ?? []), { name: 'db-password', mountPath: '/etc/db', readOnly: true }];
          s.api.env.push({ name: 'DB_PASSWORD_FILE', value: '/etc/db/password' });
        },
      },
    ],
  },
  'policy/secret-data': {
    fires: [
      { name: 'Secret with data', change: (s) => { s.add({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${WF}-secrets`, namespace: WF }, data: { 'database-uri': 'cG9zdGdyZXM6Ly8=' } }); }, path: '/data' },
      { name: 'Secret with stringData', change: (s) => { s.add({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${WF}-secrets`, namespace: WF }, stringData: { 'redis-uri': 'redis://x' } }); }, path: '/stringData' },
    ],
    passes: [{ name: 'Secret without data (e.g. filled by a controller)', change: (s) => { s.add({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${WF}-pull`, namespace: WF }, type: 'Opaque' }); } }],
  },
  'policy/server-data-protection': {
    fires: [
      { name: 'thread TTL with an unknown strategy', change: (s) => { s.api.env.push({ name: 'LANGGRAPH_THREAD_TTL', value: '{"strategy":"archive","default_ttl":60}' }); }, path: `${C}/env/${scenario('staging').api.env.length}/value` },
      { name: 'thread TTL of 0 minutes (plain number)', change: (s) => { s.api.env.push({ name: 'LANGGRAPH_THREAD_TTL', value: '0' }); } },
      { name: 'thread TTL with a fractional sweep interval', change: (s) => { s.api.env.push({ name: 'LANGGRAPH_THREAD_TTL', value: '{"default_ttl":60,"sweep_interval_minutes":2.5}' }); } },
      { name: 'thread TTL that is not JSON', change: (s) => { s.api.env.push({ name: 'LANGGRAPH_THREAD_TTL', value: '{strategy: delete}' }); } },
      { name: 'a system key to encrypt', change: (s) => { s.api.env.push({ name: 'LANGGRAPH_AES_JSON_KEYS', value: 'tenant,langgraph_host' }); } },
      { name: 'JSON keys without LANGGRAPH_AES_KEY', change: (s) => {
        s.api.env = s.api.env.filter((e: any) => e.name !== 'LANGGRAPH_AES_KEY'); // eslint-disable-line @typescript-eslint/no-explicit-any
        s.api.env.push({ name: 'LANGGRAPH_AES_JSON_KEYS', value: 'tenant' });
      } },
    ],
    passes: [
      { name: 'the committed thread TTL and key (staging)', change: () => undefined },
      { name: 'KEEP_LATEST in capitals and a fractional TTL (the server lower-cases the strategy; default_ttl is a float)', change: (s) => {
        s.api.env = s.api.env.filter((e: any) => e.name !== 'LANGGRAPH_THREAD_TTL'); // eslint-disable-line @typescript-eslint/no-explicit-any
        s.api.env.push({ name: 'LANGGRAPH_THREAD_TTL', value: '{"strategy":"KEEP_LATEST","default_ttl":0.5}' });
      } },
      { name: 'JSON keys with the key in the container', change: (s) => { s.api.env.push({ name: 'LANGGRAPH_AES_JSON_KEYS', value: 'tenant, customer' }); } },
    ],
  },
  'policy/single-replica': {
    fires: [
      { name: 'HPA minReplicas 1 on a Rollout (reported on the Rollout)', env: 'staging', change: (s) => { s.get('HorizontalPodAutoscaler', `${WF}-api`).spec.minReplicas = 1; }, path: '/spec/replicas' },
      { name: 'one replica without an HPA', env: 'prod', change: (s) => { s.remove('HorizontalPodAutoscaler', `${WF}-api`); s.get('Rollout', `${WF}-api`).spec.replicas = 1; }, path: '/spec/replicas' },
    ],
    passes: [
      { name: 'HPA minReplicas 2', env: 'staging', change: (s) => { s.get('HorizontalPodAutoscaler', `${WF}-api`).spec.minReplicas = 2; } },
      { name: 'non-API components are not held to it', env: 'staging', change: (s) => {
        s.get('HorizontalPodAutoscaler', `${WF}-api`).spec.minReplicas = 2;
        const worker = JSON.parse(JSON.stringify(s.get('Deployment', `${WF}-api`)));
        worker.metadata.name = `${WF}-worker`;
        worker.spec.replicas = 1;
        for (const labels of [worker.spec.selector.matchLabels, worker.spec.template.metadata.labels]) labels['app.kubernetes.io/component'] = 'worker';
        s.add(worker);
      } },
    ],
  },
  'policy/mesh-load-balancer': {
    fires: [
      { name: 'staging (mesh): the API Service as a LoadBalancer', change: (s) => { s.get('Service', `${WF}-api`).spec.type = 'LoadBalancer'; }, path: '/spec/type' },
      { name: 'prod (mesh): an internal LoadBalancer is still one', env: 'prod', change: (s) => {
        const svc = s.get('Service', `${WF}-api`);
        svc.spec.type = 'LoadBalancer';
        svc.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'] = 'internal';
      }, path: '/spec/type' },
    ],
    passes: [
      { name: 'dev (no mesh): a LoadBalancer is the entry\'s business', env: 'dev', change: (s) => { s.get('Service', `${WF}-api`).spec.type = 'LoadBalancer'; } },
      { name: 'staging (mesh): a NodePort is not a public load balancer', change: (s) => { s.get('Service', `${WF}-api`).spec.type = 'NodePort'; } },
    ],
  },
};

test('every policy rule has firing and passing cases', () => {
  expect(Object.keys(CASES).sort()).toEqual(POLICY_RULES.map((r) => r.id).sort());
  for (const [rule, c] of Object.entries(CASES)) {
    expect({ rule, fires: c.fires.length > 0, passes: c.passes.length > 0 }).toEqual({ rule, fires: true, passes: true });
  }
});

test('the committed output breaks no policy rule in any environment', () => {
  for (const env of ['dev', 'staging', 'prod']) {
    const s = scenario(env);
    expect(gate(env, s.objects).violations.filter((v) => v.rule.startsWith('policy/'))).toEqual([]);
  }
});

describe.each(Object.entries(CASES))('%s', (rule, { fires, passes }) => {
  test.each(fires.map((c) => [c.name, c] as const))('fires: %s', (_name, c) => {
    const found = violationsAfter(c.env ?? 'staging', rule, c.change);
    expect(found.length).toBeGreaterThan(0);
    if (c.path) expect(found.map((v) => v.path)).toContain(c.path);
    for (const v of found) {
      expect(v.environment).toBe(c.env ?? 'staging');
      expect(v.message.length).toBeGreaterThan(10);
      expect(v.fix.length).toBeGreaterThan(10);
      expect(v.object).toMatch(/^[A-Za-z]+\/[a-z0-9-]+\/[a-z0-9.-]+$/);
    }
  });
  test.each(passes.map((c) => [c.name, c] as const))('passes: %s', (_name, c) => {
    expect(violationsAfter(c.env ?? 'staging', rule, c.change)).toEqual([]);
  });
});
