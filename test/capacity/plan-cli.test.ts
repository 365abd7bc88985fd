import * as path from 'path';
import { PLAN_COMMAND, main, runPlan } from '../../src/cli/plan';
import { parseCommandLine } from '../../src/cli/command';
import { capture } from '../synth/cli-harness';
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

  it('parses its flags, as --flag value and --flag=value', () => {
    expect(parseCommandLine(PLAN_COMMAND, [])).toEqual({ help: false, positionals: [], values: { config: 'config', json: false } });
    expect(parseCommandLine(PLAN_COMMAND, ['--config=cfg', '--env', 'prod', '--json'])).toEqual({ help: false, positionals: [], values: { config: 'cfg', env: 'prod', json: true } });
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

  it('exits 2 with one line and the pointer to --help on an unknown flag', () => {
    const r = run(['--environment', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('plan: unknown flag --environment; did you mean --env?\nsee `npm run plan -- --help`\n');
  });

  it('--help documents every flag with examples and exits 0', () => {
    const r = run(['-h']);
    expect(r.code).toBe(0);
    for (const f of ['usage: npm run plan -- [options]', '--config DIR', '--env NAME', '--json', 'Examples:', 'npm run plan -- --env prod']) expect(r.stdout).toContain(f);
  });

  it('main(argv) writes to the process streams and returns the exit code', async () => {
    const bad = writeConfig({ 'defaults.yaml': 'capacity:\n  profile: { dailyActiveUsers: -1 }\n' });
    const r = await capture(() => main(['--config', bad]));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/capacity\.profile\.dailyActiveUsers \(value: -1\): must be at least 1 user/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
