/**
 * Writes the rule groups of every PrometheusRule in a folder of rendered manifests as plain
 * Prometheus rule files (`groups:` at the top), the input `promtool check rules` expects.
 *
 * Usage: npx tsx scripts/ci/extract-rules.ts <manifest-dir> <out-dir>
 * Prints one written file per line (none when there is no PrometheusRule).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
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

if (require.main === module) {
  const [manifestDir, outDir] = process.argv.slice(2);
  if (!manifestDir || !outDir) {
    console.error('usage: npx tsx scripts/ci/extract-rules.ts <manifest-dir> <out-dir>');
    process.exit(2);
  }
  try {
    for (const extracted of extractRuleFiles(manifestDir, outDir)) console.log(extracted.path);
  } catch (error) {
    console.error(`extract-rules: ${(error as Error).message}`);
    process.exit(1);
  }
}
