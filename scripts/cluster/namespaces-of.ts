/**
 * Splits out what must exist before a folder of rendered manifests can be applied: its
 * Namespace objects (written to a file, applied first) and the namespaces its objects use
 * without rendering them (created bare, as the platform would already have them).
 *
 * Usage: npx tsx scripts/cluster/namespaces-of.ts <manifest-dir> <namespaces-out.yaml>
 * Prints the used-but-not-rendered namespace names on stdout, one per line.
 */
import * as fs from 'fs';
import { stringify } from 'yaml';
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

if (require.main === module) {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) {
    console.error('usage: npx tsx scripts/cluster/namespaces-of.ts <manifest-dir> <namespaces-out.yaml>');
    process.exit(2);
  }
  try {
    const { rendered, external } = splitNamespaces(dir);
    fs.writeFileSync(out, rendered.map((ns) => `---\n${stringify(ns)}`).join(''));
    for (const ns of external) console.log(ns);
  } catch (error) {
    console.error(`namespaces-of: ${(error as Error).message}`);
    process.exit(1);
  }
}
