import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CONFIG_DIR, PROJECT_ROOT } from './helpers';

test('the README lists every committed waiver (rule, object and environments)', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- waivers:begin -->'), readme.indexOf('<!-- waivers:end -->'));
  const rows = table.split('\n').filter((l) => l.startsWith('| `'));
  const { waivers } = parse(fs.readFileSync(path.join(CONFIG_DIR, 'waivers.yaml'), 'utf8'));
  for (const w of waivers) {
    // The same rule and object may have a row per environment set (different reasons).
    const envs: string[] = w.environments ?? ['all'];
    for (const e of envs) {
      const row = rows.find((r) => r.includes(`\`${w.rule}\``) && r.includes(`${w.kind} \`${w.name}\``) && r.split('|')[3].split(',').map((x) => x.trim()).includes(e));
      const id = `${w.rule} ${w.kind} ${w.name} in ${e}`;
      expect({ id, listed: !!row }).toEqual({ id, listed: true });
    }
  }
});
