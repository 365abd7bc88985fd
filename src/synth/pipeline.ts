/**
 * The one path from a config folder to files:
 *
 *   loadPlatform        config folder ─▶ resolved, capacity-planned environments
 *   runEnvironmentJob   per environment: charts ─▶ objects ─▶ validation gate ─▶ files into a sink
 *   finishSynthesis     Argo CD's objects from the environments' footprints, through the same gate;
 *                       every violation of the run
 *
 * `synthesize` runs the jobs in this thread into memory (tests, `check:dist`, library users); the
 * CLI (src/cli/synth.ts, which the bench measures) runs the same jobs through the worker-thread
 * fleet into a staging folder and swaps it in. Nothing here writes to disk.
 */
import { loadConfig } from '../config/load';
import { applyCapacityPlans } from '../capacity/plan-environments';
import { PlatformConfig, ResolvedEnvironment } from '../config/resolved';
import { RenderedObject } from '../model/rendered-object';
import { byPath, planFiles, serializeFile } from './planned-file';
import { OutputFile } from './write';
import { GateResult, runGate } from '../validation/gate';
import { environmentsOfArgoCdObject, placeInArgoCdFolder, renderArgoCdFromFootprints } from '../gitops/argocd-objects';
import { Footprint } from '../gitops/footprint';
import { EnvironmentOutcome, MemoryOutput, runEnvironmentJob } from './environment-job';

export interface SynthResult {
  readonly config: PlatformConfig;
  readonly objects: readonly RenderedObject[];
  readonly gate: GateResult;
  /** Every file, by path; an environment the gate refused has none. */
  readonly files: readonly OutputFile[];
}

export interface SynthOptions {
  /** Only these environments (and their Argo CD objects). @default - all */
  readonly environments?: readonly string[];
}

/** Objects, gate verdict and files of one stage. */
export type EnvironmentSynth = Omit<SynthResult, 'config'>;

/** The config folder read, merged and validated, with each workflow's capacity plan applied. */
export function loadPlatform(configDir: string): PlatformConfig {
  return applyCapacityPlans(loadConfig(configDir));
}

/** Every stage, in this thread, into memory. */
export function synthesize(configDir: string, options: SynthOptions = {}): SynthResult {
  const config = loadPlatform(configDir);
  const selected = config.environments.filter((e) => !options.environments || options.environments.includes(e.environment.name));
  const outputs = selected.map(() => new MemoryOutput());
  const outcomes = selected.map((e, i) => runEnvironmentJob(e, outputs[i], { keepObjects: true }));
  const { argocd, gate } = finishSynthesis(config, outcomes, { partial: options.environments !== undefined });
  return {
    config,
    objects: [...outcomes.flatMap((o) => o.objects ?? []), ...argocd.objects],
    gate,
    files: [...outputs.flatMap((o) => o.files), ...argocd.files].sort(byPath),
  };
}

export interface FinishOptions {
  /** Only the environments of `outcomes` were rendered: Argo CD objects of no other are kept. @default false */
  readonly partial?: boolean;
  /**
   * Environments not rendered in this run that share an AppProject with one that was: their part
   * of it, read from their previous output. @default - none
   */
  readonly keptFootprints?: ReadonlyMap<string, Footprint>;
}

export interface FinishedSynthesis {
  /** Argo CD's objects (dist/argocd/) and their files. */
  readonly argocd: EnvironmentSynth;
  /** The verdict of the whole run: every environment's and Argo CD's. */
  readonly gate: GateResult;
}

/** The final stage: Argo CD's objects from what the environments rendered, and the run's verdict. */
export function finishSynthesis(config: PlatformConfig, outcomes: readonly EnvironmentOutcome[], options: FinishOptions = {}): FinishedSynthesis {
  const rendered = new Set(outcomes.map((o) => o.environment));
  const footprints = new Map(outcomes.flatMap((o) => (o.footprint ? [[o.environment, o.footprint] as const] : [])));
  for (const [environment, footprint] of options.keptFootprints ?? []) footprints.set(environment, footprint);
  const environments = config.environments.filter((e) => rendered.has(e.environment.name) || options.keptFootprints?.has(e.environment.name));
  const keep = options.partial ? (o: RenderedObject['object']) => ownedBy(o, config.environments, rendered) : () => true;
  const argocd = argoCdStage(environments, footprints, keep);
  const gate: GateResult = {
    violations: [...outcomes.flatMap((o) => o.gate.violations), ...argocd.gate.violations],
    waived: [...outcomes.flatMap((o) => o.gate.waived ?? []), ...(argocd.gate.waived ?? [])],
    checkedObjects: outcomes.reduce((n, o) => n + o.gate.checkedObjects, argocd.gate.checkedObjects),
  };
  return { argocd, gate };
}

/** Argo CD's objects of `environments` from their footprints, through the gate, as files; `keep` selects those this run owns. */
export function argoCdStage(environments: readonly ResolvedEnvironment[], footprints: ReadonlyMap<string, Footprint>, keep: (o: RenderedObject['object']) => boolean = () => true): EnvironmentSynth {
  const objects = placeInArgoCdFolder(renderArgoCdFromFootprints(environments, footprints).filter(keep));
  return { objects, gate: runGate(objects, []), files: toFiles(objects) };
}

function ownedBy(object: RenderedObject['object'], environments: readonly ResolvedEnvironment[], rendered: ReadonlySet<string>): boolean {
  const owners = environmentsOfArgoCdObject(object, environments);
  if (!owners.length) throw new Error(`cannot tell which environment Argo CD's ${object.kind} "${object.metadata.name}" belongs to, so --env cannot render it alone; render every environment`);
  return owners.some((o) => rendered.has(o));
}

export function toFiles(objects: readonly RenderedObject[]): OutputFile[] {
  return planFiles(objects).map(serializeFile);
}

export { checkedEnvironment, runEnvironmentJob } from './environment-job';
export type { EnvironmentOutcome, FileSink } from './environment-job';
export { planFiles, serializeFile } from './planned-file';
export type { PlannedFile } from './planned-file';
