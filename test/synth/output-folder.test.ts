import * as fs from 'fs';
import * as path from 'path';
import { unreplaceableOutputFolder } from '../../src/synth/output-folder';
import { tmp } from './cli-harness';

const CONFIG = '/somewhere/else/config';
const write = (file: string, content = 'x\n') => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};

describe('unreplaceableOutputFolder', () => {
  test('a missing, an empty and an output-shaped folder may be replaced', () => {
    const out = tmp('outfolder-');
    expect(unreplaceableOutputFolder(path.join(out, 'missing'), CONFIG)).toBeUndefined();
    expect(unreplaceableOutputFolder(out, CONFIG)).toBeUndefined();
    write(path.join(out, 'prod', 'support-agent', 'deployment-support-agent-api.yaml'));
    write(path.join(out, 'prod', '_shared', 'priorityclass-x.yaml'));
    write(path.join(out, 'argocd', 'applicationset-langgraph-prod.yaml'));
    expect(unreplaceableOutputFolder(out, CONFIG)).toBeUndefined();
  });

  test('the config folder, or a folder holding it, is refused', () => {
    const out = tmp('outfolder-');
    expect(unreplaceableOutputFolder(out, path.join(out, 'config'))).toMatch(new RegExp(`^output folder ${out} holds the config folder ${out}/config, and a synth replaces the whole output folder: pass an --outdir`));
    expect(unreplaceableOutputFolder(out, out)).toMatch(/holds the config folder/);
    expect(unreplaceableOutputFolder(out, `${out}-sibling/config`)).toBeUndefined(); // a name prefix is not containment
  });

  test('the same folder by another spelling (a symlink on the way) is still the config\'s: compared by identity', () => {
    const root = tmp('outfolder-');
    const real = path.join(root, 'real', 'deploy');
    for (const f of ['workflows.yaml', 'environments/dev.yaml']) write(path.join(real, 'config', f));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    const viaLink = path.join(root, 'alias', 'deploy');
    expect(unreplaceableOutputFolder(viaLink, path.join(real, 'config'))).toMatch(/holds the config folder/);
    expect(unreplaceableOutputFolder(real, path.join(viaLink, 'config'))).toMatch(/holds the config folder/);
  });

  test('files at the top, anything but folders and .yaml files below, and links are named (three, then a count)', () => {
    const out = tmp('outfolder-');
    write(path.join(out, 'README.md'));
    write(path.join(out, 'prod', 'notes.txt'));
    write(path.join(out, 'prod', 'ok.yaml'));
    fs.symlinkSync('/tmp', path.join(out, 'link'));
    expect(unreplaceableOutputFolder(out, CONFIG)).toBe(`output folder ${out} holds README.md, link, prod/notes.txt, which no synth writes, and a synth replaces the whole output folder: pass an --outdir that is new, empty or a previous output (e.g. dist), or move them out`);
    write(path.join(out, 'src', 'index.ts'));
    expect(unreplaceableOutputFolder(out, CONFIG)).toMatch(/holds README\.md, link, prod\/notes\.txt and 1 more, which/);
  });

  test('the committed dist/ may be replaced', () => {
    expect(unreplaceableOutputFolder(path.resolve(__dirname, '../../dist'), CONFIG)).toBeUndefined();
  });
});
