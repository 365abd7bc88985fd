/**
 * The bench's stock cdk8s app (scripts/bench/stock-app.ts) renders the objects `npm run synth`
 * writes under dist/<env>/ for the committed config: the bench refuses to compare timings when the
 * two object counts differ, so a chart the stock app leaves out (e.g. an environment's shared
 * objects) stops the bench before it measures anything.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CONFIG_DIR, PROJECT_ROOT, committed } from '../helpers';
import { KubeObject } from '../../src/model/kube-object';
import { writeStockApp } from '../../scripts/bench/stock-app';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

const key = (environment: string, o: KubeObject) => `${environment} ${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('the stock cdk8s app (committed config)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stock-app-test-'));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('writes the same objects, each once, as npm run synth does under dist/<env>/', () => {
    const main = writeStockApp({ dir: path.join(scratch, 'app'), projectRoot: PROJECT_ROOT, configDir: CONFIG_DIR });
    const outdir = path.join(scratch, 'out');
    const run = spawnSync(TSX, [main], { cwd: path.dirname(main), env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the stock app failed (exit ${run.status}):\n${run.stderr}`);

    const { config, objects } = committed();
    const environments = config.environments.map((e) => e.environment.name);
    // The stock app names each chart (and so its file) `<env>-…`; the longest matching name wins.
    const environmentOf = (file: string) => {
      const env = environments.filter((name) => file.startsWith(`${name}-`)).sort((a, b) => b.length - a.length)[0];
      if (!env) throw new Error(`${file} names no environment of ${environments.join(', ')}`);
      return env;
    };
    const stock = fs.readdirSync(outdir).flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8'))
        .map((doc) => doc.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null)
        .map((o) => key(environmentOf(file), o)),
    );
    const synth = objects.filter((r) => environments.includes(r.environment)).map((r) => key(r.environment, r.object));

    // Shared objects (dist/<env>/_shared/) are part of what is compared.
    expect(objects.some((r) => r.workflow === undefined && environments.includes(r.environment))).toBe(true);
    expect(stock.sort()).toEqual(synth.sort());
  });
});
