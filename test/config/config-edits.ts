/** Edits applied to a copy of the committed config folder, for tests of bad configurations. */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { loadConfig } from '../../src/config/load';
import { ConfigError, ConfigIssue } from '../../src/config/errors';

export type Edit = (dir: string) => void;

/** Set a YAML path in a config file (creating maps as needed), keeping the rest of the file. */
export const set = (file: string, keyPath: (string | number)[], value: unknown): Edit => (dir) => {
  const p = path.join(dir, file);
  const doc = parseDocument(fs.readFileSync(p, 'utf8'));
  doc.setIn(keyPath, doc.createNode(value));
  fs.writeFileSync(p, doc.toString());
};
export const write = (file: string, content: string): Edit => (dir) => fs.writeFileSync(path.join(dir, file), content);
export const append = (file: string, content: string): Edit => (dir) => fs.appendFileSync(path.join(dir, file), content);

/** The issues loadConfig throws for a config folder (fails when it loads). */
export function issuesOf(dir: string): readonly ConfigIssue[] {
  try {
    loadConfig(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error(`expected a ConfigError for ${dir}`);
}
