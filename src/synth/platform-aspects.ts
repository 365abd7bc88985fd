/**
 * The aspects every workflow chart of `dist/` is rendered with: waiver annotations, Argo CD sync
 * waves, keep-on-delete for data holders. A library user who adds them to a chart gets the same
 * annotations, byte for byte, as `npm run synth`.
 */
import { IConstruct } from 'constructs';
import { Waiver } from '../config/schema';
import { KeepOnDelete } from '../gitops/keep-on-delete';
import { SyncWaves } from '../gitops/sync-waves';
import { Aspects } from '../util/aspects';
import { Waivers } from '../validation/waivers';

export interface PlatformAspectsProps {
  /** The environment's waivers (the config's `waivers`). @default - none */
  readonly waivers?: readonly Waiver[];
  /**
   * The workflow substituted for `<workflow>` in waiver names.
   * @default - each object's `app.kubernetes.io/part-of` label
   */
  readonly workflow?: string;
}

/** Adds `Waivers` (when there are any), `SyncWaves` and `KeepOnDelete` to the scope. */
export function addPlatformAspects(scope: IConstruct, props: PlatformAspectsProps = {}): void {
  const aspects = Aspects.of(scope);
  if (props.waivers?.length) aspects.add(new Waivers({ waivers: props.waivers, workflow: props.workflow }));
  aspects.add(new SyncWaves());
  aspects.add(new KeepOnDelete());
}
