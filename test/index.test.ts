/**
 * The public API: a consumer never needs a deep import, so every construct class in
 * src/constructs/ and the gate, config and synthesis entry points are exported by src/index.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as api from '../src/index';
import { PROJECT_ROOT } from './helpers';

const CONSTRUCTS_DIR = path.join(PROJECT_ROOT, 'src', 'constructs');

/** Exported classes of a module (constructors with their own prototype). */
function classesOf(module: Record<string, unknown>): [string, unknown][] {
  return Object.entries(module).filter(([, v]) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v)));
}

test('every construct class in src/constructs/ is exported, as itself, from the package root', () => {
  const missing: string[] = [];
  let classes = 0;
  for (const file of fs.readdirSync(CONSTRUCTS_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(path.join(CONSTRUCTS_DIR, file)) as Record<string, unknown>;
    for (const [name, value] of classesOf(module)) {
      classes++;
      if ((api as Record<string, unknown>)[name] !== value) missing.push(`${name} (src/constructs/${file})`);
    }
  }
  expect(classes).toBeGreaterThan(20);
  expect(missing).toEqual([]);
});

test('the gate, the config loader and the synthesis pipeline are functions of the package root', () => {
  for (const name of ['runGate', 'formatViolation', 'loadConfig', 'synthesize', 'loadPlatform', 'finishSynthesis', 'runEnvironmentJob', 'checkedEnvironment', 'toFiles', 'renderWorkflow', 'selectorLabels']) {
    expect({ name, type: typeof (api as Record<string, unknown>)[name] }).toEqual({ name, type: 'function' });
  }
  expect(api.ConfigError.prototype).toBeInstanceOf(Error);
  expect(api.GATE_RULE_IDS.size).toBeGreaterThan(0);
});
