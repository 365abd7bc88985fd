/**
 * Writes the rule groups of every PrometheusRule in a folder of rendered manifests as plain
 * Prometheus rule files (`groups:` at the top), the input `promtool check rules` expects.
 *
 * Usage: npx tsx scripts/ci/extract-rules.ts MANIFEST_DIR OUT_DIR (`--help` for the details).
 * Prints one written file per line (none when there is no PrometheusRule).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { CommandIo, defineCommand, environmentProblem, processIo, runCommandSync } from '../../src/cli/command';
import { describeObject, isObject, readManifests } from './manifest-files';

const PROMETHEUS_RULE_API_GROUP = 'monitoring.coreos.com/';

export interface ExtractedRuleFile {
  /** The file written. */
  readonly path: string;
  /** Where its groups came from, e.g. `PrometheusRule demo/api-slo (dist/dev/demo/x.yaml)`. */
  readonly source: string;
}

/** Extracts each PrometheusRule's `spec.groups` into `<outDir>/<namespace>__<name>.rules.yaml`. */
export function extractRuleFiles(manifestDir: string, outDir: string): ExtractedRuleFile[] {
  fs.mkdirSync(outDir, { recursive: true });
  const written: ExtractedRuleFile[] = [];
  for (const { file, object } of readManifests(manifestDir)) {
    if (object.kind !== 'PrometheusRule' || !object.apiVersion?.startsWith(PROMETHEUS_RULE_API_GROUP)) continue;
    const spec = object.spec;
    const source = `${describeObject(object)} (${file})`;
    if (!isObject(spec) || !Array.isArray(spec.groups)) {
      throw new Error(`${source} has no spec.groups list; a PrometheusRule needs at least one group`);
    }
    const name = `${object.metadata?.namespace ?? '_cluster'}__${object.metadata?.name ?? 'unnamed'}.rules.yaml`;
    const target = path.join(outDir, name);
    if (fs.existsSync(target)) throw new Error(`${source}: two PrometheusRules map to ${target}`);
    // YAML 1.1 quoting, as promtool reads it: a string such as "no" must not turn into a boolean.
    fs.writeFileSync(target, `# from ${source}\n${stringify({ groups: spec.groups }, { version: '1.1' })}`);
    written.push({ path: target, source });
  }
  return written;
}

export const EXTRACT_RULES_COMMAND = defineCommand({
  name: 'extract-rules',
  run: 'npx tsx scripts/ci/extract-rules.ts',
  summary: 'Write the rule groups of every PrometheusRule under a folder of rendered manifests as Prometheus rule files (`<namespace>__<name>.rules.yaml`), the input of `promtool check rules`; print each file written.',
  positionals: [
    { name: 'MANIFEST_DIR', help: 'rendered manifests, read recursively (e.g. dist/prod)', required: true },
    { name: 'OUT_DIR', help: 'folder to write the rule files into (created if needed)', required: true },
  ],
  flags: {},
  examples: [{ command: 'npx tsx scripts/ci/extract-rules.ts dist/prod /tmp/rules', explain: 'then: promtool check rules /tmp/rules/*.rules.yaml' }],
  exitCodes: ['0  written (nothing when there is no PrometheusRule)', '1  a PrometheusRule without groups, two rules mapping to one file, or an internal error', '2  bad arguments, or a folder that cannot be read or written'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(EXTRACT_RULES_COMMAND, argv, ({ positionals }) => {
    let written: ExtractedRuleFile[];
    try {
      written = extractRuleFiles(positionals[0], positionals[1]);
    } catch (error) {
      if (environmentProblem(error) !== undefined) throw error;
      io.err(`extract-rules: ${(error as Error).message}\n`);
      return 1;
    }
    for (const extracted of written) io.out(`${extracted.path}\n`);
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
