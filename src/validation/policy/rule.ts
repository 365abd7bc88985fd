/**
 * The shape of a policy rule: an id (`policy/<name>`), one line saying what it requires, and a
 * small function that returns findings for one pod template or one object.
 */
import { Environment } from '../../config/schema';
import { RenderedObject } from '../../model/rendered-object';
import { EnvironmentIndex } from '../object-index';
import { ContainerRef, PodTemplateRef } from '../pod-templates';
import { Finding } from '../violation';

export interface PolicyContext {
  readonly index: EnvironmentIndex;
  /** The environment's config, when the gate was given it. @default - none: defaults apply */
  readonly environment?: Environment;
}

export interface PolicyRule {
  /** `policy/<name>`: what waivers and scanner reports name. */
  readonly id: string;
  /** What the rule requires, in one line. */
  readonly summary: string;
  /** Checks one pod template. */
  readonly checkTemplate?: (t: PodTemplateRef, ctx: PolicyContext) => Finding[];
  /** Checks one object of any kind. */
  readonly checkObject?: (r: RenderedObject, ctx: PolicyContext) => Finding[];
}

/** A finding on a template's owner at a path relative to the template. */
export function templateFinding(t: PodTemplateRef, relativePath: string, f: Omit<Finding, 'object' | 'path'>): Finding {
  return { object: t.owner, path: `${t.pointer}${relativePath}`, ...f };
}

/** `container "api"` (or `init container "setup"`) for messages. */
export function describeContainer(c: ContainerRef): string {
  const kind = c.list === 'containers' ? 'container' : c.list === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${kind} "${c.container.name ?? '?'}"`;
}
