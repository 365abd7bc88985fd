import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Writes a throwaway config folder: { 'defaults.yaml': '…', 'environments/prod.yaml': '…' }. */
export function writeConfig(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capacity-config-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export const POD_DEFAULTS_YAML = `workflowDefaults:
  resources:
    requests: { cpu: 250m, memory: 256Mi, ephemeralStorage: 256Mi }
`;
