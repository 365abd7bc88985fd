import { SynthResult } from './pipeline';

export interface EnvironmentSummary {
  readonly environment: string;
  readonly workflows: number;
  readonly objects: number;
  readonly objectsByKind: Readonly<Record<string, number>>;
  readonly files: number;
}

export interface SynthSummary {
  readonly outdir: string;
  readonly environments: readonly EnvironmentSummary[];
  readonly gate: { readonly checkedObjects: number; readonly violations: number };
  readonly elapsedMs: number;
  /**
   * With `--env`: environments whose folders (and Argo CD objects) were in the output folder and
   * were left as they were. Absent when every environment was rendered.
   */
  readonly keptEnvironments?: readonly string[];
}

export function summarize(result: SynthResult, outdir: string, elapsedMs: number): SynthSummary {
  const environments = result.config.environments
    .filter((e) => result.objects.some((o) => o.environment === e.environment.name))
    .map((e) => {
      const objs = result.objects.filter((o) => o.environment === e.environment.name);
      const byKind: Record<string, number> = {};
      for (const o of objs) byKind[o.object.kind] = (byKind[o.object.kind] ?? 0) + 1;
      const sorted = Object.fromEntries(Object.keys(byKind).sort().map((k) => [k, byKind[k]]));
      return {
        environment: e.environment.name,
        workflows: e.workflows.length,
        objects: objs.length,
        objectsByKind: sorted,
        files: result.files.filter((f) => f.path.startsWith(`${e.environment.name}/`)).length,
      };
    });
  return {
    outdir,
    environments,
    gate: { checkedObjects: result.gate.checkedObjects, violations: result.gate.violations.length },
    elapsedMs: Math.round(elapsedMs),
  };
}

export function formatSummary(s: SynthSummary): string {
  const lines = s.environments.map((e) => {
    const kinds = Object.entries(e.objectsByKind).map(([k, n]) => `${k} ${n}`).join(', ');
    return `  ${e.environment}: ${e.workflows} workflow(s), ${e.objects} objects, ${e.files} files (${kinds})`;
  });
  const kept = s.keptEnvironments === undefined
    ? ''
    : `  left as they were: ${s.keptEnvironments.length ? `${s.keptEnvironments.join(', ')} (and their Argo CD objects)` : 'no other environment was there'}\n`;
  return `Rendered ${s.outdir}\n${lines.join('\n')}\n${kept}  gate: ${s.gate.checkedObjects} objects checked, ${s.gate.violations} violations\n  elapsed: ${(s.elapsedMs / 1000).toFixed(2)} s\n`;
}
