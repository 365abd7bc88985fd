/**
 * Reads the behaviour cluster's state with kubectl and waits for it to settle, then judges it
 * (scripts/behaviour/judge.ts). Used by scripts/behaviour/run.sh between sync waves (`--wait-only`:
 * Argo CD starts a wave once the previous one is healthy) and once at the end (the report).
 *
 * Usage: npx tsx scripts/behaviour/observe.ts ENV WAVES_DIR KUBECONFIG [--timeout S] [--wait-only]
 *        [--rollouts-controller] [--json FILE]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CommandIo, defineCommand, flag, processIo, runCommandSync, wholeNumber } from '../../src/cli/command';
import { KubernetesObject } from '../ci/manifest-files';
import { formatJudgement, judge, pending } from './judge';

const KINDS = 'nodes,pods,deployments.apps,statefulsets.apps,replicasets.apps,poddisruptionbudgets.policy,horizontalpodautoscalers.autoscaling,rollouts.argoproj.io';

export const OBSERVE_COMMAND = defineCommand({
  name: 'observe',
  run: 'npx tsx scripts/behaviour/observe.ts',
  summary: 'Wait until the behaviour cluster\'s workloads are ready and its PDBs and HPAs reconciled, then judge and report one environment.',
  positionals: [
    { name: 'ENV', help: 'environment name, for the report', required: true },
    { name: 'WAVES_DIR', help: 'the waves scripts/behaviour/sync-order.ts wrote (the applied objects)', required: true },
    { name: 'KUBECONFIG', help: 'the cluster\'s admin kubeconfig', required: true },
  ],
  flags: {
    timeout: flag.value({ value: 'SECONDS', help: 'give up waiting after this long, then judge what there is', parse: wholeNumber(1), default: 180 }),
    'wait-only': flag.boolean({ help: 'only wait (exit 1 on timeout); no judgement, no report' }),
    'rollouts-controller': flag.boolean({ help: 'the Argo Rollouts controller runs: judge Rollouts and the HPAs over them' }),
    json: flag.value({ value: 'FILE', help: 'also write the judgement as JSON' }),
  },
  examples: [{ command: 'npx tsx scripts/behaviour/observe.ts prod /tmp/waves /tmp/admin.kubeconfig', explain: 'what scripts/behaviour/run.sh runs after the last wave' }],
  exitCodes: ['0  every judged property holds (or, with --wait-only, settled)', '1  a failure, or still unsettled at the timeout', '2  bad arguments'],
});

function clusterItems(kubeconfig: string): Record<string, unknown>[] {
  const out = execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'get', KINDS, '-A', '-o', 'json'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return (JSON.parse(out) as { items: Record<string, unknown>[] }).items;
}

function appliedObjects(dir: string): KubernetesObject[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { items: KubernetesObject[] }).items);
}

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(OBSERVE_COMMAND, argv, ({ positionals, values }) => {
    const [env, wavesDir, kubeconfig] = positionals;
    const options = { rolloutsController: values['rollouts-controller'] };
    const started = Date.now();
    let items = clusterItems(kubeconfig);
    let waiting = pending(items, options);
    while (waiting.length > 0 && Date.now() - started < values.timeout * 1000) {
      execFileSync('sleep', ['2']);
      items = clusterItems(kubeconfig);
      waiting = pending(items, options);
    }
    const took = Math.round((Date.now() - started) / 1000);
    if (values['wait-only']) {
      if (waiting.length === 0) { io.out(`[behaviour] [${env}] settled in ${took}s\n`); return 0; }
      io.err(`[behaviour] [${env}] not settled after ${took}s:\n${waiting.map((w) => `    ${w}\n`).join('')}`);
      return 1;
    }
    const judgement = judge(items, appliedObjects(wavesDir), options);
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(judgement, null, 1)}\n`);
    for (const line of formatJudgement(env, judgement)) io.out(`${line}\n`);
    if (waiting.length > 0) io.out(`  (still unsettled after ${took}s: ${waiting.length})\n`);
    return judgement.failures.length === 0 ? 0 : 1;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
