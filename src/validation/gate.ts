/**
 * The validation gate: every rendered object passes strict schema, policy and cross-object checks
 * before anything is written; the environment's waivers drop what they name. All violations are
 * reported at once, each naming environment, object, field, bad value and fix.
 *
 * Cost: objects are grouped by environment and indexed once (by namespace, kind and name); every
 * check is then linear in the objects of a namespace, so the gate grows linearly with the catalog.
 */
import { ResolvedEnvironment } from '../config/resolved';
import { RenderedObject } from '../model/rendered-object';
import { objectId } from '../model/object-id';
import { CROSS_OBJECT_CHECKS, runCrossObjectChecks } from './cross-object';
import { EnvironmentIndex } from './object-index';
import { POLICY_RULES, runPolicyRules } from './policy';
import { SchemaRegistry, defaultSchemaRegistry } from './schema-registry';
import { preview } from './schema-violation';
import { Violation } from './violation';
import { WaivedViolation, applyWaivers } from './waivers';

export type { Violation } from './violation';
export type { WaivedViolation } from './waivers';

export interface GateResult {
  readonly violations: readonly Violation[];
  readonly checkedObjects: number;
  /** Violations the environments' waivers dropped, with the waiver that dropped each. @default [] */
  readonly waived?: readonly WaivedViolation[];
}

export interface GateOptions {
  /** @default the process-wide registry over the package's schemas/ folder */
  readonly schemas?: SchemaRegistry;
}

/** Every rule id the gate can report (and that a waiver may name, except schema/… and waiver/…). */
export const GATE_RULE_IDS: ReadonlySet<string> = new Set([...POLICY_RULES.map((r) => r.id), ...CROSS_OBJECT_CHECKS.map((c) => c.id)]);

export function runGate(objects: readonly RenderedObject[], environments: readonly ResolvedEnvironment[], options: GateOptions = {}): GateResult {
  const schemas = options.schemas ?? defaultSchemaRegistry();
  const resolvedByName = new Map(environments.map((e) => [e.environment.name, e]));
  const byEnvironment = new Map<string, RenderedObject[]>();
  for (const r of objects) {
    let list = byEnvironment.get(r.environment);
    if (!list) byEnvironment.set(r.environment, (list = []));
    list.push(r);
  }
  // An environment that rendered nothing still has its waivers checked (they are all stale).
  for (const e of environments) if (!byEnvironment.has(e.environment.name)) byEnvironment.set(e.environment.name, []);

  const violations: Violation[] = [];
  const waived: WaivedViolation[] = [];
  for (const [name, envObjects] of byEnvironment) {
    const resolved = resolvedByName.get(name);
    const schemaViolations = envObjects.flatMap((r) => schemas.validate(r.object).map((v): Violation => ({
      environment: r.environment,
      object: objectId(r.object),
      rule: 'schema/strict',
      path: v.path || '/',
      value: v.value,
      message: v.message,
      fix: 'render only fields the Kubernetes 1.27 schema (or the CRD) defines, with the right types',
    })));
    const index = new EnvironmentIndex(name, envObjects, resolved?.environment);
    const found = [...runPolicyRules(index), ...runCrossObjectChecks(index)];
    const outcome = applyWaivers(found, envObjects, resolved, GATE_RULE_IDS);
    violations.push(...schemaViolations, ...outcome.kept, ...outcome.problems);
    waived.push(...outcome.waived);
  }
  return { violations, checkedObjects: objects.length, waived };
}

export function formatViolation(v: Violation): string {
  const value = v.value === undefined ? '' : ` (value: ${preview(v.value)})`;
  const related = v.related ? `\n    see: ${v.related}` : '';
  return `  - [${v.environment}] ${v.object} ${v.path}${value}: ${v.message} [${v.rule}]\n    fix: ${v.fix}${related}`;
}
