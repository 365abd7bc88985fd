import * as path from 'path';
import { ConfigError } from '../../src/config/errors';
import { loadCapacityInputs } from '../../src/capacity/inputs';
import { POD_DEFAULTS_YAML, writeConfig } from './config-fixture';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadCapacityInputs', () => {
  it('uses every default when no capacity block exists, and reads the pod shape', () => {
    const dir = writeConfig({ 'defaults.yaml': POD_DEFAULTS_YAML, 'environments/dev.yaml': 'name: dev\n' });
    const inputs = loadCapacityInputs(dir, 'dev');
    expect(inputs.capacity.profile.dailyActiveUsers).toBe(10_000);
    expect(inputs.podSizing).toEqual({ cpuRequestCores: 0.25, memoryRequestMebibytes: 256, cpuTargetUtilization: 0.7, memoryTargetUtilization: 0.8 });
    expect(inputs.sources).toEqual([path.join(dir, 'defaults.yaml'), path.join(dir, 'environments/dev.yaml')]);
    expect(inputs.configuredReplicas).toBeUndefined();
  });

  it('merges the environment over defaults, key by key', () => {
    const dir = writeConfig({
      'defaults.yaml': `${POD_DEFAULTS_YAML}capacity:\n  profile: { name: base, dailyActiveUsers: 2000, peakConcurrentRatio: 0.2 }\n`,
      'environments/prod.yaml': [
        'capacity:',
        '  profile: { name: prod-peak, dailyActiveUsers: 50000 }',
        '  applyToEnvironment: true',
        'workflowDefaults:',
        '  resources: { requests: { cpu: "1", memory: 2Gi } }',
        '  autoscaling: { minReplicas: 3, maxReplicas: 20, cpuUtilization: 60, memoryUtilization: 75 }',
        '',
      ].join('\n'),
    });
    const inputs = loadCapacityInputs(dir, 'prod');
    expect(inputs.capacity.profile).toMatchObject({ name: 'prod-peak', dailyActiveUsers: 50_000, peakConcurrentRatio: 0.2 });
    expect(inputs.capacity.applyToEnvironment).toBe(true);
    expect(inputs.podSizing).toEqual({ cpuRequestCores: 1, memoryRequestMebibytes: 2048, cpuTargetUtilization: 0.6, memoryTargetUtilization: 0.75 });
    expect(inputs.configuredReplicas).toEqual({ minReplicas: 3, maxReplicas: 20 });
  });

  it('plans from defaults.yaml alone when no environment is named', () => {
    const dir = writeConfig({ 'defaults.yaml': POD_DEFAULTS_YAML });
    expect(loadCapacityInputs(dir).sources).toEqual([path.join(dir, 'defaults.yaml')]);
  });

  it('names the file, line, key, value and fix of a bad value', () => {
    const dir = writeConfig({
      'defaults.yaml': POD_DEFAULTS_YAML,
      'environments/prod.yaml': 'name: prod\ncapacity:\n  profile:\n    dailyActiveUsers: -5\n    peakConcurrentRatio: 1.5\n',
    });
    const issues = issuesOf(() => loadCapacityInputs(dir, 'prod'));
    expect(issues).toEqual([
      {
        file: `${path.join(dir, 'environments/prod.yaml')}:4`,
        key: 'capacity.profile.dailyActiveUsers',
        value: -5,
        message: 'must be at least 1 user (a plan for no users sizes nothing)',
      },
      {
        file: `${path.join(dir, 'environments/prod.yaml')}:5`,
        key: 'capacity.profile.peakConcurrentRatio',
        value: 1.5,
        message: 'must be at most 1 (a share of daily active users: write 0.15 for 15 %, not 15)',
      },
    ]);
  });

  it('blames the file that set the value, not the last one read', () => {
    const dir = writeConfig({
      'defaults.yaml': `${POD_DEFAULTS_YAML}capacity:\n  coefficients:\n    cpuHeadroomRatio: 50\n`,
      'environments/prod.yaml': 'capacity:\n  profile: { dailyActiveUsers: 100 }\n',
    });
    const [issue] = issuesOf(() => loadCapacityInputs(dir, 'prod'));
    expect(issue.file).toBe(`${path.join(dir, 'defaults.yaml')}:6`);
    expect(issue.key).toBe('capacity.coefficients.cpuHeadroomRatio');
    expect(issue.message).toMatch(/write 0.5 for 50 %/);
  });

  it('lists the allowed keys when a key is misspelt', () => {
    const dir = writeConfig({ 'defaults.yaml': `${POD_DEFAULTS_YAML}capacity:\n  profile:\n    dailyActiveUser: 10\n` });
    const [issue] = issuesOf(() => loadCapacityInputs(dir));
    expect(issue.key).toBe('capacity.profile.dailyActiveUser');
    expect(issue.message).toMatch(/^unknown key "dailyActiveUser"; check the spelling \(allowed here: name, dailyActiveUsers, /);
  });

  it('checks quantities and targets; an unset request is the rendered default (LangChain\'s chart)', () => {
    const dir = writeConfig({
      'defaults.yaml': 'workflowDefaults:\n  resources: { requests: { cpu: 250 millicores } }\n  autoscaling: { cpuUtilization: 0.7 }\n',
    });
    const issues = issuesOf(() => loadCapacityInputs(dir));
    expect(issues.map((i) => [i.key, i.value, i.message])).toEqual([
      ['workflowDefaults.resources.requests.cpu', '250 millicores', '"250 millicores" is not a cpu quantity such as "250m" or "1.5"'],
      ['workflowDefaults.autoscaling.cpuUtilization', 0.7, 'must be a whole percentage from 1 to 100, e.g. 70'],
    ]);
  });

  it('names the environments that exist when the one asked for does not', () => {
    const dir = writeConfig({ 'defaults.yaml': POD_DEFAULTS_YAML, 'environments/dev.yaml': '{}\n', 'environments/prod.yaml': '{}\n' });
    const [issue] = issuesOf(() => loadCapacityInputs(dir, 'prd'));
    expect(issue.message).toBe('no such environment; pass --env with one of: dev, prod');
  });

  it('reports YAML syntax errors with their position', () => {
    const dir = writeConfig({ 'defaults.yaml': 'capacity:\n  profile: { dailyActiveUsers: 1\n' });
    const [issue] = issuesOf(() => loadCapacityInputs(dir));
    expect(issue.file).toMatch(/defaults\.yaml:\d+:\d+$/);
    expect(issue.message).toMatch(/^YAML syntax error/);
  });

  it('reports a missing config folder', () => {
    const [issue] = issuesOf(() => loadCapacityInputs('/nonexistent/config-folder'));
    expect(issue.message).toMatch(/config folder not found; pass --config DIR/);
  });
});
