/**
 * What the ApplicationSet controller generates from our ApplicationSets, for the tests: the
 * list generator's elements, each substituted into `spec.template` and `spec.templatePatch` (the
 * Go-template subset we render: `{{.field}}` and `{{- if .field }} … {{- end }}`, with
 * `missingkey=error`), the patch merged in as a strategic merge patch of maps. Anything else in
 * a template is refused, so a template this renderer cannot read fails the test instead of
 * passing unchecked.
 */
import { parse } from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Element = Readonly<Record<string, unknown>>;

const ACTION = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/g;

function valueOf(element: Element, expression: string, goTemplate: boolean, missingKeyError: boolean): unknown {
  const key = goTemplate ? /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression)?.[1] : /^([A-Za-z_][A-Za-z0-9_.-]*)$/.exec(expression)?.[1];
  if (!key) throw new Error(`unsupported template action {{${expression}}}`);
  if (!(key in element)) {
    if (missingKeyError || !goTemplate) throw new Error(`map has no entry for key "${key}"`);
    return '<no value>';
  }
  return element[key];
}

/** Renders one template string for one element (Go's text/template semantics for our subset). */
export function renderTemplate(text: string, element: Element, options: { goTemplate: boolean; missingKeyError: boolean }): string {
  // Tokenize into text and actions, applying the `{{-` / `-}}` whitespace trims.
  const parts: ({ text: string } | { action: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(ACTION)) {
    let before = text.slice(last, m.index);
    if (m[1] === '-') before = before.replace(/\s+$/, '');
    parts.push({ text: before });
    parts.push({ action: m[2] });
    last = m.index! + m[0].length;
    if (m[3] === '-') {
      const rest = text.slice(last);
      last += rest.length - rest.replace(/^\s+/, '').length;
    }
  }
  parts.push({ text: text.slice(last) });

  let out = '';
  const stack: boolean[] = [];
  const emitting = () => stack.every(Boolean);
  for (const p of parts) {
    if ('text' in p) {
      if (emitting()) out += p.text;
      continue;
    }
    const cond = /^if\s+(\S+)$/.exec(p.action);
    if (cond) {
      if (!options.goTemplate) throw new Error('conditions need goTemplate');
      const v = valueOf(element, cond[1], true, options.missingKeyError);
      // Go's truth: false, 0, nil, empty string/collection are false.
      stack.push(!(v === false || v === 0 || v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)));
    } else if (p.action === 'end') {
      if (!stack.length) throw new Error('{{end}} without {{if}}');
      stack.pop();
    } else if (emitting()) {
      out += String(valueOf(element, p.action, options.goTemplate, options.missingKeyError));
    }
  }
  if (stack.length) throw new Error('{{if}} without {{end}}');
  return out;
}

function renderDeep(value: unknown, render: (s: string) => string): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, render));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [render(k), renderDeep(v, render)]));
  return value;
}

/** Maps merge key by key; anything else (scalars, lists) is replaced by the patch. */
function mergePatch(base: any, patch: any): any {
  if (patch === null || patch === undefined) return base;
  if (typeof base !== 'object' || typeof patch !== 'object' || Array.isArray(base) || Array.isArray(patch) || base === null) return patch;
  const out: any = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = mergePatch(base[k], v);
  return out;
}

/** The Applications one ApplicationSet generates, in element order. */
export function expandApplicationSet(appSet: any): any[] {
  const spec = appSet.spec;
  const goTemplate = spec.goTemplate === true;
  const missingKeyError = (spec.goTemplateOptions ?? []).includes('missingkey=error');
  if (spec.generators.length !== 1 || !spec.generators[0].list || Object.keys(spec.generators[0]).length !== 1) {
    throw new Error('expected exactly one list generator');
  }
  return spec.generators[0].list.elements.map((element: Element) => {
    const render = (s: string) => renderTemplate(s, element, { goTemplate, missingKeyError });
    const base = renderDeep(spec.template, render) as any;
    const patched = spec.templatePatch ? mergePatch(base, parse(render(spec.templatePatch))) : base;
    // The controller keeps `project` from the template whatever the patch says.
    patched.spec.project = base.spec.project;
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { ...patched.metadata, namespace: appSet.metadata.namespace },
      spec: patched.spec,
    };
  });
}
