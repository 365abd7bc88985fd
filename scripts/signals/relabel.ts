/**
 * Prometheus target relabelling, for the live signals test: turns a rendered PodMonitor into the
 * `relabel_configs` prometheus-operator would generate for it, and applies relabel configs to a
 * synthetic Kubernetes pod target (its `__meta_kubernetes_*` labels) the way Prometheus does.
 *
 * Sources (what is emulated, and from where):
 *   - relabel actions and defaults: prometheus/model/relabel/relabel.go (Prometheus 2.42):
 *     separator ';', regex '(.*)' anchored as ^(?:regex)$, replacement '$1', action replace;
 *     replace drops the target label when the expansion is empty;
 *   - generated PodMonitor rules: prometheus-operator pkg/prometheus/promcfg.go
 *     generatePodMonitorConfig (initRelabelings, running-pod filter, selector matchLabels as
 *     `(<value>);true` over label + labelpresent, port filter, namespace/container/pod, job
 *     `<ns>/<name>`, endpoint, the endpoint's relabelings, then address sharding);
 *   - pod meta labels: Prometheus discovery/kubernetes/pod.go (one target per container port,
 *     one per port-less container, labels and annotations sanitised to [a-zA-Z0-9_]).
 *
 * Unsupported actions or fields throw: the test must never prove a relabelling it only guessed.
 */
import { createHash } from 'crypto';

export type Labels = Record<string, string>;

/** One rule in Prometheus's own (snake_case) configuration format. */
export interface RelabelConfig {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  modulus?: number;
  action?: string;
}

const SUPPORTED_ACTIONS = new Set(['replace', 'keep', 'drop', 'labelmap', 'labeldrop', 'labelkeep', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);

export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** RE2 → JavaScript for the subset relabel regexes use; refuses constructs JS reads differently. */
function compile(regex: string): RegExp {
  if (/\\[pPzAQE]|\(\?[a-zA-Z]*[sU]/.test(regex)) throw new Error(`relabel regex ${JSON.stringify(regex)} uses RE2 syntax this emulation does not support`);
  const js = regex.replace(/\(\?P</g, '(?<');
  return new RegExp(`^(?:${js})$`, 'u');
}

/** Go's regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; an unknown group expands to ''. */
export function expand(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest[0] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let len: number;
    const braced = /^\{([a-zA-Z0-9_]+)\}/.exec(rest);
    if (braced) {
      name = braced[1];
      len = braced[0].length;
    } else {
      const bare = /^[a-zA-Z0-9_]+/.exec(rest);
      if (!bare) {
        out += '$';
        continue;
      }
      name = bare[0];
      len = bare[0].length;
    }
    i += len;
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Applies `configs` to `labels` like Prometheus's relabel.Process; null when the target is dropped. */
export function relabel(labels: Labels, configs: readonly RelabelConfig[]): Labels | null {
  const lb: Labels = { ...labels };
  for (const [n, cfg] of configs.entries()) {
    for (const key of Object.keys(cfg)) {
      if (!['source_labels', 'separator', 'regex', 'target_label', 'replacement', 'modulus', 'action'].includes(key)) {
        throw new Error(`relabel config ${n}: unknown field ${key}`);
      }
    }
    const action = (cfg.action ?? 'replace').toLowerCase();
    if (!SUPPORTED_ACTIONS.has(action)) throw new Error(`relabel config ${n}: action ${action} is not supported by scripts/signals/relabel.ts`);
    const re = compile(cfg.regex ?? '(.*)');
    const val = (cfg.source_labels ?? []).map((l) => lb[l] ?? '').join(cfg.separator ?? ';');
    const replacement = cfg.replacement ?? '$1';
    switch (action) {
      case 'keep':
        if (!re.test(val)) return null;
        break;
      case 'drop':
        if (re.test(val)) return null;
        break;
      case 'keepequal':
        if (val !== (lb[cfg.target_label ?? ''] ?? '')) return null;
        break;
      case 'dropequal':
        if (val === (lb[cfg.target_label ?? ''] ?? '')) return null;
        break;
      case 'replace': {
        const m = re.exec(val);
        if (!m) break;
        const target = expand(cfg.target_label ?? '', m);
        if (!LABEL_NAME.test(target)) break;
        const res = expand(replacement, m);
        if (res === '') delete lb[target];
        else lb[target] = res;
        break;
      }
      case 'lowercase':
        lb[cfg.target_label ?? ''] = val.toLowerCase();
        break;
      case 'uppercase':
        lb[cfg.target_label ?? ''] = val.toUpperCase();
        break;
      case 'hashmod': {
        if (!cfg.modulus) throw new Error(`relabel config ${n}: hashmod without modulus`);
        const digest = createHash('md5').update(val).digest();
        lb[cfg.target_label ?? ''] = String(digest.readBigUInt64BE(8) % BigInt(cfg.modulus));
        break;
      }
      case 'labelmap':
        for (const [name, value] of Object.entries({ ...lb })) {
          const m = re.exec(name);
          if (m) lb[expand(replacement, m)] = value;
        }
        break;
      case 'labeldrop':
        for (const name of Object.keys(lb)) if (re.test(name)) delete lb[name];
        break;
      case 'labelkeep':
        for (const name of Object.keys(lb)) if (!re.test(name)) delete lb[name];
        break;
    }
  }
  return lb;
}

/**
 * What Prometheus does after relabelling (scrape/target.go PopulateLabels): a target without
 * __address__ is an error, `instance` defaults to __address__, labels starting with `__` are removed.
 */
export function finalLabels(relabelled: Labels): Labels {
  if (!relabelled.__address__) throw new Error('relabelled target has no __address__');
  const out: Labels = {};
  for (const [k, v] of Object.entries(relabelled)) if (!k.startsWith('__') && v !== '') out[k] = v;
  if (!out.instance) out.instance = relabelled.__address__;
  return out;
}

/** A rendered PodMonitor relabeling (camelCase CRD fields) in Prometheus's format. */
export function fromCrd(r: Record<string, unknown>, where: string): RelabelConfig {
  const map: Record<string, keyof RelabelConfig> = {
    sourceLabels: 'source_labels',
    separator: 'separator',
    regex: 'regex',
    targetLabel: 'target_label',
    replacement: 'replacement',
    modulus: 'modulus',
    action: 'action',
  };
  const out: RelabelConfig = {};
  for (const [k, v] of Object.entries(r)) {
    const key = map[k];
    if (!key) throw new Error(`${where}: relabeling field ${k} is not supported`);
    (out as Record<string, unknown>)[key] = k === 'action' ? String(v).toLowerCase() : v;
  }
  return out;
}

export interface PodMonitorLike {
  metadata: { name: string; namespace: string };
  spec: {
    selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    podMetricsEndpoints: Record<string, unknown>[];
    jobLabel?: string;
    podTargetLabels?: string[];
    namespaceSelector?: unknown;
    [key: string]: unknown;
  };
}

const ENDPOINT_FIELDS = new Set(['port', 'path', 'interval', 'scrapeTimeout', 'relabelings', 'scheme', 'honorLabels']);

/**
 * The relabel_configs prometheus-operator generates for endpoint `index` of `pm`, in order, with a
 * comment per rule. Fields the emulation does not implement throw.
 */
export function podMonitorRelabelConfigs(pm: PodMonitorLike, index: number, shards = 1): { configs: RelabelConfig[]; origin: string[] } {
  const ep = pm.spec.podMetricsEndpoints[index];
  const where = `PodMonitor ${pm.metadata.namespace}/${pm.metadata.name} endpoint ${index}`;
  for (const key of Object.keys(ep)) if (!ENDPOINT_FIELDS.has(key)) throw new Error(`${where}: field ${key} is not emulated`);
  for (const key of ['jobLabel', 'podTargetLabels', 'namespaceSelector']) {
    if (pm.spec[key] !== undefined) throw new Error(`${where}: spec.${key} is not emulated`);
  }
  if (pm.spec.selector.matchExpressions?.length) throw new Error(`${where}: selector.matchExpressions is not emulated`);
  const configs: RelabelConfig[] = [];
  const origin: string[] = [];
  const add = (why: string, c: RelabelConfig) => {
    configs.push(c);
    origin.push(why);
  };
  add('operator: initRelabelings', { source_labels: ['job'], target_label: '__tmp_prometheus_job_name' });
  add('operator: running-pod filter', { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' });
  for (const k of Object.keys(pm.spec.selector.matchLabels ?? {}).sort()) {
    add(`operator: selector ${k}`, {
      action: 'keep',
      source_labels: [`__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`, `__meta_kubernetes_pod_labelpresent_${sanitizeLabelName(k)}`],
      regex: `(${pm.spec.selector.matchLabels![k]});true`,
    });
  }
  if (typeof ep.port === 'string' && ep.port) {
    add('operator: endpoint port', { action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.port });
  }
  add('operator: namespace', { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' });
  add('operator: container', { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' });
  add('operator: pod', { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' });
  add('operator: job', { target_label: 'job', replacement: `${pm.metadata.namespace}/${pm.metadata.name}` });
  if (typeof ep.port === 'string' && ep.port) add('operator: endpoint', { target_label: 'endpoint', replacement: ep.port });
  const rendered = (ep.relabelings as Record<string, unknown>[] | undefined) ?? [];
  rendered.forEach((r, i) => add(`rendered: relabelings[${i}]`, fromCrd(r, `${where} relabelings[${i}]`)));
  add('operator: sharding', { source_labels: ['__address__'], target_label: '__tmp_hash', modulus: shards, action: 'hashmod' });
  add('operator: sharding (shard 0)', { source_labels: ['__tmp_hash'], regex: '0', action: 'keep' });
  return { configs, origin };
}

export interface SyntheticContainer {
  name: string;
  ports: { name?: string; containerPort: number; protocol?: string }[];
  init?: boolean;
  image?: string;
}

export interface SyntheticPod {
  namespace: string;
  name: string;
  ip: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: SyntheticContainer[];
  controllerKind: string;
  controllerName: string;
  nodeName: string;
}

/** The targets Kubernetes pod discovery produces for `pod` (discovery/kubernetes/pod.go). */
export function podTargets(pod: SyntheticPod): Labels[] {
  const common: Labels = {
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_ip: pod.ip,
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_node_name: pod.nodeName,
    __meta_kubernetes_pod_host_ip: '10.255.0.1',
    __meta_kubernetes_pod_uid: `00000000-0000-4000-8000-${createHash('sha1').update(pod.name).digest('hex').slice(0, 12)}`,
    __meta_kubernetes_pod_controller_kind: pod.controllerKind,
    __meta_kubernetes_pod_controller_name: pod.controllerName,
  };
  for (const [k, v] of Object.entries(pod.labels)) {
    common[`__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`] = v;
    common[`__meta_kubernetes_pod_labelpresent_${sanitizeLabelName(k)}`] = 'true';
  }
  for (const [k, v] of Object.entries(pod.annotations)) {
    common[`__meta_kubernetes_pod_annotation_${sanitizeLabelName(k)}`] = v;
    common[`__meta_kubernetes_pod_annotationpresent_${sanitizeLabelName(k)}`] = 'true';
  }
  const targets: Labels[] = [];
  for (const c of pod.containers) {
    const base: Labels = {
      ...common,
      __meta_kubernetes_pod_container_name: c.name,
      __meta_kubernetes_pod_container_init: c.init ? 'true' : 'false',
      __meta_kubernetes_pod_container_image: c.image ?? `${c.name}:synthetic`,
    };
    if (c.ports.length === 0) {
      targets.push({ ...base, __address__: pod.ip });
      continue;
    }
    for (const p of c.ports) {
      targets.push({
        ...base,
        __address__: `${pod.ip}:${p.containerPort}`,
        __meta_kubernetes_pod_container_port_name: p.name ?? '',
        __meta_kubernetes_pod_container_port_number: String(p.containerPort),
        __meta_kubernetes_pod_container_port_protocol: p.protocol ?? 'TCP',
      });
    }
  }
  return targets;
}
