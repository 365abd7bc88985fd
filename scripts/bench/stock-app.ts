/**
 * A stock cdk8s app over the project's WorkflowChart: what `cdk8s init typescript-app` gives you,
 * filled in the straightforward way — one `App`, one Chart per workflow and environment plus the
 * environment's SharedChart (its `dist/<env>/_shared/` objects: PriorityClass, entry Gateway),
 * `app.synth()` into `CDK8S_OUTDIR`: the objects `npm run synth` writes under `dist/<env>/`, so the
 * bench's object-count check compares like with like. The benchmark runs it twice: through the stock CLI
 * (`npx cdk8s synth`, whose default app command is `npx ts-node main.ts`: type-checked on every
 * run) for the reference comparison, and through tsx for the scaling series (no type-check, so
 * only cdk8s's own cost is measured).
 */
import * as fs from 'fs';
import * as path from 'path';

export interface StockAppOptions {
  /** Folder to write the app into (created). */
  readonly dir: string;
  readonly projectRoot: string;
  /** Config folder the app renders. */
  readonly configDir: string;
  /**
   * Packages to add beside the project's own, by name → package folder (e.g. a ts-node installed
   * elsewhere while the project does not list it yet). Their `bin` entries are linked too.
   * @default none
   */
  readonly extraPackages?: Readonly<Record<string, string>>;
}

/** The app command `cdk8s init typescript-app` writes into cdk8s.yaml. */
export const STOCK_APP_COMMAND = 'npx ts-node main.ts';

export function writeStockApp(options: StockAppOptions): string {
  const { dir, projectRoot, configDir } = options;
  fs.mkdirSync(dir, { recursive: true });
  const src = (rel: string) => JSON.stringify(path.join(projectRoot, 'src', rel));
  fs.writeFileSync(path.join(dir, 'main.ts'), `import { App } from 'cdk8s';
import { loadConfig } from ${src('config/load')};
import { applyCapacityPlans } from ${src('capacity/plan-environments')};
import { WorkflowChart } from ${src('charts/workflow-chart')};
import { SharedChart } from ${src('charts/shared-chart')};

const app = new App();
for (const resolved of applyCapacityPlans(loadConfig(${JSON.stringify(configDir)})).environments) {
  for (const workflow of resolved.workflows) {
    new WorkflowChart(app, \`\${resolved.environment.name}-\${workflow.name}\`, { environment: resolved.environment, workflow });
  }
  // The leading \`_\` keeps the id apart from any workflow's (workflow names are DNS labels).
  new SharedChart(app, \`\${resolved.environment.name}-_shared\`, { resolved });
}
app.synth();
`);
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: ${STOCK_APP_COMMAND}\n`);
  // The project's compiler options (the chart's sources must type-check under them), minus its file layout.
  const projectTsconfig = JSON.parse(fs.readFileSync(path.join(projectRoot, 'tsconfig.json'), 'utf8'));
  const { rootDir: _rootDir, outDir: _outDir, ...compilerOptions } = projectTsconfig.compilerOptions;
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['main.ts'] }, null, 2));
  linkNodeModules(path.join(projectRoot, 'node_modules'), path.join(dir, 'node_modules'), options.extraPackages ?? {});
  return path.join(dir, 'main.ts');
}

/**
 * A node_modules of links: the project's packages and binaries, plus the extra packages, so that
 * `npx cdk8s` and `npx ts-node` resolve locally (npx never downloads anything here).
 */
function linkNodeModules(projectModules: string, target: string, extra: Readonly<Record<string, string>>): void {
  const bin = path.join(target, '.bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const entry of fs.readdirSync(projectModules)) {
    if (entry === '.bin' || entry.startsWith('.')) continue;
    fs.symlinkSync(path.join(projectModules, entry), path.join(target, entry));
  }
  const projectBin = path.join(projectModules, '.bin');
  if (fs.existsSync(projectBin)) {
    for (const entry of fs.readdirSync(projectBin)) fs.symlinkSync(fs.realpathSync(path.join(projectBin, entry)), path.join(bin, entry));
  }
  for (const [name, packageDir] of Object.entries(extra)) {
    const link = path.join(target, name);
    fs.rmSync(link, { force: true });
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(packageDir, link);
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    const bins: Record<string, string> = typeof manifest.bin === 'string' ? { [name]: manifest.bin } : manifest.bin ?? {};
    for (const [command, file] of Object.entries(bins)) {
      fs.rmSync(path.join(bin, command), { force: true });
      fs.symlinkSync(path.join(packageDir, file), path.join(bin, command));
    }
  }
}
