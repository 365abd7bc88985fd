/**
 * Rules that a schema cannot express: relations between fields. Each returns every violation with
 * the path (in the merged data), the bad value and the fix; the loader attributes them to a file.
 */
import { bytes, cpuMillicores } from '../model/quantity';
import { entryTypeOf, Environment, Workflow, WorkflowSettings } from './schema';
import { checkMeshSecurity } from './features/mesh-security';
import { checkMeshEgress } from './features/mesh-egress';
import { checkNetworkEgress } from './features/network-egress';
import { checkExternalSecret } from './features/external-secret';
import { checkServerSizing } from './features/server-sizing';
import { checkVpa } from './features/vpa';
import { checkRateLimit } from './features/rate-limit';
import { checkDataProtection } from './features/data-protection';
import { checkAuth } from './features/auth';
import { checkDataStores } from './features/data-stores';
import { checkImages } from './features/images';
import { checkExtraMetadata } from './features/extra-metadata';
import { checkApiService } from './features/api-service';
import { checkServerHttp } from './features/server-http';
import { schedulingConflicts } from '../constructs/scheduling';
import { SemanticIssue } from './semantic-issue';

/** Env vars the platform sets from the Secret; a literal value for them would leak or shadow it. */
export const RESERVED_ENV = ['DATABASE_URI', 'POSTGRES_URI', 'REDIS_URI', 'LANGSMITH_API_KEY', 'LANGGRAPH_CLOUD_LICENSE_KEY', 'N_JOBS_PER_WORKER'];
/** Names that suggest a credential (one test with the gate and the constructs). */
import { SECRET_LIKE_ENV, literalCredential } from '../constructs/validations/secrets';
export { SECRET_LIKE_ENV };

export function checkEnvironment(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  if (env.entry.type === 'ingress' && env.mesh.enabled) {
    issues.push({ path: ['entry', 'type'], value: 'ingress', message: 'an Ingress cannot be combined with the mesh\'s STRICT mTLS: an ingress controller outside the mesh cannot reach the pods (and would bypass canary weights); use entry.type "gateway"' });
  }
  if (env.entry.type === 'gateway' && !env.mesh.enabled) {
    issues.push({ path: ['entry', 'type'], value: 'gateway', message: `an Istio Gateway needs the mesh, but mesh.enabled is false in "${env.name}"; use entry.type "ingress"` });
  }
  issues.push(...checkEntry(env));
  issues.push(...checkMeshSecurity(env), ...checkMeshEgress(env), ...checkNetworkEgress(env), ...checkDataStores(env), ...checkImages(env));
  return issues;
}

/** Entry fields that only one entry type reads: set for another, they would silently do nothing. */
function checkEntry(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const type = entryTypeOf(env);
  const shown = env.entry.type ? `entry.type is "${type}"` : `entry.type is unset (so "${type}", since mesh.enabled is ${env.mesh.enabled})`;
  const only: [keyof Environment['entry'], string, string][] = [
    ['ingressClassName', 'ingress', 'the Ingress\'s class'],
    ['ingressRateLimitRps', 'ingress', 'ingress-nginx\'s per-client rate limit'],
    ['gatewaySelector', 'gateway', 'the Istio Gateway\'s pod selector'],
    ['gatewayApi', 'gateway-api', 'the Gateway API Gateway'],
  ];
  for (const [field, owner, what] of only) {
    if (env.entry[field] === undefined || type === owner) continue;
    if (type !== 'gateway-api' && owner !== 'gateway-api') continue; // the Istio/Ingress fields stay tolerated beside each other, as before
    const fix = type === 'gateway-api' && owner === 'ingress' && field === 'ingressRateLimitRps'
      ? `remove entry.${field} (a Gateway API Gateway has no portable rate limit; with the mesh use the workflow's rateLimit)`
      : `remove entry.${field}, or set entry.type: ${owner}`;
    issues.push({ path: ['entry', field], value: env.entry[field], message: `sets ${what}, but ${shown} in "${env.name}", which never reads it; ${fix}` });
  }
  return issues;
}

/** Entries that failed their own schema are `undefined` here (already reported); the rest are checked. */
export function checkCatalog(catalog: { readonly workflows: readonly (Workflow | undefined)[] }, environmentNames: readonly string[]): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const names = new Map<string, number>();
  const namespaces = new Map<string, number>();
  catalog.workflows.forEach((wf, i) => {
    if (!wf) return;
    const duplicate = names.has(wf.name);
    if (duplicate) issues.push({ path: ['workflows', i, 'name'], value: wf.name, message: `duplicate workflow name (also entry ${names.get(wf.name)}); rename one of them (names must be unique)` });
    names.set(wf.name, i);
    const ns = wf.namespace ?? wf.name;
    // A namespace taken from a name that repeats an earlier entry's clashes with that entry: the
    // same mistake, reported once (above). A clash with any other entry is its own.
    const clash = namespaces.get(ns);
    const sameMistake = duplicate && wf.namespace === undefined && catalog.workflows[clash ?? -1]?.name === wf.name;
    if (clash !== undefined && !sameMistake) {
      const which = wf.namespace === undefined ? 'namespace (the workflow name, as none is set)' : 'namespace';
      issues.push({ path: ['workflows', i, 'namespace'], value: ns, message: `${which} already used by entry ${clash}; set a different namespace (each workflow needs its own)` });
    }
    namespaces.set(ns, i);
    for (const envName of Object.keys(wf.environments)) {
      if (!environmentNames.includes(envName)) {
        issues.push({ path: ['workflows', i, 'environments', envName], value: envName, message: `no such environment; use one of: ${environmentNames.join(', ')} (or add environments/${envName}.yaml)` });
      }
    }
  });
  return issues;
}

export function checkWorkflowSettings(s: WorkflowSettings, env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const add = (path: (string | number)[], value: unknown, message: string) => issues.push({ path, value, message });

  // Image: pinned by digest; a tag only where the environment allows it; never `latest`.
  if (s.image.repository === undefined) add(['image', 'repository'], undefined, 'is required: set the image repository, e.g. registry.example.com/team/app');
  if (s.image.tag === 'latest') add(['image', 'tag'], 'latest', '"latest" is never allowed: pin the image by digest (image.digest: sha256:…)');
  if (!s.image.digest) {
    if (!s.image.tag) add(['image', 'digest'], undefined, 'is required: pin the image by digest (sha256:…)');
    else if (!env.images.allowTags) add(['image', 'tag'], s.image.tag, `environment "${env.name}" requires images pinned by digest: set image.digest (sha256:…), or allow tags with images.allowTags (dev only)`);
  }

  // The latency objective must sit on a bucket boundary of the SLI histogram. Between two
  // boundaries the share is interpolated, and the server's buckets are coarse (1000 then 5000 ms):
  // a canary answering in 1.5 s would score exactly like one answering in 2.5 s against a 2 s objective.
  const unit = env.sli.latencyUnit === 'milliseconds' ? 1000 : 1;
  const thresholdInUnit = s.slo.latencyThresholdSeconds * unit;
  const boundaries = env.sli.latencyBuckets ?? [];
  if (boundaries.length && !boundaries.some((b) => Math.abs(b - thresholdInUnit) < 1e-9)) {
    const inSeconds = boundaries.map((b) => b / unit);
    const below = inSeconds.filter((b) => b < s.slo.latencyThresholdSeconds).pop();
    const above = inSeconds.find((b) => b > s.slo.latencyThresholdSeconds);
    const choices = [below, above].filter((b) => b !== undefined).join(' or ');
    add(['slo', 'latencyThresholdSeconds'], s.slo.latencyThresholdSeconds,
      `is not a bucket boundary of ${env.sli.latencyHistogram} (${inSeconds.join(', ')} s), so requests just under and just over it could not be told apart; use ${choices}`);
  }

  const a = s.autoscaling;
  if (a.minReplicas > a.maxReplicas) add(['autoscaling', 'minReplicas'], a.minReplicas, `must not exceed autoscaling.maxReplicas (${a.maxReplicas}); lower minReplicas or raise maxReplicas`);

  for (const res of ['cpu', 'memory', 'ephemeralStorage'] as const) {
    const req = s.resources.requests[res];
    const lim = s.resources.limits[res];
    const parse = res === 'cpu' ? cpuMillicores : bytes;
    if (parse(req) > parse(lim)) add(['resources', 'requests', res], req, `request exceeds the limit (${lim}); lower the request or raise resources.limits.${res}`);
  }

  if (s.rollingUpdate.maxSurge === 0 && s.rollingUpdate.maxUnavailable === 0) {
    add(['rollingUpdate'], s.rollingUpdate, 'maxSurge and maxUnavailable cannot both be 0 (the rollout could never progress); use maxSurge 1, maxUnavailable 0');
  }

  const keys = s.secret.keys;
  // The server reads LANGGRAPH_CLOUD_LICENSE_KEY at start (langgraph_api/config/__init__.py of
  // 0.16.7, line 536); LangSmith's key alone is for development ("For local dev, requires
  // LANGSMITH_API_KEY …; for production use, requires a license key in LANGGRAPH_CLOUD_LICENSE_KEY",
  // langgraph_cli/cli.py lines 297–298).
  if (env.tier === 'production' && !keys.licenseKey) {
    add(['secret', 'keys', 'licenseKey'], undefined, `is required in "${env.name}" (a production-tier environment): set secret.keys.licenseKey to the Secret key holding the LangGraph licence, e.g. secret.keys.licenseKey: langgraph-license-key`);
  } else if (!keys.langsmithApiKey && !keys.licenseKey) {
    add(['secret', 'keys', 'licenseKey'], undefined, 'set secret.keys.licenseKey (or, in development, secret.keys.langsmithApiKey): the server needs a licence credential');
  }

  // The value is never echoed: a literal here may be the very credential that must not be in Git logs.
  for (const name of Object.keys(s.env)) {
    if (RESERVED_ENV.includes(name)) add(['env', name], '<redacted>', `${name} is set by the platform from the Secret or the worker config; remove it from env`);
    else if (SECRET_LIKE_ENV.test(name)) add(['env', name], '<redacted>', `looks like a credential; put it in the Secret and reference it with secret.keys.extra.${name}`);
    else if (literalCredential(name, s.env[name]) === 'uri-password') add(['env', name], '<redacted>', `carries a password inside its URI; put the URI in the Secret and reference it with secret.keys.extra.${name}`);
  }

  const d = s.delivery;
  if (d.strategy === 'canary') {
    if (!env.mesh.enabled) add(['delivery', 'strategy'], 'canary', `canary needs Istio traffic routing, but mesh.enabled is false in "${env.name}"; use strategy "rolling" or enable the mesh`);
    // Steps and analysis default to the constructs' (DEFAULT_CANARY_STEPS, DEFAULT_CANARY_ANALYSIS).
    let previous = 0;
    d.canary.steps.forEach((step, i) => {
      if (step.setWeight < 1 || step.setWeight > 100) add(['delivery', 'canary', 'steps', i, 'setWeight'], step.setWeight, 'weights must be within 1–100; use a whole number from 1 to 100');
      else if (step.setWeight <= previous) add(['delivery', 'canary', 'steps', i, 'setWeight'], step.setWeight, `weights must increase strictly (previous step: ${previous}); use a weight above ${previous}, up to 100`);
      previous = Math.max(previous, step.setWeight);
      if (step.pauseSeconds !== undefined && step.pauseSeconds < 0) add(['delivery', 'canary', 'steps', i, 'pauseSeconds'], step.pauseSeconds, 'pauses must be ≥ 0 seconds; use 0 or more, or omit pauseSeconds for no pause');
    });
  }

  if (env.entry.type === 'gateway-api' && d.strategy === 'canary') {
    add(['delivery', 'strategy'], 'canary', `entry.type is "gateway-api" in "${env.name}": the Gateway API gateway sends external traffic straight to the API Service, past the VirtualService weights Argo Rollouts shifts, so the canary would get an unweighted share; use delivery.strategy "rolling" here, or entry.type "gateway" (Istio Gateway) for canary environments`);
  }
  if (env.entry.type === 'ingress' && d.strategy === 'canary') {
    add(['delivery', 'strategy'], 'canary', 'entry.type is "ingress": an Ingress would send traffic straight to pod endpoints and bypass the canary weights; use the Istio Gateway (entry.type "gateway")');
  }
  s.apiAccess.forEach((rule, i) => {
    for (const field of ['apiGroups', 'resources'] as const) if (rule[field].includes('*')) add(['apiAccess', i, field], rule[field], 'wildcards are not allowed; name each API group and resource');
    if (rule.resources.includes('secrets')) add(['apiAccess', i, 'resources'], rule.resources, 'the app must not read Secrets through the API; mount the keys it needs by reference (secret.keys.extra)');
  });

  issues.push(...checkExternalSecret(s, env), ...checkVpa(s), ...checkRateLimit(s, env), ...checkAuth(s, env), ...checkDataProtection(s));
  issues.push(...checkExtraMetadata(s, env), ...checkApiService(s), ...checkServerHttp(s));
  issues.push(...schedulingConflicts(s.scheduling).map((c) => ({ ...c, path: ['scheduling', ...c.path] })));

  issues.push(...checkServerSizing(s, env));
  return issues;
}
