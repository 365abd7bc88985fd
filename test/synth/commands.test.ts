/**
 * Every command shares one argument parser (src/cli/command.ts): `--help` documents every flag
 * with examples and exits 0, a mistake is one line plus the pointer to --help (exit 2), and
 * `--flag=value` equals `--flag value`. Each command's main(argv) runs in this process.
 */
import { CONFIG_DIR } from '../helpers';
import { loadConfig } from '../../src/config/load';
import { CommandSpec, Flag, UsageError, didYouMean, flag, defineCommand, formatHelp, parseCommandLine, wholeNumber } from '../../src/cli/command';
import * as synth from '../../src/cli/synth';
import * as diff from '../../src/cli/diff';
import * as graph from '../../src/cli/graph';
import * as plan from '../../src/cli/plan';
import * as bench from '../../scripts/bench';
import * as serializeCost from '../../scripts/bench/serialize-cost';
import * as checkDist from '../../scripts/check-dist';
import * as readmeGraph from '../../scripts/readme-graph';
import * as configSchema from '../../scripts/config-schema';
import * as kubeconformSchemas from '../../scripts/kubeconform-schemas';
import * as importCrds from '../../scripts/import-crds';
import * as extractRules from '../../scripts/ci/extract-rules';
import * as namespacesOf from '../../scripts/cluster/namespaces-of';
import * as podsFromTemplates from '../../scripts/cluster/pods-from-templates';
import * as liveDiffCheck from '../../scripts/cluster/live-diff-check';
import * as prepareSignals from '../../scripts/signals/prepare';
import * as runScenarios from '../../scripts/signals/run-scenarios';
import * as trivyIgnore from '../../scripts/ci/trivy-ignore';
import * as waiverCounts from '../../scripts/ci/waiver-counts';
import * as scannerFindings from '../../scripts/ci/scanner-findings';
import * as staleScannerWaivers from '../../scripts/ci/stale-scanner-waivers';
import { capture } from './cli-harness';

interface Command {
  readonly spec: CommandSpec<Record<string, Flag>>;
  readonly main: (argv: readonly string[]) => number | Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  synth: { spec: synth.SYNTH_COMMAND, main: synth.main },
  diff: { spec: diff.DIFF_COMMAND, main: diff.main },
  graph: { spec: graph.GRAPH_COMMAND, main: graph.main },
  plan: { spec: plan.PLAN_COMMAND, main: plan.main },
  bench: { spec: bench.BENCH_COMMAND, main: bench.main },
  'serialize-cost': { spec: serializeCost.SERIALIZE_COST_COMMAND, main: serializeCost.main },
  'check-dist': { spec: checkDist.CHECK_DIST_COMMAND, main: checkDist.main },
  'readme-graph': { spec: readmeGraph.README_GRAPH_COMMAND, main: readmeGraph.main },
  'config-schema': { spec: configSchema.CONFIG_SCHEMA_COMMAND, main: configSchema.main },
  'kubeconform-schemas': { spec: kubeconformSchemas.KUBECONFORM_SCHEMAS_COMMAND, main: kubeconformSchemas.main },
  'import-crds': { spec: importCrds.IMPORT_CRDS_COMMAND, main: importCrds.main },
  'extract-rules': { spec: extractRules.EXTRACT_RULES_COMMAND, main: extractRules.main },
  'namespaces-of': { spec: namespacesOf.NAMESPACES_OF_COMMAND, main: namespacesOf.main },
  'pods-from-templates': { spec: podsFromTemplates.PODS_FROM_TEMPLATES_COMMAND, main: podsFromTemplates.main },
  'live-diff-check': { spec: liveDiffCheck.LIVE_DIFF_CHECK_COMMAND, main: liveDiffCheck.main },
  'signals prepare': { spec: prepareSignals.PREPARE_COMMAND, main: prepareSignals.main },
  'signals run-scenarios': { spec: runScenarios.RUN_SCENARIOS_COMMAND, main: runScenarios.main },
  'trivy-ignore': { spec: trivyIgnore.TRIVY_IGNORE_COMMAND, main: trivyIgnore.main },
  'waiver-counts': { spec: waiverCounts.WAIVER_COUNTS_COMMAND, main: waiverCounts.main },
  'scanner-findings': { spec: scannerFindings.SCANNER_FINDINGS_COMMAND, main: scannerFindings.main },
  'stale-scanner-waivers': { spec: staleScannerWaivers.STALE_SCANNER_WAIVERS_COMMAND, main: staleScannerWaivers.main },
};

describe.each(Object.entries(COMMANDS))('%s', (_name, { spec, main }) => {
  test('--help and -h print the usage, every flag, examples and exit codes; exit 0, nothing else done', async () => {
    for (const help of ['--help', '-h']) {
      const r = await capture(() => main([help]));
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toBe(formatHelp(spec));
      expect(r.stdout.startsWith(`usage: ${spec.run}`)).toBe(true);
      for (const [name, f] of Object.entries(spec.flags)) expect(r.stdout).toContain(f.kind === 'boolean' ? `--${name}` : `--${name} ${f.value}`);
      expect(r.stdout).toContain('-h, --help');
      expect(r.stdout).toMatch(/\nExamples:\n {2}\S/);
      expect(r.stdout).toMatch(/\nExit codes:\n {2}0 /);
    }
  });

  test('an unknown flag: one error line and the pointer to --help; exit 2, nothing else done', async () => {
    const r = await capture(() => main(['--no-such-flag']));
    expect(r).toEqual({ code: 2, stdout: '', stderr: `${spec.name}: unknown flag --no-such-flag\nsee \`${spec.run} --help\`\n` });
  });
});

test('graph --help names a workflow and an environment that exist in config/', () => {
  const config = loadConfig(CONFIG_DIR);
  const environments = config.environments.map((e) => e.environment.name);
  const workflows = config.environments[0].workflows.map((w) => w.name);
  const help = formatHelp(graph.GRAPH_COMMAND);
  const named = [...help.matchAll(/--workflow[ =]([a-z0-9-]+)/g)].map((m) => m[1]);
  expect(named.length).toBeGreaterThan(0);
  for (const w of named) expect(workflows).toContain(w);
  for (const e of [...help.matchAll(/--env[ =]([a-z0-9-]+)/g)].map((m) => m[1])) expect(environments).toContain(e);
  expect(help).toContain('(e.g. support-agent)');
  expect(workflows).toContain('support-agent');
});

describe('the parser', () => {
  const spec = defineCommand({
    name: 'demo',
    run: 'demo',
    summary: 'A demo.',
    flags: {
      name: flag.value({ value: 'NAME', help: 'a name', default: 'x' }),
      count: flag.value({ value: 'N', help: 'a count', parse: wholeNumber(1) }),
      tag: flag.list({ value: 'TAG', help: 'tags' }),
      verbose: flag.boolean({ help: 'more', short: 'v' }),
    },
    positionals: [{ name: 'OUT', help: 'where', required: true }],
    examples: [{ command: 'demo out', explain: 'demo' }],
    exitCodes: ['0  ok'],
  });
  const parse = (argv: string[]) => parseCommandLine(spec, argv);

  test('--flag=value and --flag value are the same; defaults apply; lists repeat and split on commas', () => {
    const a = parse(['out', '--name', 'n', '--count', '3', '--tag', 'a,b', '--tag', 'c', '-v']);
    const b = parse(['--name=n', '--count=3', '--tag=a', '--tag=b,c', '--verbose', 'out']);
    expect(a).toEqual({ help: false, positionals: ['out'], values: { name: 'n', count: 3, tag: ['a', 'b', 'c'], verbose: true } });
    expect(b).toEqual(a);
    expect(parse(['out'])).toEqual({ help: false, positionals: ['out'], values: { name: 'x', verbose: false } });
    expect(parse(['--name=-dash', 'out'])).toMatchObject({ values: { name: '-dash' } });
  });

  test.each([
    [['out', '--count', '0'], '--count needs a whole number ≥ 1, not "0"'],
    [['out', '--nmae', 'x'], 'unknown flag --nmae; did you mean --name?'],
    [['out', '-x'], 'unknown flag -x'],
    [['out', '--verbose=1'], '--verbose takes no value (got "1")'],
    [['out', '--name'], '--name needs a value: --name NAME'],
    [['out', '--name', '-dash'], '--name needs a value, but "-dash" follows it (to pass a value starting with "-", write --name=-dash)'],
    [['out', 'more'], 'unexpected argument "more" (after OUT)'],
    [[], 'OUT is required: where'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(new UsageError(message));
  });

  test('a required flag: refused when absent, its value typed as always there, marked in the help', () => {
    const withRequired = defineCommand({
      name: 'demo',
      run: 'demo',
      summary: 'A demo.',
      flags: { plan: flag.value({ value: 'FILE', help: 'the plan', required: true }) },
      examples: [{ command: 'demo --plan p.json', explain: 'demo' }],
      exitCodes: ['0  ok'],
    });
    expect(() => parseCommandLine(withRequired, [])).toThrow(new UsageError('--plan FILE is required: the plan'));
    const parsed = parseCommandLine(withRequired, ['--plan', 'p.json']);
    const plan: string = parsed.help ? '' : parsed.values.plan;
    expect(plan).toBe('p.json');
    expect(formatHelp(withRequired)).toContain('--plan FILE  the plan (required)');
  });

  test('did-you-mean only for close names', () => {
    expect(didYouMean('prd', ['dev', 'prod', 'staging'])).toBe('prod');
    expect(didYouMean('stagign', ['dev', 'prod', 'staging'])).toBe('staging');
    expect(didYouMean('qa', ['dev', 'prod', 'staging'])).toBeUndefined();
  });
});
