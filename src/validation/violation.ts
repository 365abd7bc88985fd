/**
 * What the gate reports: one problem in one rendered object, with enough to act on it without
 * opening the manifest — environment, object, JSON pointer, the bad value, what is wrong, the fix.
 */
import { RenderedObject } from '../model/rendered-object';
import { objectId } from '../model/object-id';

export interface Violation {
  readonly environment: string;
  /** `Kind/namespace/name` of the offending object (`Kind/name` when cluster-scoped). */
  readonly object: string;
  readonly rule: string;
  /** JSON pointer into the object ('/' is the whole object). */
  readonly path: string;
  readonly value?: unknown;
  readonly message: string;
  readonly fix: string;
  /**
   * Another object (and field) the finding depends on, e.g. the HPA whose `minReplicas` makes a
   * workload single-replica. @default - none
   */
  readonly related?: string;
}

/** A rule's finding before the runner attaches the environment and the rule id. */
export interface Finding {
  /** The object the violation is reported on (and that a waiver names). */
  readonly object: RenderedObject;
  /** JSON pointer into `object`. */
  readonly path: string;
  readonly value?: unknown;
  readonly message: string;
  readonly fix: string;
  readonly related?: string;
}

export function toViolation(rule: string, f: Finding): Violation {
  const v: Violation = {
    environment: f.object.environment,
    object: objectId(f.object.object),
    rule,
    path: f.path || '/',
    message: f.message,
    fix: f.fix,
  };
  return {
    ...v,
    ...(f.value === undefined ? {} : { value: f.value }),
    ...(f.related === undefined ? {} : { related: f.related }),
  };
}

/** RFC 6901 pointer from tokens: `~` → `~0`, `/` → `~1`. */
export function pointer(...tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${String(t).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
