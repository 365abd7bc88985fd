/**
 * A release for the behaviour canary, made the way a team makes one: a copy of the config folder
 * with one workflow's `version` and `image.digest` changed in workflows.yaml (comments and layout
 * kept), which canary.sh then renders with `npm run synth -- --config <copy> --outdir <tmp>`.
 * dist/ is never edited.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { CommandIo, defineCommand, flag, processIo, runCommandSync } from '../../src/cli/command';

/** workflows.yaml text with `workflow`'s version (and digest, when it pins one) set. */
export function releaseWorkflows(text: string, workflow: string, version: string): string {
  const doc = parseDocument(text);
  const list = doc.get('workflows') as { items: { get(k: string): unknown; setIn(p: unknown[], v: unknown): void; getIn(p: unknown[]): unknown }[] } | undefined;
  const wf = list?.items.find((w) => w.get('name') === workflow);
  if (!wf) throw new Error(`workflows.yaml has no workflow ${workflow}`);
  wf.setIn(['version'], version);
  // A new release is a new image: a made-up digest derived from the version (the images are examples).
  if (wf.getIn(['image', 'digest'])) wf.setIn(['image', 'digest'], `sha256:${createHash('sha256').update(`${workflow}@${version}`).digest('hex')}`);
  return doc.toString({ lineWidth: 0 }); // layout may differ in flow collections' spacing only
}

export const CANARY_RELEASE_COMMAND = defineCommand({
  name: 'canary-release',
  run: 'npx tsx scripts/behaviour/canary-release.ts',
  summary: "Copy a config folder with one workflow's version (and image digest) changed: a release for the behaviour canary.",
  flags: {
    config: flag.value({ value: 'DIR', help: 'config folder to copy', default: 'config' }),
    out: flag.value({ value: 'DIR', help: 'new config folder (must not exist)', required: true }),
    workflow: flag.value({ value: 'NAME', help: 'the workflow', required: true }),
    version: flag.value({ value: 'VERSION', help: 'its new version', required: true }),
  },
  examples: [{ command: 'npx tsx scripts/behaviour/canary-release.ts --out /tmp/cfg --workflow support-agent --version 1.4.3', explain: 'what canary.sh runs' }],
  exitCodes: ['0  written', '1  no such workflow, or an unreadable config'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(CANARY_RELEASE_COMMAND, argv, ({ values }) => {
    try {
      if (fs.existsSync(values.out)) throw new Error(`${values.out} exists`);
      fs.cpSync(values.config, values.out, { recursive: true });
      const file = path.join(values.out, 'workflows.yaml');
      fs.writeFileSync(file, releaseWorkflows(fs.readFileSync(file, 'utf8'), values.workflow, values.version));
    } catch (e) {
      io.err(`canary-release: ${(e as Error).message}\n`);
      return 1;
    }
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
