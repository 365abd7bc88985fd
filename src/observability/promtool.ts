/**
 * promtool files and runs: rule files (`groups:`) and `promtool test rules` unit-test files
 * from the same rule groups, plus running `promtool check rules` / `promtool test rules`.
 *
 * promtool comes from Debian's `prometheus` package. `promtoolStatus()` says whether it is there
 * and, when it is not, whether that is an error (`LGP_REQUIRE_PROMTOOL=1`, as CI sets it) or a
 * loud skip, with the message that says how to install it.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import type { RuleGroup } from '../model/rule-group';

// ---------------------------------------------------------------- unit-test file shape

export interface InputSeries {
  /** `metric{label="value",…}` */
  readonly series: string;
  /** promtool expanding notation, e.g. `0+60x30` or `1x10 stale`. */
  readonly values: string;
}

export interface ExpectedAlert {
  readonly exp_labels: Readonly<Record<string, string>>;
  readonly exp_annotations: Readonly<Record<string, string>>;
}

export interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  /** Empty: the alert must not be firing at eval_time. */
  readonly exp_alerts: readonly ExpectedAlert[];
}

export interface ExpectedSample {
  /** `{label="value"}` or `metric{…}`. */
  readonly labels: string;
  readonly value: number;
}

export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: readonly ExpectedSample[];
}

export interface PromtoolTest {
  /** Shown in failures; promtool ignores unknown keys only from 2.44, so it is kept out of the file. */
  readonly name: string;
  /** Step of input_series. @default 1m */
  readonly interval?: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test?: readonly AlertRuleTest[];
  readonly promql_expr_test?: readonly PromqlExprTest[];
}

// ---------------------------------------------------------------- rendering

// No line folding (long expressions stay greppable) and no &anchors for repeated label maps.
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** A Prometheus rule file. */
export function ruleFileYaml(groups: readonly RuleGroup[]): string {
  return stringify({ groups }, YAML_OPTIONS);
}

/** A `promtool test rules` file reading `ruleFile` (relative to the test file). */
export function unitTestFileYaml(ruleFile: string, tests: readonly PromtoolTest[], evaluationInterval = '1m'): string {
  return stringify(
    {
      rule_files: [ruleFile],
      evaluation_interval: evaluationInterval,
      tests: tests.map(({ name: _name, interval, ...rest }) => ({ interval: interval ?? '1m', ...rest })),
    },
    YAML_OPTIONS,
  );
}

/**
 * A counter growing by `perStep` for `steps` steps, then by the next segment's step, …
 * in promtool notation: `[{perStep: 60, steps: 10}, {perStep: 0, steps: 5}]` → `0+60x10 600+0x4`,
 * i.e. 16 samples: 0, 60, …, 600, then 600 five more times.
 */
export function counterValues(segments: readonly { readonly perStep: number; readonly steps: number }[], start = 0): string {
  const parts: string[] = [];
  let last = start;
  segments.forEach(({ perStep, steps }, i) => {
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`segment ${i}: steps must be a positive integer, got ${steps}`);
    if (i === 0) {
      parts.push(`${start}+${perStep}x${steps}`);
    } else {
      // The segment's first sample is one step after the previous segment's last.
      parts.push(steps === 1 ? `${last + perStep}` : `${last + perStep}+${perStep}x${steps - 1}`);
    }
    last += perStep * steps;
  });
  return parts.join(' ');
}

// ---------------------------------------------------------------- running

/** Path of promtool: `$PROMTOOL` if set, else the first on PATH; undefined when absent. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.PROMTOOL ? [env.PROMTOOL] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'promtool'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** How to get promtool, in every message about it missing. */
export const PROMTOOL_INSTALL_HINT = 'install it with `apt-get install prometheus` (Debian/Ubuntu), or set PROMTOOL to the binary';

export type PromtoolStatus =
  | { readonly kind: 'found'; readonly path: string }
  /** Missing, and `LGP_REQUIRE_PROMTOOL=1` says the promtool checks must run: fail. */
  | { readonly kind: 'required'; readonly message: string }
  /** Missing and not required: skip, loudly. */
  | { readonly kind: 'missing'; readonly message: string };

/** Whether promtool can run here and, if not, what to do about it (see `findPromtool` for the lookup). */
export function promtoolStatus(env: NodeJS.ProcessEnv = process.env): PromtoolStatus {
  const path = findPromtool(env);
  if (path) return { kind: 'found', path };
  const where = env.PROMTOOL ? `PROMTOOL=${env.PROMTOOL} is not an executable file` : 'promtool is not on PATH';
  if (env.LGP_REQUIRE_PROMTOOL === '1') {
    return { kind: 'required', message: `${where}, and LGP_REQUIRE_PROMTOOL=1 requires the promtool tests to run: ${PROMTOOL_INSTALL_HINT}` };
  }
  return { kind: 'missing', message: `${where}: the promtool tests are skipped; ${PROMTOOL_INSTALL_HINT} (set LGP_REQUIRE_PROMTOOL=1 to make this an error)` };
}

export interface PromtoolResult {
  readonly ok: boolean;
  /** stdout and stderr together, for error messages. */
  readonly output: string;
}

export function promtoolVersion(promtool: string): string {
  const run = spawnSync(promtool, ['--version'], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`.split('\n')[0].trim();
}

/** `promtool check rules` on the groups, written to a temporary rule file. */
export function checkRules(promtool: string, groups: readonly RuleGroup[]): PromtoolResult {
  return inTempDir((dir) => {
    writeFileSync(join(dir, 'rules.yml'), ruleFileYaml(groups));
    return run(promtool, ['check', 'rules', 'rules.yml'], dir);
  });
}

export interface TestRulesOptions {
  /** How often promtool evaluates the rules. @default 1m */
  readonly evaluationInterval?: string;
}

/** `promtool test rules` on the groups and tests, written to temporary files. */
export function testRules(
  promtool: string,
  groups: readonly RuleGroup[],
  tests: readonly PromtoolTest[],
  options: TestRulesOptions = {},
): PromtoolResult {
  return inTempDir((dir) => {
    writeFileSync(join(dir, 'rules.yml'), ruleFileYaml(groups));
    writeFileSync(join(dir, 'tests.yml'), unitTestFileYaml('rules.yml', tests, options.evaluationInterval));
    return run(promtool, ['test', 'rules', 'tests.yml'], dir);
  });
}

function run(promtool: string, args: readonly string[], cwd: string): PromtoolResult {
  const result = spawnSync(promtool, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (result.error) return { ok: false, output: `could not run ${promtool}: ${result.error.message}` };
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

function inTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
