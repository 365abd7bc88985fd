/** `npm run config-schema` (`--help` for the details): writes the editor JSON Schemas of the config files. */
import * as fs from 'fs';
import * as path from 'path';
import { defineCommand, processIo, runCommandSync, CommandIo } from '../src/cli/command';
import { SCHEMA_FILES } from '../src/config/json-schema';

const ROOT = path.resolve(__dirname, '..');

export const CONFIG_SCHEMA_COMMAND = defineCommand({
  name: 'config-schema',
  run: 'npm run config-schema --',
  summary: `Write the JSON Schemas editors use to check and complete the config files (${Object.keys(SCHEMA_FILES).join(', ')}), generated from the config's own schema.`,
  flags: {},
  examples: [{ command: 'npm run config-schema', explain: 'after changing src/config/schema.ts (a test fails while they are stale)' }],
  exitCodes: ['0  written', '1  an internal error', '2  bad arguments, or a file cannot be written'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(CONFIG_SCHEMA_COMMAND, argv, () => {
    for (const [file, build] of Object.entries(SCHEMA_FILES)) {
      const dest = path.join(ROOT, file);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, JSON.stringify(build(), null, 2) + '\n');
      io.out(`wrote ${file}\n`);
    }
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
