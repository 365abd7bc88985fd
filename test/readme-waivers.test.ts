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
    const row = rows.find((r) => r.includes(`\`${w.rule}\``) && r.includes(`\`${w.name}\``) && r.includes(w.kind));
    expect({ waiver: `${w.rule} ${w.kind} ${w.name}`, listed: !!row }).toEqual({ waiver: `${w.rule} ${w.kind} ${w.name}`, listed: true });
    const envs: string[] = w.environments ?? ['all'];
    for (const e of envs) expect(row).toContain(e);
  }
});
