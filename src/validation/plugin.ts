/**
 * The validation gate for library users, in two forms:
 *   - a function: {@link gateManifests} over objects, {@link gateChart} over a cdk8s Chart;
 *   - a cdk8s validation plugin, {@link LangGraphGate}, that `cdk8s synth` runs on the manifests it
 *     wrote (cdk8s.yaml; the package must be a local path there, since cdk8s-cli would otherwise
 *     `npm install` it into its plugins folder):
 *
 *       validations:
 *         - package: ./node_modules/langgraph-platform
 *           version: 0.1.0
 *           class: LangGraphGate
 *           properties: { environment: dev, configDir: ./config }   # both optional
 *
 * The contract is cdk8s-cli's (lib/plugins/validation.d.ts: `validate(context)`, the context's
 * `manifests`, `parseManifest`, `report.addViolation` and `report.submit`); it is restated here
 * structurally so that the package needs no cdk8s-cli at run time. The gate reads its JSON schemas
 * from the package's own `schemas/` folder (found from this module's location, see
 * schema-sources.ts), so it works from an installed package whatever the working directory.
 */
import { Chart } from 'cdk8s';
import { loadConfig } from '../config/load';
import { applyCapacityPlans } from '../capacity/plan-environments';
import { ResolvedEnvironment } from '../config/resolved';
import { KubeObject } from '../model/kube-object';
import { RenderedObject } from '../model/rendered-object';
import { GateResult, runGate } from './gate';
import { parseObjectId } from '../model/object-id';

/** Environment name reported when none is given. */
export const LIBRARY_ENVIRONMENT = 'cdk8s';

export interface LangGraphGateProps {
  /**
   * The environment the objects are for: reported with each violation and, with `configDir`, the
   * environment whose settings (image policy, tier, …) and waivers apply.
   * @default 'cdk8s'
   */
  readonly environment?: string;
  /**
   * A config folder (the layout of this repository's `config/`) to read the environment from.
   * @default - none: the strictest settings (images by digest, no waivers)
   */
  readonly configDir?: string;
}

/** The resolved environment `props` name, or undefined without a config folder. */
function resolvedEnvironment(props: LangGraphGateProps): ResolvedEnvironment | undefined {
  if (props.configDir === undefined) return undefined;
  const name = props.environment ?? LIBRARY_ENVIRONMENT;
  const config = applyCapacityPlans(loadConfig(props.configDir));
  const found = config.environments.find((e) => e.environment.name === name);
  if (!found) {
    throw new Error(`LangGraphGate: environment "${name}" is not in ${props.configDir} (found: ${config.environments.map((e) => e.environment.name).join(', ')}); set the environment property to one of them`);
  }
  return found;
}

/** The gate (strict schema, policy, cross-object checks, waivers) over plain objects. */
export function gateManifests(objects: readonly KubeObject[], props: LangGraphGateProps = {}): GateResult {
  const resolved = resolvedEnvironment(props);
  const environment = resolved?.environment.name ?? props.environment ?? LIBRARY_ENVIRONMENT;
  const rendered: RenderedObject[] = objects.map((object) => ({ environment, object }));
  return runGate(rendered, resolved ? [resolved] : []);
}

/** The gate over one chart's objects (synthesizing it, so its construct validations run too). */
export function gateChart(chart: Chart, props: LangGraphGateProps = {}): GateResult {
  return gateManifests(chart.toJson() as KubeObject[], props);
}

/** What the gate needs of cdk8s-cli's ValidationContext. */
export interface GateValidationContext {
  readonly manifests: readonly string[];
  parseManifest(manifestPath: string): unknown[];
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: readonly { readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
}

/** The gate as a cdk8s validation plugin (cdk8s-cli `validations`). */
export class LangGraphGate {
  constructor(private readonly props: LangGraphGateProps = {}) {}

  public async validate(context: GateValidationContext): Promise<void> {
    const manifestOf = new Map<string, string>();
    const objects: KubeObject[] = [];
    for (const manifestPath of context.manifests) {
      for (const doc of context.parseManifest(manifestPath)) {
        if (!doc || typeof doc !== 'object') continue;
        const object = doc as KubeObject;
        objects.push(object);
        manifestOf.set(objectKey(object.kind, object.metadata?.namespace, object.metadata?.name), manifestPath);
      }
    }
    const result = gateManifests(objects, this.props);
    for (const v of result.violations) {
      const { kind, namespace, name } = parseObjectId(v.object);
      context.report.addViolation({
        ruleName: v.rule,
        recommendation: `${v.object} ${v.path}: ${v.message}`,
        fix: v.fix,
        violatingResources: [{ resourceName: name, locations: [v.path], manifestPath: manifestOf.get(objectKey(kind, namespace, name)) ?? context.manifests[0] ?? '' }],
      });
    }
    context.report.submit(result.violations.length ? 'failure' : 'success', {
      objects: String(result.checkedObjects),
      waived: String(result.waived?.length ?? 0),
    });
  }
}

const objectKey = (kind: string | undefined, namespace: string | undefined, name: string | undefined) => `${kind}/${namespace ?? ''}/${name}`;
