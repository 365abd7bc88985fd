/**
 * Aspects for cdk8s: visitors applied to every construct of a scope just before synthesis, so a
 * behaviour (sync waves, waiver annotations, keep-on-delete) lives in the construct tree and a
 * library user's `app.synth()` renders what `npm run synth` renders.
 *
 * cdk8s 2.x has no aspects of its own (constructs 10 dropped them). Its one hook between building
 * the tree and `ApiObject.toJson()` is validation: `App.synth()`, `Chart.toJson()` and
 * `Testing.synth()` validate every construct of the App first. So the aspects of a scope run from
 * a validation of that scope, each aspect once per construct, in the order they were added.
 */
import { IConstruct } from 'constructs';

export interface IAspect {
  /** Called once for every construct of the scope (the scope included), parents before children. */
  visit(node: IConstruct): void;
}

const ASPECTS = new WeakMap<IConstruct, Aspects>();

/** The aspects of one scope. */
export class Aspects {
  /** The aspects of `scope` (created on first use). */
  public static of(scope: IConstruct): Aspects {
    let aspects = ASPECTS.get(scope);
    if (!aspects) {
      aspects = new Aspects(scope);
      ASPECTS.set(scope, aspects);
    }
    return aspects;
  }

  private readonly aspects: IAspect[] = [];
  private readonly visited = new Map<IAspect, WeakSet<IConstruct>>();

  private constructor(private readonly scope: IConstruct) {
    // Never an error: validation is only the moment synthesis offers.
    scope.node.addValidation({ validate: () => { this.apply(); return []; } });
  }

  /** The aspects added so far, in order. */
  public get all(): readonly IAspect[] {
    return [...this.aspects];
  }

  /** Adds an aspect; it runs at synthesis (or at {@link apply}) on every construct of the scope. */
  public add(aspect: IAspect): void {
    this.aspects.push(aspect);
  }

  /**
   * Runs each aspect on every construct it has not visited yet. Synthesis calls this; call it
   * yourself only to inspect the tree with the aspects applied before synthesis.
   */
  public apply(): void {
    const nodes = this.scope.node.findAll();
    for (const aspect of this.aspects) {
      let seen = this.visited.get(aspect);
      if (!seen) this.visited.set(aspect, (seen = new WeakSet()));
      for (const node of nodes) {
        if (seen.has(node)) continue;
        seen.add(node);
        aspect.visit(node);
      }
    }
  }
}
