import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONFIG_API_VERSION } from '../../src/config/version';

/** Writes a throwaway config folder: { 'defaults.yaml': '…', 'environments/prod.yaml': '…' }. */
export function writeConfig(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capacity-config-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    // Every config file names its format (src/config/version.ts); the fixtures leave it implied.
    // Appended, so that the line numbers the tests expect are those of the text as given.
    const versioned = name.endsWith('.yaml') && !/^apiVersion:/m.test(text) ? `${text}${text.endsWith('\n') || !text ? '' : '\n'}apiVersion: ${CONFIG_API_VERSION}\n` : text;
    fs.writeFileSync(path.join(dir, name), versioned);
  }
  return dir;
}

export const POD_DEFAULTS_YAML = `workflowDefaults:
  resources:
    requests: { cpu: 250m, memory: 256Mi, ephemeralStorage: 256Mi }
`;
