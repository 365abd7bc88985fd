/**
 * config folder ─▶ resolved specs ─▶ objects ─▶ validation gate ─▶ files.
 * Each stage consumes only what the previous one produced; nothing here writes to disk.
 */
import { loadConfig } from '../config/load';
import { PlatformConfig } from '../config/resolved';
import { renderEnvironment } from './render';
import { RenderedObject, relativePath } from './manifest';
import { toYaml } from './serialize';
import { OutputFile } from './write';
import { GateResult, runGate } from '../validation/gate';

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
  const objects = selected.flatMap(renderEnvironment);
  const gate = runGate(objects, selected);
  const files = toFiles(objects);
  return { config, objects, gate, files };
}

export function toFiles(objects: readonly RenderedObject[]): OutputFile[] {
  const files = objects.map((o) => ({ path: relativePath(o), content: toYaml(o.object) }));
  const seen = new Map<string, number>();
  for (const f of files) seen.set(f.path, (seen.get(f.path) ?? 0) + 1);
  const clashes = [...seen].filter(([, n]) => n > 1).map(([p]) => p);
  if (clashes.length) throw new Error(`two objects would be written to the same file: ${clashes.join(', ')}`);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
