/**
 * Reads the rendered objects of one workflow (dist/<env>/<workflow>/*.yaml) that the live signals
 * test needs, and resolves the canary analysis the way Argo Rollouts would run it: which
 * AnalysisTemplates the Rollout references, with which argument values.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  [key: string]: unknown;
}

export interface RenderedWorkflow {
  readonly dir: string;
  readonly objects: readonly K8sObject[];
  ofKind(kind: string): K8sObject[];
  one(kind: string, why: string): K8sObject;
}

export function loadRendered(dir: string): RenderedWorkflow {
  if (!fs.existsSync(dir)) throw new Error(`rendered workflow directory ${dir} does not exist (run npm run synth, or pass --objects)`);
  const objects: K8sObject[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      const obj = doc.toJS() as K8sObject | null;
      if (obj && typeof obj === 'object' && obj.kind) objects.push(obj);
    }
  }
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  return {
    dir,
    objects,
    ofKind,
    one(kind: string, why: string) {
      const found = ofKind(kind);
      if (found.length !== 1) throw new Error(`${dir}: expected exactly one ${kind} (${why}), found ${found.length}`);
      return found[0];
    },
  };
}

export interface HashValues {
  /** podTemplateHashValue: Stable. */
  readonly stable: string;
  /** podTemplateHashValue: Latest (the canary). */
  readonly latest: string;
}

export interface AnalysisMetric {
  /** `<template>/<metric>`. */
  readonly id: string;
  readonly template: string;
  readonly metric: string;
  /** Rendered query, with `{{args.*}}` still in it. */
  readonly renderedQuery: string;
  /** Query with the Rollout's argument values substituted. */
  readonly query: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  /** name → value, and where each value came from. */
  readonly args: Readonly<Record<string, { value: string; from: string }>>;
  readonly raw: Record<string, unknown>;
}

interface ArgSpec {
  name: string;
  value?: string;
  valueFrom?: { podTemplateHashValue?: string; fieldRef?: { fieldPath: string }; secretKeyRef?: unknown };
}

/** `{{args.name}}` / `{{ args.name }}` replaced like Argo's fasttemplate-based ResolveArgs. */
export function substituteArgs(text: string, args: Readonly<Record<string, string>>, where: string): string {
  return text.replace(/\{\{([^}]*)\}\}/g, (whole, tag: string) => {
    const t = tag.trim();
    if (!t.startsWith('args.')) throw new Error(`${where}: template tag ${whole} is not an argument (only {{args.*}} is supported)`);
    const name = t.slice('args.'.length);
    if (!(name in args)) throw new Error(`${where}: {{args.${name}}} has no value (not declared by the template or given by the Rollout)`);
    return args[name];
  });
}

function fieldRef(rollout: K8sObject, fieldPath: string, where: string): string {
  const m = /^metadata\.(name|namespace)$/.exec(fieldPath) ?? /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath);
  if (!m) throw new Error(`${where}: fieldRef ${fieldPath} is not supported`);
  const v = m[2] ? (rollout.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]] : (rollout.metadata as unknown as Record<string, string>)[m[1]];
  if (v === undefined) throw new Error(`${where}: fieldRef ${fieldPath} is not set on the Rollout`);
  return v;
}

/**
 * Every metric of every AnalysisTemplate the Rollout runs (background `analysis` and step
 * `analysis`), with arguments resolved: the Rollout's `args` override the template's defaults;
 * podTemplateHashValue Latest/Stable take `hashes`; an argument left without a value throws.
 */
export function resolveAnalysis(w: RenderedWorkflow, hashes: HashValues): AnalysisMetric[] {
  const rollout = w.one('Rollout', 'the canary whose analysis is tested');
  const canary = rollout.spec?.strategy?.canary;
  if (!canary) throw new Error(`Rollout ${rollout.metadata.name}: no spec.strategy.canary`);
  const uses: { templates: { templateName: string; clusterScope?: boolean }[]; args?: ArgSpec[]; where: string }[] = [];
  if (canary.analysis) uses.push({ ...canary.analysis, where: 'spec.strategy.canary.analysis' });
  (canary.steps ?? []).forEach((s: { analysis?: { templates: []; args?: ArgSpec[] } }, i: number) => {
    if (s.analysis) uses.push({ ...s.analysis, where: `spec.strategy.canary.steps[${i}].analysis` });
  });
  if (!uses.length) throw new Error(`Rollout ${rollout.metadata.name}: runs no analysis`);
  const templates = new Map(w.ofKind('AnalysisTemplate').map((t) => [t.metadata.name, t]));
  const out: AnalysisMetric[] = [];
  for (const use of uses) {
    for (const ref of use.templates) {
      if (ref.clusterScope) throw new Error(`${use.where}: ClusterAnalysisTemplate ${ref.templateName} is not supported`);
      const tpl = templates.get(ref.templateName);
      if (!tpl) throw new Error(`${use.where}: AnalysisTemplate ${ref.templateName} is not rendered in ${w.dir}`);
      const where = `AnalysisTemplate ${ref.templateName} (from Rollout ${use.where})`;
      const args: Record<string, { value: string; from: string }> = {};
      for (const a of (tpl.spec.args ?? []) as ArgSpec[]) {
        if (a.value !== undefined) args[a.name] = { value: a.value, from: 'template default' };
        else if (a.valueFrom) throw new Error(`${where}: template argument ${a.name} uses valueFrom, not supported`);
      }
      const declared = new Set(((tpl.spec.args ?? []) as ArgSpec[]).map((a) => a.name));
      for (const a of use.args ?? []) {
        if (!declared.has(a.name)) continue; // Argo passes only the arguments a template declares.
        if (a.value !== undefined) args[a.name] = { value: a.value, from: `Rollout ${use.where}.args value` };
        else if (a.valueFrom?.podTemplateHashValue) {
          const which = a.valueFrom.podTemplateHashValue;
          if (which !== 'Latest' && which !== 'Stable') throw new Error(`${where}: podTemplateHashValue ${which} (expected Latest or Stable)`);
          args[a.name] = { value: which === 'Latest' ? hashes.latest : hashes.stable, from: `podTemplateHashValue: ${which}` };
        } else if (a.valueFrom?.fieldRef) {
          args[a.name] = { value: fieldRef(rollout, a.valueFrom.fieldRef.fieldPath, where), from: `fieldRef ${a.valueFrom.fieldRef.fieldPath}` };
        } else {
          throw new Error(`${where}: Rollout argument ${a.name} has no value this test can resolve (${JSON.stringify(a.valueFrom)})`);
        }
      }
      for (const name of declared) if (!args[name]) throw new Error(`${where}: argument ${name} gets no value (Argo refuses to start the analysis)`);
      const values = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v.value]));
      for (const m of tpl.spec.metrics ?? []) {
        const prom = m.provider?.prometheus;
        if (!prom || Object.keys(m.provider).length !== 1) throw new Error(`${where}: metric ${m.name} is not a Prometheus metric`);
        const sub = (s: string | undefined, f: string) => (s === undefined ? undefined : substituteArgs(s, values, `${where} metric ${m.name} ${f}`));
        out.push({
          id: `${ref.templateName}/${m.name}`,
          template: ref.templateName,
          metric: m.name,
          renderedQuery: prom.query,
          query: sub(prom.query, 'query')!,
          successCondition: sub(m.successCondition, 'successCondition'),
          failureCondition: sub(m.failureCondition, 'failureCondition'),
          args,
          raw: m,
        });
      }
    }
  }
  return out;
}
