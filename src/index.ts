/**
 * The public API of langgraph-platform: everything a consumer imports comes from here
 * (`import { ... } from 'langgraph-platform'`); no deep imports. Sections, in order:
 *   1. Top-level constructs (one workflow's whole stack)
 *   2. Building blocks: the constructs the stack is composed of
 *   3. The label contract
 *   4. Config: loading and validating a config folder
 *   5. Synthesis: config → objects → gate → files, as `npm run synth` does it
 *   6. The validation gate
 * Add to the section a symbol belongs to; each section lists its modules in one place.
 */

// ---------------------------------------------------------------- 1. Top-level constructs

// One workflow's whole stack from flat props: `new LangGraphWorkflow(chart, 'x', { workflowName, image,
// hostname, owner })` renders a secure, working stack; every other prop has a default.
export * from './constructs/langgraph-workflow';
// The scope every building block reads its workflow's name, namespace and label contract from
// (LangGraphWorkflow is one; use it directly to compose building blocks yourself).
export * from './constructs/workflow-scope';
// The config adapter: a resolved config's environment and workflow → LangGraphWorkflow props (the
// CLI's path), and the chart that holds one workflow of one environment.
export * from './charts/workflow-chart';

// ---------------------------------------------------------------- 2. Building blocks

// Workload: the LangGraph server, its pods and their scaling.
export * from './constructs/langgraph-workload';
export * from './constructs/langgraph-server';
export * from './constructs/canary-rollout';
export * from './constructs/analysis-template';
export * from './constructs/autoscaler';
export * from './constructs/vertical-autoscaler';
export * from './constructs/queue-scaled-object';
export * from './constructs/disruption-budget';
export * from './constructs/app-config';
export * from './constructs/resources';
export * from './constructs/scheduling';
export * from './constructs/shutdown';
export * from './constructs/data-protection';
export * from './constructs/pod-hardening';
export * from './constructs/pod-extras';
export * from './constructs/extra-metadata';
export * from './constructs/image-registry';
export * from './constructs/server-http';
export * from './constructs/pod-dns';
export * from './constructs/priority-class';

// Identity and access.
export * from './constructs/namespace';
export * from './constructs/service-account';
export * from './constructs/people-rbac';
export * from './constructs/runbook-commands';
export * from './constructs/external-secret';

// Traffic: service, ingress and the mesh.
export * from './constructs/api-service';
export * from './constructs/ingress';
export * from './constructs/api-virtual-service';
export * from './constructs/mesh-gateway';
export * from './constructs/entry-gateway';
export * from './constructs/https-redirect-route';
export * from './constructs/api-http-route';
export * from './constructs/mesh-mtls';
export * from './constructs/mesh-authorization';
export * from './constructs/jwt-authentication';
export * from './constructs/external-authorization';
export * from './constructs/local-rate-limit';
export * from './constructs/network-policy';
export * from './constructs/egress-sidecar';
export * from './constructs/egress-virtual-service';
export * from './constructs/egress-destination-rule';
export * from './constructs/external-service-entry';

// Observability.
export * from './constructs/pod-monitor';
export * from './constructs/prometheus-rules';
export * from './constructs/grafana-dashboard';

// Development data stores (in-cluster Postgres and Redis) and their shared base.
export * from './constructs/dev-store';
export * from './constructs/postgres-store';
export * from './constructs/redis-store';
// store-pod.ts holds the stores' shared pod helpers (one of them, containerResources, shares
// its name with resources.ts): only the types their props use are public.
export type { StoreResourceAmounts, StoreResources, ProbeTimingSpec } from './constructs/store-pod';
export * from './constructs/url-safe-password';

// Argo CD.
export * from './constructs/argocd-application-set';
export * from './constructs/argocd-project';

// ---------------------------------------------------------------- 3. The label contract

export * from './constructs/labels';

// ---------------------------------------------------------------- 4. Config

export { loadConfig } from './config/load';
export { CONFIG_API_VERSION } from './config/version';
export { ConfigError, formatConfigIssue, formatConfigIssues } from './config/errors';
export type { ConfigIssue } from './config/errors';
export type { PlatformConfig, ResolvedEnvironment, ResolvedWorkflow } from './config/resolved';
export type { Environment, Workflow, WorkflowSettings, Waiver } from './config/schema';

// ---------------------------------------------------------------- 5. Synthesis

// The one path (src/synth/pipeline.ts): loadPlatform → runEnvironmentJob per environment → finishSynthesis.
export { synthesize, loadPlatform, finishSynthesis, runEnvironmentJob, checkedEnvironment, toFiles } from './synth/pipeline';
export type { SynthResult, SynthOptions, EnvironmentSynth, FinishOptions, FinishedSynthesis, EnvironmentOutcome, FileSink } from './synth/pipeline';
export { MemoryOutput } from './synth/environment-job';
export { renderEnvironment, renderWorkflow } from './synth/render';
export { applyCapacityPlans } from './capacity/plan-environments';
export { relativePath, SHARED_FOLDER } from './model/rendered-object';
export type { RenderedObject } from './model/rendered-object';
export { objectId } from './model/object-id';
export type { KubeObject } from './model/kube-object';
export { workflowChart } from './synth/render';
// Behaviour in the tree: Argo CD sync waves, keep-on-delete and waiver annotations as aspects, so
// charts built by a library user render the same bytes as dist/ (addPlatformAspects adds all three).
export { Aspects } from './util/aspects';
export type { IAspect } from './util/aspects';
export { addPlatformAspects } from './synth/platform-aspects';
export type { PlatformAspectsProps } from './synth/platform-aspects';
export { SyncWaves, SYNC_WAVES, SYNC_WAVE_ANNOTATION } from './gitops/sync-waves';
export type { SyncWavesProps } from './gitops/sync-waves';
export { KeepOnDelete, KEEP_SYNC_OPTIONS, SYNC_OPTIONS_ANNOTATION } from './gitops/keep-on-delete';
export { Waivers } from './validation/waivers';
export type { WaiversProps } from './validation/waivers';
export { writeAtomically } from './synth/write';
export type { OutputFile } from './synth/write';

// ---------------------------------------------------------------- 6. The validation gate

export { runGate, formatViolation, GATE_RULE_IDS } from './validation/gate';
export type { GateResult, GateOptions, Violation, WaivedViolation } from './validation/gate';
export { SchemaRegistry, defaultSchemaRegistry, SchemaSourceError, isSchemaSourceError } from './validation/schema-registry';
export type { SchemaRegistryOptions } from './validation/schema-registry';
// The gate as functions over objects or a chart, and as a cdk8s-cli validation plugin (cdk8s.yaml
// `validations: [{ package: ./node_modules/langgraph-platform, class: LangGraphGate }]`).
export { LangGraphGate, gateManifests, gateChart } from './validation/plugin';
export type { LangGraphGateProps } from './validation/plugin';
