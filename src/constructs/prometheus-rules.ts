import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/prom-prometheusrule-monitoring.coreos.com';
import { RuleGroup, isAlertingRule } from '../model/rule-group';

export interface WorkflowRulesProps {
  readonly name: string;
  /** Labels the cluster's Prometheus selects rules by. */
  readonly discoveryLabels: Readonly<Record<string, string>>;
  /** The rule groups (plain data, also what promtool tests). */
  readonly groups: readonly RuleGroup[];
}

/** The workflow's alerting and recording rules, scoped to its namespace. */
export class WorkflowRules extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WorkflowRulesProps) {
    super(scope, id);
    this.name = props.name;
    new PrometheusRule(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'alerting', ...props.discoveryLabels } }),
      spec: {
        groups: props.groups.map((g) => ({
          name: g.name,
          rules: g.rules.map((r) => isAlertingRule(r)
            ? { alert: r.alert, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), ...(r.for ? { for: r.for } : {}), labels: { ...r.labels }, annotations: { ...r.annotations } }
            : { record: r.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), ...(r.labels ? { labels: { ...r.labels } } : {}) }),
        })),
      },
    });
  }
}
