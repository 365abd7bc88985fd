/**
 * The waivers that name an object, found by kind and name instead of by scanning the list: the
 * gate and the Waivers aspect ask once per object (and per violation), so a scan would cost
 * waivers × objects, which grows with the square of a fleet (each workflow brings its waivers).
 * A name with `<workflow>` is matched after substitution, per workflow, built on first use.
 */
import type { Waiver } from '../config/schema';
import { WORKFLOW_PLACEHOLDER as PLACEHOLDER } from '../constructs/langgraph-workflow';

export class WaiverIndex {
  /** One index per waiver list (lists are built once per environment and never changed). */
  public static of(waivers: readonly Waiver[]): WaiverIndex {
    let index = WaiverIndex.cache.get(waivers);
    if (!index) {
      index = new WaiverIndex(waivers);
      WaiverIndex.cache.set(waivers, index);
    }
    return index;
  }

  private static readonly cache = new WeakMap<readonly Waiver[], WaiverIndex>();

  /** `kind/name` → indexes of the waivers without the placeholder. */
  private readonly exact = new Map<string, number[]>();
  /** Indexes of the waivers whose name holds the placeholder. */
  private readonly templated: number[] = [];
  /** workflow → `kind/name` → indexes of the templated waivers, substituted for that workflow. */
  private readonly byWorkflow = new Map<string, Map<string, number[]>>();

  constructor(private readonly waivers: readonly Waiver[]) {
    waivers.forEach((w, i) => {
      if (w.name.includes(PLACEHOLDER)) this.templated.push(i);
      else push(this.exact, key(w.kind, w.name), i);
    });
  }

  /** Indexes (ascending, as in the list) of the waivers that name this object; see `waiverNames`. */
  public matching(kind: string, name: string, workflow: string | undefined): number[] {
    const exact = this.exact.get(key(kind, name)) ?? [];
    if (workflow === undefined || this.templated.length === 0) return exact;
    const templated = this.forWorkflow(workflow).get(key(kind, name));
    if (!templated) return exact;
    return exact.length ? [...exact, ...templated].sort((a, b) => a - b) : templated;
  }

  private forWorkflow(workflow: string): Map<string, number[]> {
    let names = this.byWorkflow.get(workflow);
    if (!names) {
      names = new Map();
      for (const i of this.templated) push(names, key(this.waivers[i].kind, this.waivers[i].name.split(PLACEHOLDER).join(workflow)), i);
      this.byWorkflow.set(workflow, names);
    }
    return names;
  }
}

function key(kind: string, name: string): string {
  return `${kind}/${name}`;
}

function push(map: Map<string, number[]>, k: string, i: number): void {
  const list = map.get(k);
  if (list) list.push(i);
  else map.set(k, [i]);
}
