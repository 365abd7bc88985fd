/** `npm run check:dist`, through its main(argv) in this process. */
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT, committed } from '../helpers';
import { main } from '../../scripts/check-dist';
import { writeAtomically } from '../../src/synth/write';
import { capture, tmp } from './cli-harness';

const checkDist = (argv: readonly string[]) => capture(() => main(argv));

/** A fresh render of the committed config, in a folder of its own (the committed dist/ may be mid-change in a work tree). */
function freshDist(): string {
  const dir = path.join(tmp('check-dist-'), 'dist');
  writeAtomically(dir, committed().files);
  return dir;
}

test('the committed dist/ equals a fresh synth of the committed config', async () => {
  const r = await checkDist([]);
  expect(r.stderr).toBe('');
  expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('check:dist: dist/ matches a fresh synth') });
});

test('a stale folder fails with a readable diff naming the file and the line', async () => {
  const copy = freshDist();
  const file = path.join(copy, 'prod', 'support-agent', 'service-support-agent-api.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('port: 80', 'port: 8080'));
  fs.rmSync(path.join(copy, 'dev', 'support-agent', 'namespace-support-agent.yaml'));
  fs.writeFileSync(path.join(copy, 'dev', 'extra.yaml'), 'x: 1\n');
  const r = await checkDist([`--dist=${copy}`, `--config=${path.join(PROJECT_ROOT, 'config')}`]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`check:dist: ${copy} is stale`);
  expect(r.stderr).toContain('~ changed: prod/support-agent/service-support-agent-api.yaml');
  expect(r.stderr).toContain('port: 8080');
  expect(r.stderr).toContain('+ missing from dist/: dev/support-agent/namespace-support-agent.yaml');
  expect(r.stderr).toContain('- no longer produced: dev/extra.yaml');
});

test('a config error is one message, exit 2; a bad flag exit 2 with the pointer to --help', async () => {
  const r = await checkDist(['--config', path.join(tmp('check-dist-nocfg-'), 'config')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^check:dist: config folder .* does not exist/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(await checkDist(['--dist'])).toMatchObject({ code: 2, stderr: 'check:dist: --dist needs a value: --dist DIR\nsee `npm run check:dist -- --help`\n' });
});
