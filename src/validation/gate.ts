/**
 * The validation gate: every rendered object passes strict schema, policy and cross-object checks
 * before anything is written. All violations are reported at once.
 */
import { ResolvedEnvironment } from '../config/resolved';
import { RenderedObject, objectId } from '../synth/manifest';
import { SchemaRegistry, defaultSchemaRegistry } from './schema-registry';

export interface Violation {
  readonly environment: string;
  /** `Kind/namespace/name` of the offending object. */
  readonly object: string;
  readonly rule: string;
  /** JSON pointer into the object. */
  readonly path: string;
  readonly value?: unknown;
  readonly message: string;
  readonly fix: string;
}

export interface GateResult {
  readonly violations: readonly Violation[];
  readonly checkedObjects: number;
}

export interface GateOptions {
  /** @default the process-wide registry over ../shared */
  readonly schemas?: SchemaRegistry;
}

export function runGate(objects: readonly RenderedObject[], _environments: readonly ResolvedEnvironment[], options: GateOptions = {}): GateResult {
  const schemas = options.schemas ?? defaultSchemaRegistry();
  const violations: Violation[] = [];
  for (const r of objects) {
    for (const v of schemas.validate(r.object)) {
      violations.push({
        environment: r.environment,
        object: objectId(r.object),
        rule: 'schema/strict',
        path: v.path || '/',
        value: v.value,
        message: v.message,
        fix: 'render only fields the Kubernetes 1.27 schema (or the CRD) defines, with the right types',
      });
    }
  }
  return { violations, checkedObjects: objects.length };
}

export function formatViolation(v: Violation): string {
  const value = v.value === undefined ? '' : ` (value: ${JSON.stringify(v.value)})`;
  return `  - [${v.environment}] ${v.object} ${v.path}${value}: ${v.message} [${v.rule}]\n    fix: ${v.fix}`;
}
