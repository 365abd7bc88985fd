/**
 * Prometheus rule groups as plain data: the shape of a rule file's `groups:` and of a
 * PrometheusRule's `spec.groups`, so one value feeds both promtool and the CRD.
 */

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires, e.g. `5m`. @default fires at once */
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export type Severity = 'critical' | 'warning';

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}
