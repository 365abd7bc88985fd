import { App, Chart, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Aspects, IAspect } from '../../src/util/aspects';

class Recorder implements IAspect {
  public readonly visits: string[] = [];
  constructor(private readonly label: string, private readonly log: string[]) {}
  public visit(node: IConstruct): void {
    this.visits.push(node.node.path);
    this.log.push(`${this.label}:${node.node.path}`);
  }
}

describe('Aspects', () => {
  test('run at synthesis on every construct of the scope, parents first, each aspect in the order added', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new Construct(new Construct(chart, 'a'), 'b');
    const outside = new Chart(app, 'other');
    new Construct(outside, 'x');
    const log: string[] = [];
    const first = new Recorder('1', log);
    const second = new Recorder('2', log);
    Aspects.of(chart).add(first);
    Aspects.of(chart).add(second);
    expect(log).toEqual([]); // nothing before synthesis
    Testing.synth(chart);
    expect(first.visits).toEqual(['c', 'c/a', 'c/a/b']);
    expect(log).toEqual(['1:c', '1:c/a', '1:c/a/b', '2:c', '2:c/a', '2:c/a/b']);
    expect(Aspects.of(chart).all).toEqual([first, second]);
  });

  test('visit each construct once, however often the app is synthesized; constructs added later are visited next time', () => {
    const app = new App({ outdir: 'unused' });
    const chart = new Chart(app, 'c');
    const aspect = new Recorder('a', []);
    Aspects.of(chart).add(aspect);
    chart.toJson();
    chart.toJson();
    new Construct(chart, 'late');
    chart.toJson();
    expect(aspect.visits).toEqual(['c', 'c/late']);
  });
});
