/**
 * A pod's three shutdown numbers agree (src/constructs/shutdown.ts): the kubelet's grace period G,
 * the LangGraph server's run drain A (BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS, 180 s when unset) and the
 * Istio sidecar's drain D (`terminationDrainDuration` in `proxy.istio.io/config`).
 *
 *   G ≥ A + 15 s   the server has time to cancel and re-queue what it could not finish before SIGKILL
 *   D ≥ A          the sidecar still proxies the server's Postgres, Redis and LLM calls while runs drain
 *   D ≤ G          a longer drain is a promise the kubelet breaks (SIGKILL at G)
 *
 * Also the licence: in production-tier environments every server container reads
 * LANGGRAPH_CLOUD_LICENSE_KEY from a Secret.
 */
import { MIN_SHUTDOWN_MARGIN_SECONDS, SERVER_DEFAULT_SHUTDOWN_GRACE_SECONDS, SHUTDOWN_GRACE_ENV } from '../../constructs/shutdown';
import { EnvironmentIndex } from '../object-index';
import { Container, PodTemplateRef, containersOf, templateLabels } from '../pod-templates';
import { Finding } from '../violation';
import { CrossObjectCheck } from './check';

/** `app.kubernetes.io/name` of pods running the LangGraph server image (API and queue workers). */
export const LANGGRAPH_SERVER_APPS: ReadonlySet<string> = new Set(['langgraph-api', 'langgraph-worker']);
export const LICENSE_ENV = 'LANGGRAPH_CLOUD_LICENSE_KEY';
/** What the kubelet uses when a pod sets no grace period. */
const KUBERNETES_DEFAULT_GRACE_SECONDS = 30;

/** The server container of a LangGraph pod: the default container, else the first. */
export function serverContainer(t: PodTemplateRef): { container: Container; pointer: string } | undefined {
  if (!LANGGRAPH_SERVER_APPS.has(templateLabels(t)['app.kubernetes.io/name'] ?? '')) return undefined;
  const named = t.template.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const all = containersOf(t.template, ['containers']);
  return all.find((c) => c.container.name === named) ?? all[0];
}

/** Seconds of a Go duration such as "175s", "2m30s" or "1h"; undefined when it is not one. */
export function goDurationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(value);
  if (!m || value === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

function sidecarDrain(t: PodTemplateRef): { seconds: number; raw: string } | undefined {
  const config = t.template.metadata?.annotations?.['proxy.istio.io/config'];
  if (!config) return undefined;
  try {
    const raw = JSON.parse(config)?.terminationDrainDuration;
    const seconds = goDurationSeconds(raw);
    return seconds === undefined ? undefined : { seconds, raw };
  } catch {
    return undefined; // not JSON (Istio also accepts YAML): nothing to compare
  }
}

function envIndex(container: Container, name: string): number {
  return Array.isArray(container.env) ? container.env.findIndex((e: { name?: string }) => e?.name === name) : -1;
}

function checkTemplate(t: PodTemplateRef): Finding[] {
  const spec = t.template.spec;
  const grace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : KUBERNETES_DEFAULT_GRACE_SECONDS;
  const gracePath = `${t.pointer}/spec/terminationGracePeriodSeconds`;
  const drain = sidecarDrain(t);
  const annotationPath = `${t.pointer}/metadata/annotations/proxy.istio.io~1config`;
  const findings: Finding[] = [];
  const server = serverContainer(t);
  let runDrain: number | undefined;
  if (server) {
    const i = envIndex(server.container, SHUTDOWN_GRACE_ENV);
    const raw = i >= 0 ? server.container.env[i].value : undefined;
    runDrain = raw === undefined ? SERVER_DEFAULT_SHUTDOWN_GRACE_SECONDS : Number(raw);
    const path = i >= 0 ? `${t.pointer}${server.pointer}/env/${i}/value` : `${t.pointer}${server.pointer}/env`;
    if (!Number.isInteger(runDrain) || grace < runDrain + MIN_SHUTDOWN_MARGIN_SECONDS) {
      findings.push({
        object: t.owner, path, value: raw,
        message: `the server drains runs for ${raw === undefined ? `${SERVER_DEFAULT_SHUTDOWN_GRACE_SECONDS}s (${SHUTDOWN_GRACE_ENV} unset: the server's default)` : `${raw}s (${SHUTDOWN_GRACE_ENV})`}, ` +
          `but the kubelet kills the pod ${grace}s after SIGTERM (terminationGracePeriodSeconds): less than the ${MIN_SHUTDOWN_MARGIN_SECONDS}s margin needed to cancel and re-queue unfinished runs, so they are cut mid-write`,
        fix: `render ${SHUTDOWN_GRACE_ENV} = terminationGracePeriodSeconds − margin (≥ ${MIN_SHUTDOWN_MARGIN_SECONDS}s), i.e. at most ${grace - MIN_SHUTDOWN_MARGIN_SECONDS} here (LangGraphWorkload derives it), or raise terminationGracePeriodSeconds`,
        related: `${gracePath} = ${grace}`,
      });
    }
  }
  if (drain && runDrain !== undefined && Number.isInteger(runDrain) && drain.seconds < runDrain) {
    findings.push({
      object: t.owner, path: annotationPath, value: drain.raw,
      message: `the Istio sidecar stops proxying ${drain.seconds}s after SIGTERM (terminationDrainDuration) while the server still drains runs until ${runDrain}s (${SHUTDOWN_GRACE_ENV}): their Postgres, Redis and LLM calls fail for the last ${runDrain - drain.seconds}s`,
      fix: `set terminationDrainDuration between ${runDrain}s and ${grace}s (leave mesh.terminationDrainSeconds unset to derive grace − 5 s)`,
    });
  }
  if (drain && drain.seconds > grace) {
    findings.push({
      object: t.owner, path: annotationPath, value: drain.raw,
      message: `the Istio sidecar is told to drain for ${drain.seconds}s, but the kubelet kills the pod at ${grace}s (terminationGracePeriodSeconds)`,
      fix: `set terminationDrainDuration to at most ${grace}s, or raise terminationGracePeriodSeconds`,
      related: `${gracePath} = ${grace}`,
    });
  }
  return findings;
}

export const shutdownTiming: CrossObjectCheck = {
  id: 'cross-object/shutdown-timing',
  summary: "a pod's grace period, the server's run drain (BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS) and the sidecar's drain agree",
  check: (index: EnvironmentIndex) => index.templates.flatMap(checkTemplate),
};

export const serverLicense: CrossObjectCheck = {
  id: 'cross-object/server-license',
  summary: 'in production-tier environments every LangGraph server container reads LANGGRAPH_CLOUD_LICENSE_KEY from a Secret',
  check: (index: EnvironmentIndex) => {
    if (index.environment?.tier === 'development') return [];
    return index.templates.flatMap((t): Finding[] => {
      const server = serverContainer(t);
      if (!server) return [];
      const i = envIndex(server.container, LICENSE_ENV);
      if (i >= 0 && server.container.env[i].valueFrom?.secretKeyRef?.name) return [];
      return [{
        object: t.owner, path: `${t.pointer}${server.pointer}/env${i >= 0 ? `/${i}` : ''}`, value: i >= 0 ? server.container.env[i] : undefined,
        message: `the LangGraph server container "${server.container.name}" has no ${LICENSE_ENV} from a Secret; the server reads it at start (langgraph_api/config/__init__.py, 0.16.7 line 536) and production use requires it`,
        fix: 'set secret.keys.licenseKey (the Secret key holding the licence) for this workflow',
      }];
    });
  },
};
