/**
 * The reference structure the linear synth must reproduce: cdk8s used the documented way — one
 * stock `App` per environment with one `WorkflowChart` per workflow, `App.synth()` into a scratch
 * folder — and the written manifests read back. Every chart's synthesis re-runs cdk8s's whole-app
 * passes, so its cost grows with the square of the catalog; it exists for the equivalence test and
 * the benchmark, never for `npm run synth`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ResolvedEnvironment } from '../config/resolved';
import { KubeObject } from '../model/kube-object';
import { RenderedObject } from '../model/rendered-object';
import { SHARED_CHART_ID, sharedChart, workflowChart } from './render';

export interface StraightforwardOptions {
  /**
   * Scratch folder for `App.synth()`; a folder per environment is created inside it.
   * @default a fresh folder under the OS temp dir, removed afterwards
   */
  readonly scratchDir?: string;
}

/**
 * Builds one stock App per environment (chart id = workflow name, as the linear path uses), lets
 * `App.synth()` write one file per chart, and parses the files back into rendered objects.
 */
export function synthesizeStraightforward(environments: readonly ResolvedEnvironment[], options: StraightforwardOptions = {}): RenderedObject[] {
  const scratch = options.scratchDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'straightforward-synth-'));
  try {
    return environments.flatMap((resolved) => {
      const outdir = path.join(scratch, resolved.environment.name);
      const app = synthStraightforwardApp(resolved, outdir);
      return readBack(resolved, app, outdir);
    });
  } finally {
    if (!options.scratchDir) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** One stock App holding every workflow chart of the environment, synthesized into `outdir`. */
export function synthStraightforwardApp(resolved: ResolvedEnvironment, outdir: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  for (const workflow of resolved.workflows) {
    workflowChart(app, resolved, workflow);
  }
  sharedChart(app, resolved);
  app.synth();
  return app;
}

function readBack(resolved: ResolvedEnvironment, app: App, outdir: string): RenderedObject[] {
  const written = new Set(fs.readdirSync(outdir));
  const out: RenderedObject[] = [];
  for (const workflow of resolved.workflows) {
    // FILE_PER_CHART names each file after the chart id (charts here have no dependencies between them).
    const file = `${workflow.name}${app.outputFileExtension}`;
    if (!written.has(file)) {
      throw new Error(`App.synth() wrote no ${file} for workflow "${workflow.name}" in ${outdir} (found: ${[...written].join(', ')})`);
    }
    written.delete(file);
    const docs = parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      const object = doc.toJS() as KubeObject | null;
      if (object) out.push({ environment: resolved.environment.name, workflow: workflow.name, object });
    }
  }
  // The environment's shared chart: its objects belong to no workflow.
  // cdk8s adds a hash to the file name of a chart id it would not use as is (the leading `_`).
  const shared = [...written].find((f) => f.startsWith(SHARED_CHART_ID) && f.endsWith(app.outputFileExtension));
  if (shared && written.delete(shared)) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(outdir, shared), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${shared}: ${doc.errors[0].message}`);
      const object = doc.toJS() as KubeObject | null;
      if (object) out.push({ environment: resolved.environment.name, object });
    }
  }
  if (written.size) throw new Error(`App.synth() wrote files that belong to no workflow: ${[...written].join(', ')}`);
  return out;
}
