/**
 * config folder ─▶ resolved specs ─▶ objects ─▶ validation gate ─▶ files.
 * Each stage consumes only what the previous one produced; nothing here writes to disk.
 */
import { loadConfig } from '../config/load';
import { applyCapacityPlans } from '../capacity/plan-environments';
import { PlatformConfig, ResolvedEnvironment } from '../config/resolved';
import { renderEnvironment } from './render';
import { RenderedObject } from '../model/rendered-object';
import { byPath, planFiles, serializeFile } from './planned-file';
import { OutputFile } from './write';
import { GateResult, runGate } from '../validation/gate';
import { footprintsByEnvironment, placeInArgoCdFolder, renderArgoCdFromFootprints } from '../gitops/argocd-objects';
import { Footprint } from '../gitops/footprint';
import { KubeObject } from '../model/kube-object';

export interface SynthResult {
  readonly config: PlatformConfig;
  readonly objects: readonly RenderedObject[];
  readonly gate: GateResult;
  readonly files: readonly OutputFile[];
}

export interface SynthOptions {
  /** Only these environments. @default - all */
  readonly environments?: readonly string[];
}

export function synthesize(configDir: string, options: SynthOptions = {}): SynthResult {
  const config = applyCapacityPlans(loadConfig(configDir));
  const selected = config.environments.filter((e) => !options.environments || options.environments.includes(e.environment.name));
  const parts = selected.map((e) => synthesizeEnvironment(e));
  parts.push(argoCdStage(selected, footprintsByEnvironment(selected, parts.flatMap((p) => p.objects))));
  const objects = parts.flatMap((p) => p.objects);
  const gate: GateResult = {
    violations: parts.flatMap((p) => p.gate.violations),
    waived: parts.flatMap((p) => p.gate.waived ?? []),
    checkedObjects: parts.reduce((n, p) => n + p.gate.checkedObjects, 0),
  };
  const files = parts.flatMap((p) => p.files).sort(byPath);
  return { config, objects, gate, files };
}

export type EnvironmentSynth = Omit<SynthResult, 'config'>;

/** Where one environment's synthesis stands: `done` of `total` workflows rendered or files serialized. */
export type SynthProgress = (stage: 'render' | 'gate' | 'serialize', done: number, total: number) => void;

/**
 * Every stage after loading, for one environment: environments are independent (the gate checks
 * each one on its own), so the fleet runs them once per worker and `synthesize` once per environment.
 */
export function synthesizeEnvironment(resolved: ResolvedEnvironment, progress?: SynthProgress): EnvironmentSynth {
  const { objects, gate } = checkedEnvironment(resolved, progress);
  const files = toFiles(objects, progress && ((done, total) => progress('serialize', done, total)));
  return { objects, gate, files };
}

/**
 * One environment up to the gate's verdict: everything but serialization. The fleet then
 * serializes and writes file by file (see `planFiles`), so it never holds every file at once.
 */
export function checkedEnvironment(resolved: ResolvedEnvironment, progress?: SynthProgress): Omit<EnvironmentSynth, 'files'> {
  // Waiver annotations, sync waves and keep-on-delete are aspects of each chart (src/synth/platform-aspects.ts).
  const objects = renderEnvironment(resolved, progress && ((done, total) => progress('render', done, total)));
  progress?.('gate', 0, objects.length);
  const gate = runGate(objects, [resolved]);
  return { objects, gate };
}

/**
 * The final stage, shared by `synthesize` and the CLI: Argo CD's objects (dist/argocd/), once,
 * from each environment's footprint (what it rendered: namespaces and kinds), through the same
 * gate, as files. `keep` selects the objects a partial render owns.
 */
export function argoCdStage(environments: readonly ResolvedEnvironment[], footprints: ReadonlyMap<string, Footprint>, keep: (o: KubeObject) => boolean = () => true): EnvironmentSynth {
  const objects = placeInArgoCdFolder(renderArgoCdFromFootprints(environments, footprints).filter(keep));
  return { objects, gate: runGate(objects, []), files: toFiles(objects) };
}

export function toFiles(objects: readonly RenderedObject[], onSerialized?: (done: number, total: number) => void): OutputFile[] {
  return planFiles(objects).map((planned, i) => {
    const file = serializeFile(planned);
    onSerialized?.(i + 1, objects.length);
    return file;
  });
}

export { planFiles, serializeFile } from './planned-file';
export type { PlannedFile } from './planned-file';
