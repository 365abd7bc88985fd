/**
 * The bench's profile by stage (scripts/bench/profile.ts): each sample goes to the innermost
 * frame of its stack that belongs to a stage; idle is not CPU.
 */
import { STAGES, stageOfFrame, stagesOfProfile } from '../../scripts/bench/profile';

const frame = (functionName: string, url: string) => ({ functionName, url });

describe('stageOfFrame', () => {
  test.each([
    ['toYaml', 'file:///p/lib/src/synth/serialize.js', 'serialize'],
    ['write', '/p/lib/src/synth/fleet/staged-output.js', 'write'],
    ['runGate', '/p/lib/src/validation/gate.js', 'gate'],
    ['loadConfig', '/p/lib/src/config/load.js', 'load'],
    ['Module._load', 'node:internal/modules/cjs/loader', 'load'],
    ['renderEnvironment', '/p/lib/src/synth/render.js', 'construct'],
    ['synth', '/p/node_modules/cdk8s/lib/app.js', 'construct'],
    ['objectsOf', '/p/lib/src/synth/render-cache.js', 'render cache'],
    ['main', '/p/lib/src/cli/synth.js', undefined],
    ['stringify', '/p/node_modules/yaml/dist/stringify/stringify.js', undefined],
  ])('%s in %s: %s', (name, url, stage) => {
    expect(stageOfFrame(frame(name, url))).toBe(stage);
  });
});

describe('stagesOfProfile', () => {
  // root ─ main (cli) ─ render ─ require (lazy load) ─ yaml
  //                   └ toYaml ─ yaml stringify
  //       └ (garbage collector), (idle)
  const nodes = [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 7, 8] },
    { id: 2, callFrame: frame('main', '/p/lib/src/cli/synth.js'), children: [3, 5] },
    { id: 3, callFrame: frame('renderEnvironment', '/p/lib/src/synth/render.js'), children: [4] },
    { id: 4, callFrame: frame('Module._load', 'node:internal/modules/cjs/loader'), children: [] },
    { id: 5, callFrame: frame('toYaml', '/p/lib/src/synth/serialize.js'), children: [6] },
    { id: 6, callFrame: frame('stringify', '/p/node_modules/yaml/dist/stringify/stringify.js'), children: [] },
    { id: 7, callFrame: frame('(garbage collector)', ''), children: [] },
    { id: 8, callFrame: frame('(idle)', ''), children: [] },
  ];

  test('innermost stage wins, the rest is other, idle is left out; samples counted', () => {
    const samples = [3, 4, 4, 6, 6, 6, 2, 7, 8, 8];
    const stages = stagesOfProfile({ nodes, samples });
    expect(stages).toEqual({ load: 2, construct: 1, 'render cache': 0, gate: 0, serialize: 3, write: 0, 'garbage collection': 1, other: 1 });
    expect(Object.keys(stages)).toEqual([...STAGES]);
  });
});
