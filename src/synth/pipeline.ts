/**
 * config folder ─▶ resolved specs ─▶ objects ─▶ validation gate ─▶ files.
 * Each stage consumes only what the previous one produced; nothing here writes to disk.
 */
import { loadConfig } from '../config/load';
import { PlatformConfig, ResolvedEnvironment } from '../config/resolved';
import { renderEnvironment } from './render';
import { RenderedObject, relativePath } from './manifest';
import { toYaml } from './serialize';
import { OutputFile } from './write';
import { GateResult, runGate } from '../validation/gate';
import { applyWaiverAnnotations } from '../validation/waivers';

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
  const config = loadConfig(configDir);
  const selected = config.environments.filter((e) => !options.environments || options.environments.includes(e.environment.name));
  const parts = selected.map((e) => synthesizeEnvironment(e));
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
 * each one on its own), so the fleet runs this once per worker and `synthesize` once per environment.
 */
export function synthesizeEnvironment(resolved: ResolvedEnvironment, progress?: SynthProgress): EnvironmentSynth {
  // Waiver reasons and each scanner's skip annotation, from the one waivers list (before the gate checks them).
  const objects = applyWaiverAnnotations(renderEnvironment(resolved, progress && ((done, total) => progress('render', done, total))), [resolved]);
  progress?.('gate', 0, objects.length);
  const gate = runGate(objects, [resolved]);
  const files = toFiles(objects, progress && ((done, total) => progress('serialize', done, total)));
  return { objects, gate, files };
}

export function toFiles(objects: readonly RenderedObject[], onSerialized?: (done: number, total: number) => void): OutputFile[] {
  const files = objects.map((o, i) => {
    const file = { path: relativePath(o), content: toYaml(o.object) };
    onSerialized?.(i + 1, objects.length);
    return file;
  });
  const seen = new Map<string, number>();
  for (const f of files) seen.set(f.path, (seen.get(f.path) ?? 0) + 1);
  const clashes = [...seen].filter(([, n]) => n > 1).map(([p]) => p);
  if (clashes.length) throw new Error(`two objects would be written to the same file: ${clashes.join(', ')}`);
  return files.sort(byPath);
}

function byPath(a: OutputFile, b: OutputFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
