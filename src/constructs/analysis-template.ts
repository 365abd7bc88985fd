import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import {
  AnalysisTemplate,
  AnalysisTemplateSpecMetricsConsecutiveErrorLimit,
  AnalysisTemplateSpecMetricsFailureLimit,
  AnalysisTemplateSpecMetricsInconclusiveLimit,
} from '../../imports/rollouts-analysistemplate-argoproj.io';

export interface PrometheusMetric {
  /** Metric name within the template, e.g. `http-success-rate`. */
  readonly name: string;
  /** PromQL that returns exactly one value, also when there is no traffic; may use `{{args.<name>}}`. */
  readonly query: string;
  /** e.g. `result[0] >= 0.999`: the measurement passes. */
  readonly successCondition: string;
  /**
   * e.g. `result[0] >= 0 && result[0] < 0.999`: the measurement fails. When neither condition
   * holds Argo records the measurement as Inconclusive.
   */
  readonly failureCondition: string;
}

export interface CanaryAnalysisTemplateProps {
  readonly name: string;
  readonly prometheusAddress: string;
  /** One or more measurements; all must pass. */
  readonly metrics: readonly PrometheusMetric[];
  /** Arguments the Rollout passes (e.g. `canary-hash`); every `{{args.x}}` in a query must be one. @default none */
  readonly args?: readonly string[];
  readonly intervalSeconds: number;
  /** Failed measurements tolerated before the rollout aborts. */
  readonly failureLimit: number;
  /** Query errors tolerated in a row before the rollout aborts. */
  readonly consecutiveErrorLimit: number;
  /** Inconclusive measurements tolerated; one more makes the run Inconclusive and pauses the Rollout. */
  readonly inconclusiveLimit: number;
}

/**
 * Prometheus measurements of the canary. The conditions live here, on the metrics (the playbook
 * put them on the Rollout, where Argo ignores them); success and failure conditions are both set,
 * so a value that meets neither (a quiet canary) is Inconclusive rather than a pass.
 */
export class CanaryAnalysisTemplate extends Construct {
  public readonly name: string;
  public readonly args: readonly string[];

  constructor(scope: Construct, id: string, props: CanaryAnalysisTemplateProps) {
    super(scope, id);
    this.name = props.name;
    this.args = props.args ?? [];
    if (props.metrics.length === 0) throw new Error(`AnalysisTemplate ${props.name}: give at least one metric`);
    for (const m of props.metrics) {
      for (const [, arg] of m.query.matchAll(/\{\{\s*args\.([-\w]+)\s*\}\}/g)) {
        if (!this.args.includes(arg)) {
          throw new Error(`AnalysisTemplate ${props.name}: metric ${m.name} reads {{args.${arg}}}, which is not among its args (${this.args.join(', ') || 'none'}); add it to args`);
        }
      }
    }
    new AnalysisTemplate(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'analysis' } }),
      spec: {
        ...(this.args.length ? { args: this.args.map((name) => ({ name })) } : {}),
        metrics: props.metrics.map((m) => ({
          name: m.name,
          interval: `${props.intervalSeconds}s`,
          successCondition: m.successCondition,
          failureCondition: m.failureCondition,
          failureLimit: AnalysisTemplateSpecMetricsFailureLimit.fromNumber(props.failureLimit),
          inconclusiveLimit: AnalysisTemplateSpecMetricsInconclusiveLimit.fromNumber(props.inconclusiveLimit),
          consecutiveErrorLimit: AnalysisTemplateSpecMetricsConsecutiveErrorLimit.fromNumber(props.consecutiveErrorLimit),
          provider: { prometheus: { address: props.prometheusAddress, query: m.query } },
        })),
      },
    });
  }
}
