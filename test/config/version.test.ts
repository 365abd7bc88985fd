/**
 * Every config file names its format (`apiVersion`); a missing or unsupported one is refused
 * with one issue per file, saying what to do, and nothing read from that file is misinterpreted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { CONFIG_DIR } from '../helpers';
import { loadConfig } from '../../src/config/load';
import { CONFIG_API_VERSION } from '../../src/config/version';
import { listFiles } from '../../src/synth/compare-trees';
import { issuesOf } from './config-edits';

const CONFIG_FILES = listFiles(CONFIG_DIR).map((f) => f.split(path.sep).join('/')).filter((f) => f.endsWith('.yaml')).sort();

function copyWith(file: string, apiVersion: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-version-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  const p = path.join(dir, file);
  const doc = parseDocument(fs.readFileSync(p, 'utf8'));
  if (apiVersion === undefined) doc.delete('apiVersion');
  else doc.set('apiVersion', apiVersion);
  fs.writeFileSync(p, doc.toString());
  return dir;
}


test('every committed config file carries the supported format version, which stays out of the loaded config', () => {
  expect(CONFIG_FILES).toEqual(expect.arrayContaining(['defaults.yaml', 'environments/prod.yaml', 'waivers.yaml', 'workflows.yaml']));
  for (const file of CONFIG_FILES) {
    expect({ file, apiVersion: parseDocument(fs.readFileSync(path.join(CONFIG_DIR, file), 'utf8')).get('apiVersion') }).toEqual({ file, apiVersion: CONFIG_API_VERSION });
  }
  const config = loadConfig(CONFIG_DIR);
  for (const e of config.environments) expect(Object.keys(e.environment)).not.toContain('apiVersion');
});

describe.each(CONFIG_FILES)('%s', (file) => {
  test('without apiVersion: refused with one issue naming the file, the key and the line to add', () => {
    const issues = issuesOf(copyWith(file, undefined));
    expect(issues).toEqual([{
      file,
      key: 'apiVersion',
      message: `is missing: every config file names the format it is written in; add \`apiVersion: ${CONFIG_API_VERSION}\` at the top of the file (the format this release reads)`,
    }]);
  });

  test('with another format version: refused with one issue naming the line, the value and both ways out', () => {
    const issues = issuesOf(copyWith(file, 'langgraph.platform/v2'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: expect.stringMatching(new RegExp(`^${file.replace('.', '\\.')}:\\d+$`)), key: 'apiVersion', value: 'langgraph.platform/v2' });
    expect(issues[0].message).toBe(`is not a config format this release reads (it reads ${CONFIG_API_VERSION} only); rewrite the file in that format and set \`apiVersion: ${CONFIG_API_VERSION}\` (CHANGELOG.md says what changed between formats), or use the langgraph-platform release that reads "langgraph.platform/v2"`);
  });
});
