/**
 * One path: `synthesize` (tests, library users), `npm run synth` (the CLI, which the bench runs)
 * and `npm run check:dist` all run each environment through the same job and end with the same
 * final stage, and give the same files. Everything runs in this process, in one thread.
 */
import * as path from 'path';
import * as job from '../../src/synth/environment-job';
import * as pipeline from '../../src/synth/pipeline';
import * as argocd from '../../src/gitops/argocd-objects';
import { main as synthMain } from '../../src/cli/synth';
import { main as checkDistMain } from '../../scripts/check-dist';
import { CONFIG_DIR, committed } from '../helpers';
import { capture, tmp, tree } from './cli-harness';

const ENVIRONMENTS = committed().config.environments.map((e) => e.environment.name);

/** The environments each entry point sent through runEnvironmentJob, and how often the final stage rendered Argo CD's objects. */
async function stagesOf(run: () => unknown): Promise<{ jobs: string[]; finished: number }> {
  const jobSpy = jest.spyOn(job, 'runEnvironmentJob');
  const finishSpy = jest.spyOn(argocd, 'renderArgoCdFromFootprints');
  try {
    await run();
    return { jobs: jobSpy.mock.calls.map(([resolved]) => resolved.environment.name), finished: finishSpy.mock.calls.length };
  } finally {
    jobSpy.mockRestore();
    finishSpy.mockRestore();
  }
}

describe('every entry point takes the one path', () => {
  test('synthesize', async () => {
    expect(await stagesOf(() => pipeline.synthesize(CONFIG_DIR))).toEqual({ jobs: ENVIRONMENTS, finished: 1 });
  });

  test('npm run synth (in this thread) writes the files synthesize returns', async () => {
    const outdir = path.join(tmp('one-path-'), 'dist');
    let code: number | undefined;
    const stages = await stagesOf(async () => {
      code = (await capture(() => synthMain(['--config', CONFIG_DIR, '--outdir', outdir, '--jobs', '1', '--quiet']))).code;
    });
    expect(code).toBe(0);
    expect(stages).toEqual({ jobs: ENVIRONMENTS, finished: 1 });
    expect(tree(outdir)).toEqual(Object.fromEntries(committed().files.map((f) => [f.path, f.content])));
  });

  test('npm run check:dist', async () => {
    let code: number | undefined;
    const stages = await stagesOf(async () => {
      code = (await capture(() => checkDistMain([]))).code;
    });
    expect(code).toBe(0);
    expect(stages).toEqual({ jobs: ENVIRONMENTS, finished: 1 });
  });
});

test('an environment the gate refuses gets no files, but keeps its objects and violations', () => {
  const resolved = committed().config.environments[0];
  const broken = { ...resolved, environment: { ...resolved.environment, waivers: [{ rule: 'no-such-rule', kind: 'Deployment', name: 'nothing', reason: 'test' }] } };
  const output = new job.MemoryOutput();
  const outcome = job.runEnvironmentJob(broken as typeof resolved, output, { keepObjects: true });
  expect(outcome.gate.violations.length).toBeGreaterThan(0);
  expect(outcome.objects?.length).toBeGreaterThan(0);
  expect(output.files).toEqual([]);
});
