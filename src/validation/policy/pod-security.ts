/**
 * Pod Security Standards, `restricted` profile, in full (baseline controls included), as the
 * namespaces' `pod-security.kubernetes.io/enforce: restricted` label would enforce them on the
 * pods — but at synth time, and also on templates that admission never sees (a Rollout's).
 * Reference: https://kubernetes.io/docs/concepts/security/pod-security-standards/ (v1.32).
 * Every container list counts: containers, initContainers and ephemeralContainers.
 */
import { ContainerRef, PodTemplateRef, containersOf } from '../pod-templates';
import { Finding, pointer } from '../violation';
import { PolicyRule, describeContainer, templateFinding } from './rule';

/** Capabilities `restricted` lets a container add. */
export const ALLOWED_ADDED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];
/** Volume types `restricted` allows (hostPath is reported by its own rule). */
export const ALLOWED_VOLUME_TYPES: readonly string[] = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** SELinux types `baseline` allows ('' = unset). */
export const ALLOWED_SELINUX_TYPES: readonly string[] = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
/** The safe sysctl set (v1.32: the v1.27 and v1.29 additions included). */
export const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
];
const ALLOWED_SECCOMP = ['RuntimeDefault', 'Localhost'];
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const podSc = (t: PodTemplateRef) => (t.template.spec.securityContext ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sc = (c: ContainerRef) => (c.container.securityContext ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** Windows pods are exempt from the Linux-only controls (privilege escalation, seccomp, capabilities). */
const isWindows = (t: PodTemplateRef) => t.template.spec.os?.name === 'windows';

function forEachContainer(t: PodTemplateRef, check: (c: ContainerRef) => Finding[]): Finding[] {
  return containersOf(t.template).flatMap(check);
}

export const hostProcess: PolicyRule = {
  id: 'policy/host-process',
  summary: 'no Windows HostProcess pods or containers',
  checkTemplate: (t) => {
    const out: Finding[] = [];
    const fix = 'remove windowsOptions.hostProcess (or set it to false)';
    if (podSc(t).windowsOptions?.hostProcess === true) {
      out.push(templateFinding(t, '/spec/securityContext/windowsOptions/hostProcess', { value: true, message: 'the pod runs as a Windows HostProcess', fix }));
    }
    out.push(...forEachContainer(t, (c) => (sc(c).windowsOptions?.hostProcess === true
      ? [templateFinding(t, `${c.pointer}/securityContext/windowsOptions/hostProcess`, { value: true, message: `${describeContainer(c)} runs as a Windows HostProcess`, fix })]
      : [])));
    return out;
  },
};

export const hostNamespaces: PolicyRule = {
  id: 'policy/host-namespaces',
  summary: 'hostNetwork, hostPID and hostIPC unset or false',
  checkTemplate: (t) => (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter((field) => t.template.spec[field] === true)
    .map((field) => templateFinding(t, `/spec/${field}`, {
      value: true, message: `the pod shares the node's ${field.slice(4)} namespace`, fix: `remove ${field} (or set it to false)`,
    })),
};

export const privileged: PolicyRule = {
  id: 'policy/privileged',
  summary: 'no privileged containers',
  checkTemplate: (t) => forEachContainer(t, (c) => (sc(c).privileged === true
    ? [templateFinding(t, `${c.pointer}/securityContext/privileged`, { value: true, message: `${describeContainer(c)} is privileged`, fix: 'set securityContext.privileged to false' })]
    : [])),
};

export const capabilities: PolicyRule = {
  id: 'policy/capabilities',
  summary: `every container drops ALL capabilities and adds at most ${ALLOWED_ADDED_CAPABILITIES.join(', ')}`,
  checkTemplate: (t) => (isWindows(t) ? [] : forEachContainer(t, (c) => {
    const caps = sc(c).capabilities ?? {};
    const out: Finding[] = [];
    const drop: unknown[] = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.includes('ALL')) {
      out.push(templateFinding(t, `${c.pointer}/securityContext/capabilities/drop`, {
        value: caps.drop, message: `${describeContainer(c)} does not drop ALL capabilities`, fix: 'set securityContext.capabilities.drop to ["ALL"]',
      }));
    }
    const add: unknown[] = Array.isArray(caps.add) ? caps.add : [];
    add.forEach((cap, i) => {
      if (!ALLOWED_ADDED_CAPABILITIES.includes(String(cap))) {
        out.push(templateFinding(t, `${c.pointer}/securityContext/capabilities/add/${i}`, {
          value: cap, message: `${describeContainer(c)} adds capability ${String(cap)}`,
          fix: `remove it; restricted allows adding only ${ALLOWED_ADDED_CAPABILITIES.join(', ')} (without a CAP_ prefix)`,
        }));
      }
    });
    return out;
  })),
};

export const hostPath: PolicyRule = {
  id: 'policy/host-path',
  summary: 'no hostPath volumes',
  checkTemplate: (t) => volumes(t)
    .filter(({ volume }) => volume.hostPath !== undefined)
    .map(({ volume, i }) => templateFinding(t, `/spec/volumes/${i}/hostPath`, {
      value: volume.hostPath, message: `volume "${volume.name}" mounts a path of the node`, fix: 'use an emptyDir, configMap, secret, projected or persistentVolumeClaim volume',
    })),
};

export const volumeTypes: PolicyRule = {
  id: 'policy/volume-types',
  summary: `volumes only of the types ${ALLOWED_VOLUME_TYPES.join(', ')}`,
  checkTemplate: (t) => volumes(t).flatMap(({ volume, i }) => Object.keys(volume)
    .filter((key) => key !== 'name' && key !== 'hostPath' && !ALLOWED_VOLUME_TYPES.includes(key))
    .map((key) => templateFinding(t, `/spec/volumes/${i}/${key}`, {
      value: key, message: `volume "${volume.name}" is of type ${key}, which the restricted profile forbids`,
      fix: `use one of ${ALLOWED_VOLUME_TYPES.join(', ')} (e.g. a persistentVolumeClaim or csi volume)`,
    }))),
};

export const hostPorts: PolicyRule = {
  id: 'policy/host-ports',
  summary: 'no hostPort on any container port',
  checkTemplate: (t) => forEachContainer(t, (c) => (Array.isArray(c.container.ports) ? c.container.ports : [])
    .map((p: any, i: number) => ({ p, i })) // eslint-disable-line @typescript-eslint/no-explicit-any
    .filter(({ p }) => p && p.hostPort !== undefined && p.hostPort !== 0)
    .map(({ p, i }) => templateFinding(t, `${c.pointer}/ports/${i}/hostPort`, {
      value: p.hostPort, message: `${describeContainer(c)} binds port ${p.containerPort} on the node`, fix: 'remove hostPort; expose the port through a Service',
    }))),
};

export const appArmor: PolicyRule = {
  id: 'policy/apparmor',
  summary: 'AppArmor profile, if set, is RuntimeDefault or Localhost (never Unconfined)',
  checkTemplate: (t) => {
    const out: Finding[] = [];
    const fix = 'use the runtime default profile (appArmorProfile.type RuntimeDefault) or a Localhost profile';
    const annotations = t.template.metadata?.annotations ?? {};
    for (const key of Object.keys(annotations)) {
      if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
      const value = annotations[key];
      if (value !== 'runtime/default' && !value.startsWith('localhost/')) {
        out.push(templateFinding(t, pointer('metadata', 'annotations', key), { value, message: `AppArmor annotation ${key} is "${value}"`, fix }));
      }
    }
    const bad = (type: unknown) => type !== undefined && !['RuntimeDefault', 'Localhost'].includes(String(type));
    if (bad(podSc(t).appArmorProfile?.type)) {
      out.push(templateFinding(t, '/spec/securityContext/appArmorProfile/type', { value: podSc(t).appArmorProfile.type, message: 'the pod runs without AppArmor confinement', fix }));
    }
    out.push(...forEachContainer(t, (c) => (bad(sc(c).appArmorProfile?.type)
      ? [templateFinding(t, `${c.pointer}/securityContext/appArmorProfile/type`, { value: sc(c).appArmorProfile.type, message: `${describeContainer(c)} runs without AppArmor confinement`, fix })]
      : [])));
    return out;
  },
};

export const seLinux: PolicyRule = {
  id: 'policy/selinux',
  summary: `SELinux type only ${ALLOWED_SELINUX_TYPES.filter(Boolean).join(', ')}; no custom SELinux user or role`,
  checkTemplate: (t) => {
    const check = (options: any, base: string, who: string): Finding[] => { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (!options || typeof options !== 'object') return [];
      const out: Finding[] = [];
      if (options.type !== undefined && !ALLOWED_SELINUX_TYPES.includes(options.type)) {
        out.push(templateFinding(t, `${base}/seLinuxOptions/type`, { value: options.type, message: `${who} sets SELinux type ${options.type}`, fix: `remove seLinuxOptions.type or use one of ${ALLOWED_SELINUX_TYPES.filter(Boolean).join(', ')}` }));
      }
      for (const field of ['user', 'role'] as const) {
        if (options[field] !== undefined && options[field] !== '') {
          out.push(templateFinding(t, `${base}/seLinuxOptions/${field}`, { value: options[field], message: `${who} sets a custom SELinux ${field}`, fix: `remove seLinuxOptions.${field}` }));
        }
      }
      return out;
    };
    return [
      ...check(podSc(t).seLinuxOptions, '/spec/securityContext', 'the pod'),
      ...forEachContainer(t, (c) => check(sc(c).seLinuxOptions, `${c.pointer}/securityContext`, describeContainer(c))),
    ];
  },
};

export const procMount: PolicyRule = {
  id: 'policy/proc-mount',
  summary: 'procMount unset or Default',
  checkTemplate: (t) => forEachContainer(t, (c) => (sc(c).procMount !== undefined && sc(c).procMount !== 'Default'
    ? [templateFinding(t, `${c.pointer}/securityContext/procMount`, { value: sc(c).procMount, message: `${describeContainer(c)} unmasks /proc`, fix: 'remove procMount (or set it to Default)' })]
    : [])),
};

export const seccomp: PolicyRule = {
  id: 'policy/seccomp',
  summary: 'seccomp profile RuntimeDefault or Localhost, at pod level or on every container; never Unconfined',
  checkTemplate: (t) => {
    if (isWindows(t)) return [];
    const fix = 'set spec.securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile)';
    const podType = podSc(t).seccompProfile?.type;
    const out: Finding[] = [];
    if (podType !== undefined && !ALLOWED_SECCOMP.includes(podType)) {
      out.push(templateFinding(t, '/spec/securityContext/seccompProfile/type', { value: podType, message: `the pod's seccomp profile is ${podType}`, fix }));
    }
    const podConfined = ALLOWED_SECCOMP.includes(podType);
    out.push(...forEachContainer(t, (c) => {
      const type = sc(c).seccompProfile?.type;
      if (type === undefined) {
        return podConfined ? [] : [templateFinding(t, `${c.pointer}/securityContext/seccompProfile/type`, { message: `${describeContainer(c)} has no seccomp profile and the pod sets none`, fix })];
      }
      return ALLOWED_SECCOMP.includes(type) ? [] : [templateFinding(t, `${c.pointer}/securityContext/seccompProfile/type`, { value: type, message: `${describeContainer(c)}'s seccomp profile is ${type}`, fix: 'set seccompProfile.type to RuntimeDefault or Localhost' })];
    }));
    return out;
  },
};

export const sysctls: PolicyRule = {
  id: 'policy/sysctls',
  summary: 'only the safe sysctls',
  checkTemplate: (t) => (Array.isArray(podSc(t).sysctls) ? (podSc(t).sysctls as any[]) : []) // eslint-disable-line @typescript-eslint/no-explicit-any
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => !SAFE_SYSCTLS.includes(s?.name))
    .map(({ s, i }) => templateFinding(t, `/spec/securityContext/sysctls/${i}/name`, {
      value: s?.name, message: `sysctl ${s?.name} is not in the safe set`, fix: `remove it; allowed: ${SAFE_SYSCTLS.join(', ')}`,
    })),
};

export const allowPrivilegeEscalation: PolicyRule = {
  id: 'policy/allow-privilege-escalation',
  summary: 'every container sets allowPrivilegeEscalation: false',
  checkTemplate: (t) => (isWindows(t) ? [] : forEachContainer(t, (c) => (sc(c).allowPrivilegeEscalation === false
    ? []
    : [templateFinding(t, `${c.pointer}/securityContext/allowPrivilegeEscalation`, {
      value: sc(c).allowPrivilegeEscalation, message: `${describeContainer(c)} may gain more privileges than its parent process`,
      fix: 'set securityContext.allowPrivilegeEscalation to false',
    })]))),
};

export const runAsNonRoot: PolicyRule = {
  id: 'policy/run-as-non-root',
  summary: 'runAsNonRoot: true at pod level (no container overriding it) or on every container',
  checkTemplate: (t) => {
    const out: Finding[] = [];
    const fix = 'set spec.securityContext.runAsNonRoot to true (and runAsUser to a non-zero UID the image owns)';
    const pod = podSc(t).runAsNonRoot;
    if (pod === false) out.push(templateFinding(t, '/spec/securityContext/runAsNonRoot', { value: false, message: 'the pod allows running as root', fix }));
    out.push(...forEachContainer(t, (c) => {
      const own = sc(c).runAsNonRoot;
      if (own === false) return [templateFinding(t, `${c.pointer}/securityContext/runAsNonRoot`, { value: false, message: `${describeContainer(c)} allows running as root`, fix: 'remove runAsNonRoot: false from the container' })];
      if (own === undefined && pod !== true) return [templateFinding(t, `${c.pointer}/securityContext/runAsNonRoot`, { message: `neither the pod nor ${describeContainer(c)} requires a non-root user`, fix })];
      return [];
    }));
    return out;
  },
};

export const runAsUser: PolicyRule = {
  id: 'policy/run-as-user',
  summary: 'runAsUser is never 0 (root)',
  checkTemplate: (t) => {
    const fix = 'set runAsUser to a non-zero UID (e.g. 10001)';
    const out: Finding[] = [];
    if (podSc(t).runAsUser === 0) out.push(templateFinding(t, '/spec/securityContext/runAsUser', { value: 0, message: 'the pod runs as UID 0 (root)', fix }));
    out.push(...forEachContainer(t, (c) => (sc(c).runAsUser === 0
      ? [templateFinding(t, `${c.pointer}/securityContext/runAsUser`, { value: 0, message: `${describeContainer(c)} runs as UID 0 (root)`, fix })]
      : [])));
    return out;
  },
};

function volumes(t: PodTemplateRef): { volume: any; i: number }[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const list = t.template.spec.volumes;
  return Array.isArray(list) ? list.map((volume, i) => ({ volume: volume ?? {}, i })) : [];
}

/** The restricted profile, baseline controls first. */
export const POD_SECURITY_RULES: readonly PolicyRule[] = [
  hostProcess, hostNamespaces, privileged, capabilities, hostPath, hostPorts, appArmor, seLinux, procMount, seccomp, sysctls,
  volumeTypes, allowPrivilegeEscalation, runAsNonRoot, runAsUser,
];
