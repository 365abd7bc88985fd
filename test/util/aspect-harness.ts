/**
 * Plain objects through aspects, the way a chart synthesizes them: each object becomes an
 * ApiObject of one chart, the aspects are added to the chart, and `Chart.toJson()` renders them.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { KubeObject } from '../../src/model/kube-object';
import { RenderedObject } from '../../src/model/rendered-object';
import { Aspects, IAspect } from '../../src/util/aspects';

export function throughAspects(objects: readonly KubeObject[], aspects: readonly IAspect[]): KubeObject[] {
  const chart = new Chart(new App({ outdir: 'unused' }), 'chart', { disableResourceNameHashes: true });
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, structuredClone(o) as any)); // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const aspect of aspects) Aspects.of(chart).add(aspect);
  return chart.toJson() as KubeObject[];
}

/** The same for rendered objects: their placement is kept, their objects go through the aspects. */
export function renderedThroughAspects(rendered: readonly RenderedObject[], aspects: readonly IAspect[]): RenderedObject[] {
  const out = throughAspects(rendered.map((r) => r.object), aspects);
  return rendered.map((r, i) => ({ ...r, object: out[i] }));
}
