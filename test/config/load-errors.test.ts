/**
 * How the loader reports configuration problems: all of them in one run (YAML, schema and
 * semantic), each once with the environments and workflows it affects, with a did-you-mean for
 * unknown keys and a fix in every message; a folder or file that cannot be read is one line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { z } from 'zod';
import { CONFIG_DIR } from '../helpers';
import { loadConfig } from '../../src/config/load';
import { ConfigError, ConfigIssue, formatConfigIssue, mergeConfigIssues } from '../../src/config/errors';
import { FIX_PATTERN, describeZodIssues, parseForConfig } from '../../src/config/zod-issues';
import { closest, editDistance } from '../../src/util/did-you-mean';
import { Edit, append, set } from './config-edits';
import { parseDocument } from 'yaml';


function configWith(...edits: Edit[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-errors-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  for (const e of edits) e(dir);
  return dir;
}

function errorOf(dir: string): ConfigError {
  try {
    loadConfig(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** file without its line, key, and the affected environments and workflows. */
const summary = (i: ConfigIssue) => ({ file: i.file.replace(/:\d+(:\d+)?$/, ''), key: i.key, environments: i.environments, workflows: i.workflows });
const ALL_WORKFLOWS = ['support-agent', 'research-assistant', 'doc-summarizer'];

describe('one run reports every problem', () => {
  test('a bad workflow name, a misspelt key, an out-of-range value and a YAML syntax error in four files: one ConfigError with all four', () => {
    const dir = configWith(
      set('workflows.yaml', ['workflows', 0, 'name'], 'Support_Agent'),
      (d) => { // misspelt key, keeping the rest of the block
        const p = path.join(d, 'environments/staging.yaml');
        fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/^ {2}autoscaling:/m, '  autoscalling:'));
      },
      set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'cpuUtilization'], 170),
      append('waivers.yaml', 'extra: [\n'),
    );
    const e = errorOf(dir);
    expect(e.issues.map(summary)).toEqual([
      { file: 'environments/prod.yaml', key: 'workflowDefaults.autoscaling.cpuUtilization', environments: ['prod'], workflows: ['Support_Agent', 'research-assistant', 'doc-summarizer'] },
      { file: 'environments/staging.yaml', key: 'workflowDefaults.autoscalling', environments: ['staging'], workflows: ['Support_Agent', 'research-assistant', 'doc-summarizer'] },
      { file: 'waivers.yaml', key: '', environments: undefined, workflows: undefined },
      { file: 'workflows.yaml', key: 'workflows.0.name', environments: undefined, workflows: ['Support_Agent'] },
    ]);
    const [range, unknown, yaml, name] = e.issues;
    expect(range).toMatchObject({ value: 170, message: 'is above the maximum (got 170, expected at most 100); use a whole number between 1 and 100' });
    expect(unknown.message).toBe('unknown key `autoscalling`; did you mean `autoscaling`?');
    expect(yaml.file).toMatch(/^waivers\.yaml:\d+:\d+$/);
    expect(yaml.message).toMatch(/^YAML syntax error: .*; check the indentation/);
    expect(name).toMatchObject({ value: 'Support_Agent', message: 'use lower-case letters, digits and "-", starting with a letter and ending with a letter or digit (got "Support_Agent")' });
    expect(e.message.split('\n')).toHaveLength(5);
    expect(e.message).toMatch(/^4 configuration errors:\n {2}- environments\/prod\.yaml:\d+: workflowDefaults\.autoscaling\.cpuUtilization \(value: 170\) \[environment prod; workflows Support_Agent, research-assistant, doc-summarizer\]: is above the maximum/);
  });

  test('a YAML error in one environment does not hide a schema error in another, nor a semantic one in a third', () => {
    const dir = configWith(
      append('environments/staging.yaml', 'mesh: [\n'),
      set('environments/dev.yaml', ['mesh', 'enabled'], 'no'),
      set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'minReplicas'], 30),
    );
    const issues = errorOf(dir).issues;
    expect(issues.map((i) => i.file.replace(/:.*/, ''))).toEqual(['environments/dev.yaml', 'environments/prod.yaml', 'environments/staging.yaml', 'environments/staging.yaml']);
    expect(issues[0]).toMatchObject({ key: 'mesh.enabled', value: 'no' });
    expect(issues[1]).toMatchObject({ key: 'workflowDefaults.autoscaling.minReplicas', message: expect.stringContaining('must not exceed autoscaling.maxReplicas (20)') });
  });

  test('a bad catalog entry hides neither the other entries\' problems nor the environments\'', () => {
    const dir = configWith(
      set('workflows.yaml', ['workflows', 0, 'name'], 'Bad Name'),
      set('workflows.yaml', ['workflows', 0, 'overrides'], { autoscaling: { maxReplicas: 0 } }),
      set('workflows.yaml', ['workflows', 2, 'overrides', 'terminationGracePeriodSeconds'], 5),
      set('environments/prod.yaml', ['entry', 'type'], 'ingress'),
    );
    const issues = errorOf(dir).issues;
    expect(issues.map((i) => [i.key, i.workflows])).toEqual([
      ['entry.type', undefined],
      // prod's Ingress also meets research-assistant's canary there: a semantic check on a healthy entry.
      ['workflowDefaults.delivery.strategy', ['research-assistant']],
      ['workflows.0.name', ['Bad Name']],
      ['workflows.0.overrides.autoscaling.maxReplicas', ['Bad Name']],
      ['workflows.2.overrides.terminationGracePeriodSeconds', ['doc-summarizer']],
    ]);
    expect(issues[0].message).toContain('an Ingress cannot be combined with the mesh');
  });

  test('semantic checks still run beside a schema error in the same environment and workflow', () => {
    const dir = configWith(
      set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'cpuUtilization'], 170),
      // A fixed sidecar drain longer than the grace period: a semantic (cross-field) problem.
      set('environments/prod.yaml', ['mesh', 'terminationDrainSeconds'], 170),
      set('environments/prod.yaml', ['workflowDefaults', 'terminationGracePeriodSeconds'], 60),
    );
    expect(errorOf(dir).issues.map((i) => i.key)).toEqual([
      'workflowDefaults.autoscaling.cpuUtilization',
      'workflowDefaults.terminationGracePeriodSeconds',
      // research-assistant's own 600 s grace period (API and workers) outlives the fixed 170 s drain.
      'workflows.1.overrides.terminationGracePeriodSeconds',
      'workflows.1.overrides.workers.terminationGracePeriodSeconds',
    ]);
  });

  test('a defaults.yaml that does not parse: the environments are still checked, without "is required" noise', () => {
    const dir = configWith(
      append('defaults.yaml', 'rbac: [\n'),
      set('environments/prod.yaml', ['mesh', 'enabled'], 'yes'),
      set('environments/dev.yaml', ['workflowDefaults', 'autoscaling', 'minReplica'], 1),
    );
    const issues = errorOf(dir).issues;
    expect(issues.filter((i) => !i.file.startsWith('defaults.yaml')).map((i) => i.key)).toEqual([
      'workflowDefaults.autoscaling.minReplica',
      'mesh.enabled',
    ]);
    expect(issues.some((i) => i.message.startsWith('is required'))).toBe(false);
  });
});

describe('each problem once, naming whom it affects', () => {
  test('an environment-level mistake in defaults.yaml is one issue naming every environment', () => {
    const issues = errorOf(configWith(set('defaults.yaml', ['egress', 'https', 'port'], 70000))).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ key: 'egress.https.port', value: 70000, environments: ['dev', 'prod', 'staging'], message: 'is above the maximum (got 70000, expected at most 65535); use a whole number between 1 and 65535' });
    expect(issues[0].workflows).toBeUndefined();
    expect(formatConfigIssue(issues[0])).toMatch(/^ {2}- defaults\.yaml:\d+: egress\.https\.port \(value: 70000\) \[environments dev, prod, staging\]: is above/);
  });

  test('a workflow default in defaults.yaml is one issue naming every environment and the workflows that inherit it', () => {
    const issues = errorOf(configWith(set('defaults.yaml', ['workflowDefaults', 'terminationGracePeriodSeconds'], 10))).issues;
    expect(issues).toHaveLength(1);
    // research-assistant sets its own (600), so it is not affected.
    expect(issues[0]).toMatchObject({ key: 'workflowDefaults.terminationGracePeriodSeconds', environments: ['dev', 'prod', 'staging'], workflows: ['support-agent', 'doc-summarizer'] });
  });

  test('a catalog entry\'s mistake is one issue naming the workflow and the environments it reaches', () => {
    const issues = errorOf(configWith(set('workflows.yaml', ['workflows', 0, 'image', 'digest'], 'sha256:abc'))).issues;
    expect(issues).toHaveLength(1);
    // dev runs a tag (digest: null there), so only staging and prod are affected.
    expect(issues[0]).toMatchObject({ key: 'workflows.0.image.digest', environments: ['prod', 'staging'], workflows: ['support-agent'] });
  });

  test('mergeConfigIssues joins equal problems and sorts by file, line and key', () => {
    const a = { file: 'environments/prod.yaml:9', key: 'b', message: 'm; use x' };
    const merged = mergeConfigIssues([
      { ...a, environments: ['prod'], workflows: ['w2'] },
      { file: 'defaults.yaml:12', key: 'z', message: 'n; use y', environments: ['staging'] },
      { ...a, environments: ['prod'], workflows: ['w1'] },
      { file: 'environments/prod.yaml:10', key: 'a', message: 'm; use x' },
      { file: 'defaults.yaml:3', key: 'z', message: 'n; use y', environments: ['staging'] },
      { file: 'defaults.yaml:12', key: 'z', message: 'n; use y', environments: ['dev'] },
    ]);
    expect(merged).toEqual([
      { file: 'defaults.yaml:3', key: 'z', message: 'n; use y', environments: ['staging'] },
      { file: 'defaults.yaml:12', key: 'z', message: 'n; use y', environments: ['dev', 'staging'] },
      { file: 'environments/prod.yaml:9', key: 'b', message: 'm; use x', environments: ['prod'], workflows: ['w2', 'w1'] },
      { file: 'environments/prod.yaml:10', key: 'a', message: 'm; use x' },
    ]);
  });
});

describe('did you mean', () => {
  test('edit distance counts a swap of neighbours as one edit', () => {
    expect(editDistance('autoscalling', 'autoscaling')).toBe(1);
    expect(editDistance('mniReplicas', 'minReplicas')).toBe(1);
    expect(editDistance('abc', 'xyz')).toBe(3);
    expect(closest('minReplica', ['minReplicas', 'maxReplicas', 'cpuUtilization'])).toEqual(['minReplicas']);
    expect(closest('MESH', ['mesh', 'name'])).toEqual(['mesh']);
    expect(closest('zzz', ['mesh', 'name'])).toEqual([]);
  });

  test('a misspelt key in a catalog entry suggests the allowed one', () => {
    const issues = errorOf(configWith(set('workflows.yaml', ['workflows', 1, 'ownr'], { team: 'x' }))).issues;
    expect(issues.map((i) => [i.key, i.message])).toEqual([['workflows.1.ownr', 'unknown key `ownr`; did you mean `owner`?']]);
  });

  test('with nothing close, the allowed keys are listed', () => {
    const issues = errorOf(configWith(set('environments/prod.yaml', ['workflowDefaults', 'autoscaling', 'replicas'], 3))).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0].message).toBe('unknown key `replicas`; remove it or use one of the keys allowed here: minReplicas, maxReplicas, cpuUtilization, memoryUtilization, memoryUtilizationReason, scaleUp, scaleDown, queueDepth');
  });

  test('a key misspelt inside a feature block suggests from that block', () => {
    const issues = errorOf(configWith(set('environments/dev.yaml', ['dataStores', 'postgres', 'pasword'], { key: 'x' }))).issues;
    expect(issues.map((i) => i.message)).toEqual(['unknown key `pasword`; did you mean `password`?']);
  });
});

describe('zod issues become messages with expected, got and a fix', () => {
  const schema = z.strictObject({
    replicas: z.number().int().min(1).max(100),
    ratio: z.number().gt(0).lte(1),
    enabled: z.boolean(),
    strategy: z.enum(['rolling', 'canary']),
    cpu: z.string().regex(/^\d+m$/, 'a cpu quantity such as "250m"'),
    plain: z.string().regex(/^[a-z]+$/),
    email: z.email(),
    name: z.string().max(5),
    steps: z.array(z.number()).min(1),
    peer: z.union([z.strictObject({ cidr: z.string() }), z.strictObject({ namespace: z.string() })]),
    labels: z.record(z.string().regex(/^[a-z]+$/, 'a lower-case label'), z.string()),
    pair: z.strictObject({ min: z.number(), max: z.number() }).refine((p) => p.min <= p.max, { message: 'min must not exceed max; lower min or raise max' }),
    nested: z.strictObject({ timeoutSeconds: z.number() }),
    required: z.string(),
  });
  const input = {
    replicas: 170, ratio: 0, enabled: 'yes', strategy: 'bluegreen', cpu: 'lots', plain: 'ABC', email: 'nope', name: 'toolong',
    steps: [], peer: { cidr: 'x', namespace: 'y' }, labels: { Bad: 'v' }, pair: { min: 3, max: 1 }, nested: { timeoutSecond: 3, timeoutSeconds: 1 },
  };
  const described = () => {
    const r = parseForConfig(schema, input);
    expect(r.success).toBe(false);
    return describeZodIssues(schema, r.error!.issues, input, { requiredFix: (p) => `add \`${p.join('.')}\`` });
  };

  test('each code has its own wording', () => {
    expect(Object.fromEntries(described().map((d) => [d.path.join('.'), d.message]))).toEqual({
      replicas: 'is above the maximum (got 170, expected at most 100); use a whole number between 1 and 100',
      ratio: 'is below the minimum (got 0, expected more than 0); use a number greater than 0 and at most 1',
      enabled: 'expected true or false, got the text "yes"; write true or false (without quotes)',
      strategy: 'is not an allowed value (got "bluegreen"); use one of: "rolling", "canary"',
      cpu: 'use a cpu quantity such as "250m" (got "lots")',
      plain: 'has the wrong form (got "ABC", expected text matching /^[a-z]+$/); change it to match',
      email: 'is not an email address (got "nope"); use an address such as team@example.com',
      name: 'is too long (got 7 characters), expected at most 5 characters; shorten it',
      steps: 'has too few items (got 0 items), expected at least 1; add at least 1 item',
      peer: 'matches none of the allowed forms (got a mapping); use exactly one of: { cidr } or { namespace }',
      'labels.Bad': 'key "Bad" is not a lower-case label; rename it',
      'nested.timeoutSecond': 'unknown key `timeoutSecond`; did you mean `timeoutSeconds`?',
      pair: 'min must not exceed max; lower min or raise max',
      required: 'is required (expected text); add `required`',
    });
  });

  test('a refinement without a fix of its own gains one', () => {
    const pair = z.strictObject({ min: z.number(), max: z.number() }).refine((p) => p.min <= p.max, { message: 'min exceeds max' });
    const refined = describeZodIssues(pair, parseForConfig(pair, { min: 3, max: 1 }).error!.issues, {}, { requiredFix: () => 'add it' });
    expect(refined.map((d) => d.message)).toEqual(['min exceeds max; check what is allowed in config/schema/*.schema.json']);
  });

  test('no raw zod text, and every message carries a fix', () => {
    for (const d of described()) {
      expect(d.message).not.toMatch(/Invalid input|Too (big|small)|expected \w+, received|Unrecognized key/);
      expect({ message: d.message, fix: FIX_PATTERN.test(d.message) }).toMatchObject({ fix: true });
    }
  });
});

describe('problems with the surroundings: one line each, no stack', () => {
  const messageOf = (dir: string) => errorOf(dir).message;

  test('a missing config folder', () => {
    const cwd = process.cwd();
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cwd-'));
    process.chdir(base);
    try {
      const e = errorOf(path.join(base, 'confg'));
      expect(e.message).toBe(`config folder .${path.sep}confg does not exist (pass --config DIR)`);
      expect(e.issues).toEqual([{ io: true, file: `.${path.sep}confg`, key: '', message: e.message }]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a folder that is not a config folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-'));
    expect(messageOf(dir)).toBe(`config folder ${dir} has no workflows.yaml, defaults.yaml or environments/; is it the right folder? (pass --config DIR)`);
  });

  test('a missing workflows.yaml', () => {
    const dir = configWith((d) => fs.rmSync(path.join(d, 'workflows.yaml')));
    expect(messageOf(dir)).toBe(`${path.join(dir, 'workflows.yaml')} does not exist; create it with the workflow catalog (a \`workflows:\` list), or pass --config DIR`);
  });

  test('no environment files', () => {
    const dir = configWith((d) => fs.rmSync(path.join(d, 'environments'), { recursive: true }));
    expect(messageOf(dir)).toBe(`no environment files in ${path.join(dir, 'environments')}; add environments/<env>.yaml (e.g. dev.yaml)`);
  });

  test('an unreadable file, beside the content problems of the others', () => {
    const dir = configWith(set('environments/dev.yaml', ['mesh', 'enabled'], 'no'));
    const prod = path.join(dir, 'environments', 'prod.yaml');
    // The module object itself (the `import * as` namespace only re-exports it).
    const nodeFs: typeof fs = require('fs');
    const real = nodeFs.readFileSync;
    const spy = jest.spyOn(nodeFs, 'readFileSync').mockImplementation(((file: fs.PathOrFileDescriptor, options?: unknown) => {
      if (file === prod) throw Object.assign(new Error(`EACCES: permission denied, open '${prod}'`), { code: 'EACCES' });
      return real(file, options as BufferEncoding);
    }) as typeof fs.readFileSync);
    try {
      const e = errorOf(dir);
      expect(e.message.split('\n')).toEqual([
        '2 configuration errors:',
        `  - cannot read ${prod}: permission denied (EACCES); make it readable by this user`,
        expect.stringMatching(/^ {2}- environments\/dev\.yaml:\d+: mesh\.enabled \(value: "no"\) \[environment dev\]: expected true or false/),
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});

test('the committed config loads', () => {
  const config = loadConfig(CONFIG_DIR);
  expect(config.environments.map((e) => [e.environment.name, e.workflows.map((w) => w.name)])).toEqual([
    ['dev', ALL_WORKFLOWS], ['prod', ALL_WORKFLOWS], ['staging', ALL_WORKFLOWS],
  ]);
});

describe('positions and values as written', () => {
  const edit = (file: string, from: string, to: string): Edit => (dir) => {
    const p = path.join(dir, file);
    const text = fs.readFileSync(p, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
    fs.writeFileSync(p, text.replace(from, to));
  };
  const lineOf = (file: string, text: string) => fs.readFileSync(path.join(CONFIG_DIR, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

  test('a misspelt key whose value is a block mapping is reported on the key\'s line, not its first child\'s', () => {
    const line = lineOf('environments/dev.yaml', '  autoscaling:');
    expect(line).toBeGreaterThan(0);
    const issues = errorOf(configWith(edit('environments/dev.yaml', '  autoscaling:', '  autoscalling:'))).issues;
    const typo = issues.find((i) => i.key.endsWith('autoscalling'))!;
    expect(typo.file).toBe(`environments/dev.yaml:${line}`);
  });

  test('an unquoted version read as a number is to be quoted as written ("1.0"), not as the number read (1)', () => {
    const issues = errorOf(configWith(edit('workflows.yaml', 'version: 1.4.2', 'version: 1.0'))).issues;
    const version = issues.find((i) => i.key.endsWith('version'))!;
    expect(version.message).toContain('quote it: "1.0"');
    expect(version.message).not.toContain('quote it: "1"');
  });

  test('every alias to no anchor, each once with its line, instead of a stack trace that hides the rest', () => {
    const issues = errorOf(configWith(append('environments/staging.yaml', 'a: *nope\nb: [*gone]\n'), set('environments/prod.yaml', ['mesh', 'enabled'], 'yes'))).issues;
    const aliases = issues.filter((i) => i.message.startsWith('YAML alias to no anchor'));
    expect(aliases.map((i) => [i.file.replace(/:\d+:\d+$/, ''), i.value])).toEqual([['environments/staging.yaml', '*nope'], ['environments/staging.yaml', '*gone']]);
    for (const i of aliases) expect(i.file).toMatch(/:\d+:\d+$/);
    expect(aliases[0].message).toContain('define `&nope` on a value above it');
    expect(issues.some((i) => i.file.startsWith('environments/prod.yaml') && i.key === 'mesh.enabled')).toBe(true); // the others still reported
  });
});

describe('a workflow named twice', () => {
  const addEntry = (entry: (first: any) => object): Edit => (dir) => {
    const p = path.join(dir, 'workflows.yaml');
    const doc = parseDocument(fs.readFileSync(p, 'utf8'));
    const first = (doc.toJS() as any).workflows[0];
    (doc.get('workflows') as any).add(doc.createNode(entry(first)));
    fs.writeFileSync(p, doc.toString());
  };

  test('is one problem (the name), not also its namespace, which comes from the name', () => {
    const issues = errorOf(configWith(addEntry((first) => ({ ...first })))).issues;
    expect(issues.map((i) => [i.key, i.message.split(';')[0]])).toEqual([['workflows.3.name', 'duplicate workflow name (also entry 0)']]);
  });

  test('a repeated name whose namespace (taken from it) clashes with a third entry reports both', () => {
    const dir = configWith(addEntry((first) => ({ ...first, name: 'other-agent', namespace: first.name })), addEntry((first) => ({ ...first })));
    expect(errorOf(dir).issues.map((i) => [i.key, i.message.split(';')[0]])).toEqual([
      ['workflows.3.namespace', 'namespace already used by entry 0'],
      ['workflows.4.name', 'duplicate workflow name (also entry 0)'],
      ['workflows.4.namespace', 'namespace (the workflow name, as none is set) already used by entry 3'],
    ]);
  });

  test('a namespace set to another workflow\'s is its own problem', () => {
    const issues = errorOf(configWith(addEntry((first) => ({ ...first, name: 'other-agent', namespace: first.name })))).issues;
    expect(issues.map((i) => [i.key, i.message])).toEqual([['workflows.3.namespace', 'namespace already used by entry 0; set a different namespace (each workflow needs its own)']]);
  });
});

test('an environment file without its name is told the one name it can have', () => {
  const dir = configWith((d) => {
    const p = path.join(d, 'environments', 'staging.yaml');
    const doc = parseDocument(fs.readFileSync(p, 'utf8'));
    doc.delete('name');
    fs.writeFileSync(p, doc.toString());
  });
  const name = errorOf(dir).issues.find((i) => i.key === 'name')!;
  expect(name.message).toMatch(/; add `name: staging` to environments\/staging\.yaml \(it must equal the file name\)$/);
});

test('a credential written into env is named by its key, never echoed (reserved or credential-like alike)', () => {
  const dir = configWith(set('environments/dev.yaml', ['workflowDefaults', 'env', 'OPENAI_API_KEY'], 'sk-proj-secret'), set('environments/dev.yaml', ['workflowDefaults', 'env', 'DATABASE_URI'], 'postgres://u:pw-secret@db/x'));
  const issues = errorOf(dir).issues.filter((i) => /env\.(OPENAI_API_KEY|DATABASE_URI)$/.test(i.key));
  expect(issues).toHaveLength(2);
  for (const i of issues) {
    expect(i.value).toBe('<redacted>');
    expect(formatConfigIssue(i)).not.toMatch(/sk-proj|pw-secret/);
  }
});

test('a number too large for a double (1e400) is shown as the Infinity it reads as, not as null', () => {
  const dir = configWith(set('environments/staging.yaml', ['workflowDefaults', 'database', 'maxConnections'], 1));
  const p = path.join(dir, 'environments', 'staging.yaml');
  fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/maxConnections: 1\b/, 'maxConnections: 1e400'));
  const issue = errorOf(dir).issues.find((i) => i.key.endsWith('maxConnections'))!;
  expect(formatConfigIssue(issue)).toContain('(value: Infinity)');
});

test('a key written twice is named as written, quotes and colons included', () => {
  const issues = errorOf(configWith(append('environments/staging.yaml', '"h:t": 1\n"h:t": 2\n'))).issues;
  expect(issues.map((i) => i.message)).toContain('YAML syntax error: the key `"h:t"` appears twice in this mapping; remove or rename one of the two keys');
});

test('an environment .yml file beside its .yaml is to be deleted or merged, not renamed over it', () => {
  const dir = configWith((d) => fs.copyFileSync(path.join(d, 'environments', 'dev.yaml'), path.join(d, 'environments', 'dev.yml')));
  const issue = errorOf(dir).issues.find((i) => i.file === 'environments/dev.yml')!;
  expect(issue.message).toBe('is not read: environments/dev.yaml is; delete it, or merge it into that file');
});
