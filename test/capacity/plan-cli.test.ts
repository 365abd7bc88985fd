import { spawnSync } from 'child_process';
import * as path from 'path';
import { parsePlanArgs, runPlan } from '../../src/cli/plan';
import { POD_DEFAULTS_YAML, writeConfig } from './config-fixture';

function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runPlan(argv, (t) => (stdout += t), (t) => (stderr += t));
  return { code, stdout, stderr };
}

describe('plan command', () => {
  const dir = writeConfig({
    'defaults.yaml': POD_DEFAULTS_YAML,
    'environments/prod.yaml': 'capacity:\n  profile: { name: prod-peak, dailyActiveUsers: 20000 }\n',
  });

  it('parses its flags', () => {
    expect(parsePlanArgs([])).toEqual({ configDir: 'config', environment: undefined, json: false });
    expect(parsePlanArgs(['--config=cfg', '--env', 'prod', '--json'])).toEqual({ configDir: 'cfg', environment: 'prod', json: true });
  });

  it('prints a table and exits 0', () => {
    const r = run(['--config', dir, '--env', 'prod']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Capacity plan for profile "prod-peak" \(environment "prod"/);
    // 20,000 × 0.15 = 3,000 sessions
    expect(r.stdout).toMatch(/concurrent sessions\s+3,000/);
  });

  it('prints JSON with --json', () => {
    const r = run(['--config', dir, '--env', 'prod', '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.plan.profileName).toBe('prod-peak');
    expect(parsed.plan.load.peakConcurrentSessions).toBe(3000);
  });

  it('exits 2 on a bad profile, naming file, key, value and fix', () => {
    const bad = writeConfig({ 'defaults.yaml': `${POD_DEFAULTS_YAML}capacity:\n  profile:\n    peakConcurrentRatio: 15\n` });
    const r = run(['--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path.join(bad, 'defaults.yaml')}:6: capacity.profile.peakConcurrentRatio (value: 15): must be at most 1`);
    expect(r.stderr).toContain('write 0.15 for 15 %');
  });

  it('exits 2 with usage on an unknown flag', () => {
    const r = run(['--environment', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown argument "--environment"\nusage: plan/);
  });

  it('sets the process exit code when run as a program', () => {
    const bad = writeConfig({ 'defaults.yaml': 'capacity:\n  profile: { dailyActiveUsers: -1 }\n' });
    const tsx = path.join(__dirname, '../../node_modules/.bin/tsx');
    const r = spawnSync(tsx, [path.join(__dirname, '../../src/cli/plan.ts'), '--config', bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/capacity\.profile\.dailyActiveUsers \(value: -1\): must be at least 1 user/);
  });
});
