/**
 * Waivers: the one list of exceptions, per environment, in the config (`waivers:` — rule, kind,
 * name with a `<workflow>` placeholder, reason). From it come
 *   1. the gate's own exceptions: a violation whose rule, kind and name (after substituting each
 *      workflow for `<workflow>`) match a waiver is dropped;
 *   2. the record on the object: every waived object carries its reason in an annotation
 *      `<tool>.waiver.langgraph.platform/<check>` (e.g. `policy.waiver.langgraph.platform/single-replica`).
 *      The tool is a subdomain rather than part of the name because an annotation name is at most
 *      63 characters and some scanner check ids alone come close to that;
 *   3. each scanner's own skip annotation, for rules named `<tool>/<check>`:
 *      - kube-linter/<check> → `ignore-check.kube-linter.io/<check>: <reason>`
 *        (stackrox/kube-linter pkg/ignore/ignore.go: AnnotationKeyPrefix = "ignore-check.kube-linter.io/";
 *        ObjectForCheck matches the key's suffix to the check name; docs/configuring-kubelinter.md
 *        recommends the reason as the value);
 *      - kube-score/<check> → `kube-score/ignore: <check>[,<check>…]`
 *        (zegl/kube-score scorecard/scorecard.go: ignoredChecksAnnotation = "kube-score/ignore",
 *        split on "," and trimmed, read from the object's own metadata);
 *      - polaris/<check> → `polaris.fairwinds.com/<check>-exempt: "true"`
 *        (FairwindsOps/polaris pkg/validator/schema.go: exemptionAnnotationPattern =
 *        "polaris.fairwinds.com/%s-exempt", value compared case-insensitively to "true";
 *        docs/customization/exemptions.md);
 *      - checkov/<CKV_ID> → `checkov.io/skip<N>: <CKV_ID>=<reason>`, N = 1, 2, … per object
 *        (bridgecrewio/checkov checkov/kubernetes/kubernetes_utils.py get_skipped_checks: any key
 *        containing "checkov.io/skip", value split on "=" into exactly id and comment — so an "="
 *        inside the reason would break the parse and is replaced by ":"; docs/2.Concepts/Suppressions.md);
 *      - trivy/<ID> (e.g. trivy/KSV-0125) → no annotation: trivy reads no per-object annotation and
 *        no inline comment for Kubernetes manifests (aquasecurity/trivy pkg/iac/scanners/generic
 *        scanner.go applies inline `trivy:ignore` comments only where a scanner opts in, and only the
 *        Dockerfile scanner does). Its mechanism is the ignore file (`--ignorefile`, YAML form,
 *        pkg/result/ignore.go: `misconfigurations: [{id, paths, statement}]`, id matched against a
 *        finding's ID, AVD ID and aliases, paths as doublestar globs against the scanned file), so
 *        `trivyIgnoreEntries` scopes each waiver to the files holding exactly the waived objects.
 *
 * Staleness (decided here): a waiver for a gate rule (`policy/…`, `cross-object/…`) that matches no
 * violation in its environment — for any workflow — is itself a violation (`waiver/stale`); a
 * scanner waiver is stale here when it names no rendered object (the gate cannot run the scanner);
 * scripts/ci/scan.sh also runs each scanner without its waivers and fails on a waiver whose object
 * the scanner does not report (scripts/ci/stale-scanner-waivers.ts). So
 * the list shrinks when a fix lands, and a typo in a waiver is caught instead of silently ignored.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Environment, Waiver } from '../config/schema';
import { ResolvedEnvironment } from '../config/resolved';
import { KubeObject } from '../model/kube-object';
import { RenderedObject } from '../model/rendered-object';
import { IAspect } from '../util/aspects';
import { Violation, pointer } from './violation';
import { parseObjectId } from '../model/object-id';
import { WaiverIndex } from './waiver-index';

// The one spelling of `<workflow>` in names (the constructs' entry defaults use it too).
import { WORKFLOW_PLACEHOLDER } from '../constructs/langgraph-workflow';
import { PART_OF_LABEL } from '../constructs/labels';
export { WORKFLOW_PLACEHOLDER };
export const WAIVER_ANNOTATION_DOMAIN = 'waiver.langgraph.platform';
/** Rule namespaces the gate itself checks; their ids must exist. */
export const GATE_TOOLS = ['policy', 'cross-object'] as const;
/** Scanners whose skip annotation the waivers render. */
export const SCANNER_TOOLS = ['kube-linter', 'kube-score', 'polaris', 'checkov', 'trivy'] as const;
/** Rules nothing may waive: an object the API server refuses, or the waiver list's own checks. */
export const UNWAIVABLE_TOOLS = ['schema', 'waiver'] as const;

export const KUBE_LINTER_PREFIX = 'ignore-check.kube-linter.io/';
export const KUBE_LINTER_IGNORE_ALL = 'kube-linter.io/ignore-all';
export const KUBE_SCORE_IGNORE = 'kube-score/ignore';
export const POLARIS_PREFIX = 'polaris.fairwinds.com/';
export const CHECKOV_SKIP_PREFIX = 'checkov.io/skip';

const ANNOTATION_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** trivy's Kubernetes check ids as `trivy config` reports them (ID column), e.g. KSV-0125. */
const TRIVY_CHECK_ID = /^KSV-\d{4}$/;

export interface WaiverRule {
  readonly tool: string;
  readonly check: string;
}

export function parseWaiverRule(rule: string): WaiverRule {
  const slash = rule.indexOf('/');
  return slash < 0 ? { tool: '', check: rule } : { tool: rule.slice(0, slash), check: rule.slice(slash + 1) };
}

/** The workflow an object belongs to, by the label contract (`app.kubernetes.io/part-of`). */
export function workflowOf(object: KubeObject): string | undefined {
  return object.metadata.labels?.[PART_OF_LABEL];
}

/** Does the waiver name this object (kind, and name after substituting the workflow)? */
export function waiverNames(w: Waiver, kind: string, name: string, workflow: string | undefined): boolean {
  if (w.kind !== kind) return false;
  if (!w.name.includes(WORKFLOW_PLACEHOLDER)) return w.name === name;
  return workflow !== undefined && w.name.split(WORKFLOW_PLACEHOLDER).join(workflow) === name;
}

/** The annotation that records a waiver's reason on the waived object. */
export function waiverRecordKey(rule: string): string {
  const { tool, check } = parseWaiverRule(rule);
  return `${tool}.${WAIVER_ANNOTATION_DOMAIN}/${check}`;
}

/** checkov's parser splits the value on "=" into exactly two parts. */
const checkovComment = (reason: string) => reason.replace(/=/g, ':');

/**
 * Annotations the environment's waivers put on one object: the reason record for every waiver that
 * names it, plus each scanner's own skip annotation. Pure; {} when no waiver names the object.
 */
export function waiverAnnotations(environment: Pick<Environment, 'waivers'>, object: KubeObject, workflow: string | undefined = workflowOf(object)): Record<string, string> {
  const matching = WaiverIndex.of(environment.waivers).matching(object.kind, object.metadata.name, workflow).map((i) => environment.waivers[i]);
  if (!matching.length) return {};
  const out: Record<string, string> = {};
  const kubeScore: string[] = [];
  const checkov: Waiver[] = [];
  for (const w of matching) {
    const { tool, check } = parseWaiverRule(w.rule);
    out[waiverRecordKey(w.rule)] = w.reason;
    if (tool === 'kube-linter') out[`${KUBE_LINTER_PREFIX}${check}`] = w.reason;
    else if (tool === 'kube-score') kubeScore.push(check);
    else if (tool === 'polaris') out[`${POLARIS_PREFIX}${check}-exempt`] = 'true';
    else if (tool === 'checkov') checkov.push(w);
  }
  if (kubeScore.length) out[KUBE_SCORE_IGNORE] = [...new Set(kubeScore)].sort().join(',');
  checkov
    .sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0))
    .forEach((w, i) => { out[`${CHECKOV_SKIP_PREFIX}${i + 1}`] = `${parseWaiverRule(w.rule).check}=${checkovComment(w.reason)}`; });
  return out;
}

/** A kube-score ignore list joined with another: each check once, sorted. */
function mergeKubeScore(own: string, added: string): string {
  return [...new Set([...own.split(','), ...added.split(',')].map((s) => s.trim()))].sort().join(',');
}

export interface WaiversProps {
  /** The environment's waiver list (the config's `waivers`). */
  readonly waivers: readonly Waiver[];
  /**
   * The workflow substituted for `<workflow>` in waiver names.
   * @default - each object's `app.kubernetes.io/part-of` label
   */
  readonly workflow?: string;
}

/**
 * Aspect: every object a waiver names gets the waiver annotations ({@link waiverAnnotations}):
 * the reason record and each scanner's skip annotation, merged with its own (cdk8s sorts the keys).
 * `Aspects.of(chart).add(new Waivers({ waivers }))`.
 */
export class Waivers implements IAspect {
  /** The waivers in the shape waiverAnnotations reads, built once rather than per object visited. */
  private readonly environment: Pick<Environment, 'waivers'>;

  constructor(private readonly props: WaiversProps) {
    this.environment = { waivers: [...props.waivers] };
  }

  public visit(node: IConstruct): void {
    if (!this.environment.waivers.length || !ApiObject.isApiObject(node)) return;
    // A waiver names kind, name and workflow: the metadata is resolved only for an object one names.
    const object: KubeObject = { apiVersion: node.apiVersion, kind: node.kind, metadata: { name: node.name } };
    const added = waiverAnnotations(this.environment, object, this.props.workflow ?? node.metadata.getLabel(PART_OF_LABEL));
    if (!Object.keys(added).length) return;
    const own = KUBE_SCORE_IGNORE in added ? node.metadata.toJson().annotations?.[KUBE_SCORE_IGNORE] : undefined;
    for (const [key, value] of Object.entries(added)) {
      node.metadata.addAnnotation(key, key === KUBE_SCORE_IGNORE && own ? mergeKubeScore(own, value) : value);
    }
  }
}

/** One entry of trivy's YAML ignore file (`misconfigurations:`), scoped to files by path. */
export interface TrivyIgnoreEntry {
  readonly id: string;
  /** Paths of the waived objects' files, relative to the folder trivy scans (sorted). */
  readonly paths: string[];
  readonly statement: string;
}

/** A rendered file as trivy sees it: its path relative to the scanned folder and its objects. */
export interface ScannedFile {
  readonly path: string;
  readonly objects: readonly KubeObject[];
}

/**
 * trivy's ignore entries for one environment's waivers (rules `trivy/<ID>`): one per waiver, listing
 * the files of the objects it names. trivy suppresses a finding for a whole file, so a waived object
 * must be alone in its file (dist/ writes one object per file); a file holding a waived object and
 * others is an error rather than a silent wider exception. Pure; [] when no trivy waiver applies.
 */
export function trivyIgnoreEntries(environment: Pick<Environment, 'waivers'>, files: readonly ScannedFile[]): TrivyIgnoreEntry[] {
  const entries: TrivyIgnoreEntry[] = [];
  for (const w of environment.waivers) {
    const { tool, check } = parseWaiverRule(w.rule);
    if (tool !== 'trivy') continue;
    const paths: string[] = [];
    for (const f of files) {
      const named = f.objects.filter((o) => waiverNames(w, o.kind, o.metadata.name, workflowOf(o)));
      if (!named.length) continue;
      if (f.objects.length > 1) {
        throw new Error(`${f.path}: holds ${f.objects.length} objects, and trivy can only ignore ${check} for the whole file; `
          + `write ${w.kind} ${named[0].metadata.name} to a file of its own so the waiver (${w.rule}) covers only it`);
      }
      paths.push(f.path);
    }
    if (paths.length) entries.push({ id: check, paths: paths.sort(), statement: w.reason });
  }
  return entries;
}

/** Is this annotation a scanner's skip switch? */
export function isScannerSkipAnnotation(key: string): boolean {
  return key.startsWith(KUBE_LINTER_PREFIX) || key === KUBE_LINTER_IGNORE_ALL || key === KUBE_SCORE_IGNORE
    || (key.startsWith(POLARIS_PREFIX) && key.endsWith('exempt'))
    || key.includes(CHECKOV_SKIP_PREFIX) || key.includes('bridgecrew.io/skip');
}

export interface WaivedViolation {
  readonly violation: Violation;
  readonly waiver: Waiver;
  /** Index of the waiver in its environment's list. */
  readonly waiverIndex: number;
}

export interface WaiverOutcome {
  readonly kept: Violation[];
  readonly waived: WaivedViolation[];
  /** Problems with the waiver list itself (stale, unknown rule, duplicate, invalid, unlisted skip annotation). */
  readonly problems: Violation[];
}

/**
 * Applies one environment's waivers to its violations and checks the list itself.
 * `knownRules` are the gate's rule ids (policy/… and cross-object/…).
 */
export function applyWaivers(
  violations: readonly Violation[],
  objects: readonly RenderedObject[],
  resolved: ResolvedEnvironment | undefined,
  knownRules: ReadonlySet<string>,
): WaiverOutcome {
  const waivers = resolved?.environment.waivers ?? [];
  const envName = resolved?.environment.name;
  const workflows = resolved?.workflows.map((w) => w.name) ?? [];
  const problems: Violation[] = [];
  const waiverProblem = (i: number, rule: string, path: string, value: unknown, message: string, fix: string): Violation => ({
    environment: envName ?? '?',
    object: `waivers[${i}] (${waivers[i].rule} on ${waivers[i].kind} ${waivers[i].name})`,
    rule, path, value, message, fix,
  });
  const where = `config/waivers.yaml (the entry that applies to environment "${envName}")`;

  // The list itself: rule namespaces and ids, names, duplicates.
  const usable: boolean[] = waivers.map((w, i) => {
    const { tool, check } = parseWaiverRule(w.rule);
    if ((UNWAIVABLE_TOOLS as readonly string[]).includes(tool)) {
      problems.push(waiverProblem(i, 'waiver/not-waivable', pointer('waivers', i, 'rule'), w.rule, `${tool}/… rules cannot be waived: the object would be refused or the exception list would check itself`, 'fix the object instead'));
      return false;
    }
    if ((GATE_TOOLS as readonly string[]).includes(tool)) {
      if (!knownRules.has(w.rule)) {
        problems.push(waiverProblem(i, 'waiver/unknown-rule', pointer('waivers', i, 'rule'), w.rule, `no gate rule is called "${w.rule}"`, `use one of: ${[...knownRules].sort().join(', ')}`));
        return false;
      }
      return true;
    }
    if (!(SCANNER_TOOLS as readonly string[]).includes(tool)) {
      problems.push(waiverProblem(i, 'waiver/unknown-rule', pointer('waivers', i, 'rule'), w.rule, `"${tool || w.rule}" is neither a gate rule namespace nor a known scanner`, `name the rule as ${[...GATE_TOOLS, ...SCANNER_TOOLS].map((t) => `${t}/<check>`).join(', ')}`));
      return false;
    }
    const longest = tool === 'polaris' ? 56 : 63;
    const validId = tool === 'checkov' ? /^CKV2?_[A-Z0-9]+_\d+$/.test(check)
      : tool === 'trivy' ? TRIVY_CHECK_ID.test(check)
        : ANNOTATION_NAME.test(check) && check.length <= longest;
    if (!validId) {
      const why = tool === 'checkov' ? `"${check}" is not a checkov check id (CKV_K8S_<n>)`
        : tool === 'trivy' ? `"${check}" is not a trivy Kubernetes check id (KSV-<nnnn>)`
          : `"${check}" cannot be an annotation name (letters, digits, "-", "_", "."; at most ${longest} characters)`;
      problems.push(waiverProblem(i, 'waiver/invalid', pointer('waivers', i, 'rule'), w.rule, why, `use the check id exactly as ${tool} reports it`));
      return false;
    }
    return true;
  });
  const seen = new Map<string, number>();
  waivers.forEach((w, i) => {
    const key = `${w.rule}|${w.kind}|${w.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(waiverProblem(i, 'waiver/duplicate', pointer('waivers', i), w, `repeats waivers[${first}]`, 'keep one entry per rule and object'));
      usable[i] = false;
    } else seen.set(key, i);
  });

  // Drop what a usable gate waiver covers.
  const kept: Violation[] = [];
  const waived: WaivedViolation[] = [];
  const objectWorkflow = new Map<string, string | undefined>();
  for (const r of objects) objectWorkflow.set(`${r.object.kind}/${r.object.metadata.namespace ?? ''}/${r.object.metadata.name}`, r.workflow ?? workflowOf(r.object));
  const used = new Set<number>();
  const index = WaiverIndex.of(waivers);
  for (const v of violations) {
    const id = parseObjectId(v.object);
    const workflow = objectWorkflow.get(`${id.kind}/${id.namespace ?? ''}/${id.name}`);
    const i = index.matching(id.kind, id.name, workflow).find((j) => usable[j] && waivers[j].rule === v.rule) ?? -1;
    if (i >= 0) {
      used.add(i);
      waived.push({ violation: v, waiver: waivers[i], waiverIndex: i });
    } else kept.push(v);
  }

  // Stale waivers. A scanner waiver is stale when it names no rendered object.
  const named = new Set<number>();
  for (const r of objects) for (const i of index.matching(r.object.kind, r.object.metadata.name, r.workflow ?? workflowOf(r.object))) named.add(i);
  waivers.forEach((w, i) => {
    if (!usable[i]) return;
    const { tool } = parseWaiverRule(w.rule);
    if ((GATE_TOOLS as readonly string[]).includes(tool)) {
      if (!used.has(i)) {
        problems.push(waiverProblem(i, 'waiver/stale', pointer('waivers', i), w.rule,
          `matches no violation in environment "${envName}": ${w.rule} does not fire on ${w.kind} ${w.name}${w.name.includes(WORKFLOW_PLACEHOLDER) ? ` for any workflow (${workflows.join(', ') || 'none'})` : ''}`,
          `delete this waiver from ${where} (or correct its rule, kind or name)`));
      }
      return;
    }
    if (!named.has(i)) {
      problems.push(waiverProblem(i, 'waiver/stale', pointer('waivers', i, 'name'), w.name,
        `names no rendered object: there is no ${w.kind} ${w.name} in environment "${envName}"`,
        `delete this waiver from ${where} (or correct its kind or name)`));
    }
  });

  // Scanner skip switches must come from the list (so every exception is in one reviewed place).
  for (const r of objects) {
    const annotations = r.object.metadata.annotations ?? {};
    const skipKeys = Object.keys(annotations).filter(isScannerSkipAnnotation);
    if (!skipKeys.length) continue;
    const expected = resolved ? waiverAnnotations(resolved.environment, r.object, r.workflow ?? workflowOf(r.object)) : {};
    for (const key of skipKeys) {
      const want = expected[key];
      const ok = want !== undefined && (key === KUBE_SCORE_IGNORE
        ? annotations[key].split(',').map((s) => s.trim()).every((c) => want.split(',').includes(c))
        : annotations[key] === want);
      if (!ok) {
        problems.push({
          environment: r.environment, object: `${r.object.kind}/${r.object.metadata.namespace ? `${r.object.metadata.namespace}/` : ''}${r.object.metadata.name}`,
          rule: 'waiver/unlisted-exception', path: pointer('metadata', 'annotations', key), value: annotations[key],
          message: `the scanner skip annotation ${key} does not come from the waivers list, so the exception escapes review`,
          fix: `remove it from the construct and add a waiver (rule: <scanner>/<check>, kind: ${r.object.kind}, name, reason) to ${where}`,
        });
      }
    }
  }
  return { kept, waived, problems };
}
