/**
 * Splits out what must exist before a folder of rendered manifests can be applied: its
 * Namespace objects (written to a file, applied first) and the namespaces its objects use
 * without rendering them (created bare, as the platform would already have them).
 *
 * Usage: npx tsx scripts/cluster/namespaces-of.ts MANIFEST_DIR NAMESPACES_OUT (`--help` for the details).
 * Prints the used-but-not-rendered namespace names on stdout, one per line.
 */
import * as fs from 'fs';
import { stringify } from 'yaml';
import { CommandIo, defineCommand, environmentProblem, processIo, runCommandSync } from '../../src/cli/command';
import { readManifests } from '../ci/manifest-files';

export interface NamespaceSplit {
  /** The Namespace objects, in file order. */
  readonly rendered: Record<string, unknown>[];
  /** Namespaces that objects name in metadata.namespace but that no Namespace object renders. */
  readonly external: string[];
}

export function splitNamespaces(dir: string): NamespaceSplit {
  const objects = readManifests(dir).map((m) => m.object);
  const rendered = objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace');
  const renderedNames = new Set(rendered.map((o) => o.metadata?.name));
  const used = new Set(objects.map((o) => o.metadata?.namespace).filter((ns): ns is string => typeof ns === 'string'));
  return { rendered, external: [...used].filter((ns) => !renderedNames.has(ns)).sort() };
}

export const NAMESPACES_OF_COMMAND = defineCommand({
  name: 'namespaces-of',
  run: 'npx tsx scripts/cluster/namespaces-of.ts',
  summary: 'Write the Namespace objects of a folder of rendered manifests to a file (applied first), and print the namespaces its objects use without rendering them, one per line.',
  positionals: [
    { name: 'MANIFEST_DIR', help: 'rendered manifests, read recursively (e.g. dist/dev)', required: true },
    { name: 'NAMESPACES_OUT', help: 'YAML file to write the Namespace objects into', required: true },
  ],
  flags: {},
  examples: [{ command: 'npx tsx scripts/cluster/namespaces-of.ts dist/dev /tmp/namespaces.yaml', explain: 'write dev\'s Namespaces, print the ones to create bare' }],
  exitCodes: ['0  written', '1  a manifest that cannot be parsed, or an internal error', '2  bad arguments, or a file that cannot be read or written'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(NAMESPACES_OF_COMMAND, argv, ({ positionals }) => {
    const [dir, out] = positionals;
    let split: NamespaceSplit;
    try {
      split = splitNamespaces(dir);
    } catch (error) {
      if (environmentProblem(error) !== undefined) throw error;
      io.err(`namespaces-of: ${(error as Error).message}\n`);
      return 1;
    }
    fs.writeFileSync(out, split.rendered.map((ns) => `---\n${stringify(ns)}`).join(''));
    for (const ns of split.external) io.out(`${ns}\n`);
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
