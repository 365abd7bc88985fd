/**
 * What a partial render (`--env NAME`) reads from the previous output: the environment folders it
 * keeps, and the footprint of a kept environment whose AppProject is shared with a rendered one
 * (the project's allow-lists are the union of its members' footprints, and a kept member's
 * objects are the ones in its folder).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { EnvironmentError } from '../util/environment-error';
import { Footprint, footprintOf } from '../gitops/footprint';
import { listFiles } from './compare-trees';
import { KubeObject } from '../model/kube-object';
import { SHARED_FOLDER } from '../model/rendered-object';

export function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The footprint of the objects under `dir` (every `.yaml` file, every document); undefined when it holds none. */
export function footprintOfFolder(dir: string): Footprint | undefined {
  const objects: KubeObject[] = [];
  const files = listFiles(dir).filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    const where = path.join(dir, file);
    let text: string;
    try {
      text = fs.readFileSync(where, 'utf8');
    } catch (e) {
      throw new EnvironmentError(`cannot read ${where}: ${(e as Error).message}`);
    }
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length) throw new EnvironmentError(`cannot parse ${where}: ${doc.errors[0].message.split('\n')[0]}; render its environment again`);
      const object = doc.toJS() as KubeObject | null;
      if (object && typeof object === 'object' && typeof object.kind === 'string') objects.push(object);
    }
  }
  return objects.length ? footprintOf(objects, files.some((f) => f.startsWith(`${SHARED_FOLDER}/`))) : undefined;
}
