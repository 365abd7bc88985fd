/** `npm run config-reference` (`--help` for the details): writes docs/configuration.md from the config's zod schema. */
import * as fs from 'fs';
import * as path from 'path';
import { defineCommand, processIo, runCommandSync, CommandIo } from '../src/cli/command';
import { REFERENCE_FILE, configurationReference } from '../src/config/reference';

const ROOT = path.resolve(__dirname, '..');

export const CONFIG_REFERENCE_COMMAND = defineCommand({
  name: 'config-reference',
  run: 'npm run config-reference --',
  summary: `Write the configuration reference (${REFERENCE_FILE}): every config field with its type, default, allowed values and description, generated from the config's own schema.`,
  flags: {},
  examples: [{ command: 'npm run config-reference', explain: 'after changing a field or its description in src/config (a test fails while the file is stale)' }],
  exitCodes: ['0  written', '1  an internal error', '2  bad arguments, or the file cannot be written'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(CONFIG_REFERENCE_COMMAND, argv, () => {
    const dest = path.join(ROOT, REFERENCE_FILE);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, configurationReference());
    io.out(`wrote ${REFERENCE_FILE}\n`);
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
