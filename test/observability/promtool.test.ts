import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { counterValues, findPromtool, promtoolStatus, testRules, unitTestFileYaml } from '../../src/observability/promtool';
import { PROMTOOL, promtoolTest } from './fixtures';

describe('counterValues', () => {
  test('segments continue one step after the previous segment ends', () => {
    expect(counterValues([{ perStep: 60, steps: 10 }, { perStep: 0, steps: 5 }])).toBe('0+60x10 600+0x4');
    expect(counterValues([{ perStep: 1, steps: 2 }, { perStep: 30, steps: 3 }, { perStep: 5, steps: 1 }])).toBe('0+1x2 32+30x2 97');
  });

  test('non-integer step counts are refused', () => {
    expect(() => counterValues([{ perStep: 1, steps: 0.5 }])).toThrow('segment 0: steps must be a positive integer, got 0.5');
  });

  // 0, 1, 2 | 32, 62, 92 | 97 at minutes 0–6.
  promtoolTest('promtool expands them to the intended samples', () => {
    const values = counterValues([{ perStep: 1, steps: 2 }, { perStep: 30, steps: 3 }, { perStep: 5, steps: 1 }]);
    const expected: [string, number][] = [['2m', 2], ['3m', 32], ['5m', 92], ['6m', 97]];
    const result = testRules(PROMTOOL!, [], [
      {
        name: 'counterValues',
        input_series: [{ series: 'c', values }],
        promql_expr_test: expected.map(([t, v]) => ({ expr: 'c', eval_time: t, exp_samples: [{ labels: 'c', value: v }] })),
      },
    ]);
    if (!result.ok) throw new Error(result.output);
  });
});

describe('unit-test files', () => {
  test('names stay out of the file (promtool 2.42 rejects unknown keys) and the interval defaults to 1m', () => {
    const file = parse(unitTestFileYaml('rules.yml', [{ name: 'x', input_series: [] }]));
    expect(file).toEqual({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: [] }] });
  });
});

describe('findPromtool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'findpromtool-'));

  test('PROMTOOL pointing at an executable wins', () => {
    const file = join(dir, 'my-promtool');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    expect(findPromtool({ PROMTOOL: file, PATH: '' })).toBe(file);
  });

  test('nothing on PATH: undefined', () => {
    expect(findPromtool({ PATH: dir })).toBeUndefined();
    expect(findPromtool({ PROMTOOL: join(dir, 'missing') })).toBeUndefined();
  });
});

describe('promtoolStatus: missing promtool is never a silent pass', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promtoolstatus-'));
  const missing = join(dir, 'no-promtool');
  const messageOf = (status: ReturnType<typeof promtoolStatus>) => (status.kind === 'found' ? '' : status.message);

  test('found: its path', () => {
    const file = join(dir, 'promtool');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    expect(promtoolStatus({ PATH: dir, LGP_REQUIRE_PROMTOOL: '1' })).toEqual({ kind: 'found', path: file });
  });

  test('missing with LGP_REQUIRE_PROMTOOL=1 (CI): an error that says how to install it', () => {
    const status = promtoolStatus({ PROMTOOL: missing, LGP_REQUIRE_PROMTOOL: '1' });
    expect(status.kind).toBe('required');
    expect(messageOf(status)).toContain('apt-get install prometheus');
    expect(messageOf(status)).toContain(`PROMTOOL=${missing} is not an executable file`);
  });

  test('missing otherwise: a skip, with the same hint and how to make it an error', () => {
    for (const env of [{ PATH: '' }, { PROMTOOL: missing }, { PROMTOOL: missing, LGP_REQUIRE_PROMTOOL: '0' }]) {
      const status = promtoolStatus(env);
      expect(status.kind).toBe('missing');
      expect(messageOf(status)).toMatch(/skipped; install it with `apt-get install prometheus`.*LGP_REQUIRE_PROMTOOL=1/);
    }
  });
});
