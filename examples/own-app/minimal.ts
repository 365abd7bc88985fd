/**
 * The smallest program a team writes: one LangGraphWorkflow from the essentials (name, pinned
 * image, hostname, owner) plus where its Secret comes from and who authenticates its callers, validated by the library's gate and
 * written by cdk8s. Everything else (hardening, probes, HPA, PDB, default-deny NetworkPolicies,
 * monitoring, alerts, SLO rules, dashboard) is the constructs' defaults.
 *
 *   npm run build && node build/minimal.js [--image <ref>] [--outdir DIR]
 *
 * Exit codes: 0 written; 1 the constructs or the gate refused (nothing written).
 */
import { parseArgs } from 'util';
import { App, Chart } from 'cdk8s';
import { API_PORT, DEFAULT_SECRET_KEYS, ExternalAuthorization, LangGraphWorkflow, WorkflowExternalSecret, addPlatformAspects, formatViolation, gateChart, selectorLabels } from 'langgraph-platform';

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      image: { type: 'string', default: `registry.example.com/agents/bot:1.0.0@sha256:${'0f4c1e2a'.repeat(8)}` },
      outdir: { type: 'string', default: 'minimal-out' },
    },
  });
  const app = new App({ outdir: values.outdir as string });
  const chart = new Chart(app, 'bot', { disableResourceNameHashes: true });
  const workflow = new LangGraphWorkflow(chart, 'Bot', {
    workflowName: 'bot',
    image: values.image as string,
    hostname: 'bot.example.com',
    owner: { team: 'agents', email: 'agents@example.com', group: 'agents-owners' },
    // In the mesh: the entry is the Istio ingress gateway, and the sidecar can authenticate callers.
    mesh: true,
  });
  // Authentication at the edge, which the gate requires outside development: every request from
  // the ingress gateway goes to the cluster's external authorizer first (an Istio
  // `meshConfig.extensionProviders` entry, here oauth2-proxy), except the health check.
  new ExternalAuthorization(workflow, 'EdgeAuth', {
    name: 'bot-api-ext-authz',
    selector: selectorLabels(workflow.api),
    port: API_PORT,
    provider: 'oauth2-proxy',
    principals: ['cluster.local/ns/istio-ingress/sa/istio-ingressgateway'],
    exemptPaths: ['/ok'],
  });
  // The server reads its credentials from the Secret bot-secrets (by reference, never literal):
  // External Secrets Operator writes it from the team's secret store.
  new WorkflowExternalSecret(workflow, 'Secrets', {
    name: 'bot-secrets',
    targetSecretName: 'bot-secrets',
    store: { kind: 'ClusterSecretStore', name: 'vault' },
    refreshInterval: '1h',
    // The keys the server's env reads by default (DEFAULT_SECRET_KEYS).
    data: Object.values(DEFAULT_SECRET_KEYS).map((key) => ({ secretKey: key, remoteKey: `langgraph/bot/${key}` })),
  });
  addPlatformAspects(chart);

  let gate;
  try {
    gate = gateChart(chart); // synthesizes the chart: construct validations run first
  } catch (e) {
    process.stderr.write(`minimal: ${(e as Error).message}\n`);
    return 1;
  }
  if (gate.violations.length) {
    process.stderr.write(`minimal: the validation gate refused ${gate.violations.length} problem(s); nothing written:\n${gate.violations.map(formatViolation).join('\n')}\n`);
    return 1;
  }
  app.synth();
  process.stdout.write(`minimal: ${gate.checkedObjects} objects passed the gate; written to ${values.outdir}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
