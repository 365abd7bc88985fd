import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from '../helpers';

const run = (args: string[]) =>
  spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(PROJECT_ROOT, 'scripts', 'check-dist.ts'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });

test('the committed dist/ equals a fresh synth of the committed config', () => {
  const r = run([]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('a stale dist/ fails with a readable diff naming the file and the line', () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'stale-dist-'));
  fs.cpSync(path.join(PROJECT_ROOT, 'dist'), copy, { recursive: true });
  const file = path.join(copy, 'prod', 'support-agent', 'service-support-agent-api.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('port: 80', 'port: 8080'));
  fs.rmSync(path.join(copy, 'dev', 'support-agent', 'namespace-support-agent.yaml'));
  const r = run(['--dist', copy]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('~ changed: prod/support-agent/service-support-agent-api.yaml');
  expect(r.stderr).toContain('- ');
  expect(r.stderr).toContain('port: 8080');
  expect(r.stderr).toContain('+ missing from dist/: dev/support-agent/namespace-support-agent.yaml');
});
