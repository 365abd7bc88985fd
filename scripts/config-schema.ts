/** `npm run config-schema`: writes the editor JSON Schemas of the config files. */
import * as fs from 'fs';
import * as path from 'path';
import { SCHEMA_FILES } from '../src/config/json-schema';

const ROOT = path.resolve(__dirname, '..');
for (const [file, build] of Object.entries(SCHEMA_FILES)) {
  const dest = path.join(ROOT, file);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, JSON.stringify(build(), null, 2) + '\n');
  process.stdout.write(`wrote ${file}\n`);
}
