/**
 * One status line on a terminal while a fleet synthesizes: each environment's stage and count.
 * Drawn only once the run has taken `delayMs` (small configs finish silently), redrawn at most
 * every `intervalMs`, and erased before the summary. Synchronous on purpose: updates from a job
 * running in the main thread draw as they come, with no timer needed.
 */
import type { FleetProgress, FleetStage } from './environment-job';

/** The part of a stream the reporter needs (process.stderr satisfies it). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressReporterOptions {
  readonly stream: ProgressStream;
  /** Environments in display order. */
  readonly environments: readonly string[];
  /** Nothing is drawn before the run has taken this long. @default 1000 */
  readonly delayMs?: number;
  /** Redraw at most this often. @default 100 */
  readonly intervalMs?: number;
  /** Clock in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** Progress goes to an interactive terminal only: never with --quiet or --json, never into a pipe or file. */
export function progressWanted(options: { readonly quiet: boolean; readonly json: boolean; readonly stream: ProgressStream }): boolean {
  return !options.quiet && !options.json && options.stream.isTTY === true;
}

const STAGE_WORDS: Record<FleetStage, string> = {
  render: 'rendered',
  gate: 'checking',
  serialize: 'serialized',
  write: 'written',
  done: 'done',
};

const ERASE_LINE = '\r\x1b[2K';

export class ProgressReporter {
  private readonly stream: ProgressStream;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private readonly states = new Map<string, FleetProgress | undefined>();
  private lastDraw: number | undefined;

  constructor(options: ProgressReporterOptions) {
    this.stream = options.stream;
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    for (const e of options.environments) this.states.set(e, undefined);
  }

  update(p: FleetProgress): void {
    this.states.set(p.environment, p);
    const now = this.now();
    if (now - this.started < this.delayMs) return;
    if (this.lastDraw !== undefined && now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.stream.write(ERASE_LINE + this.fit(this.line(now)));
  }

  /** Erases the status line, if one was drawn, so the summary starts on a clean line. */
  finish(): void {
    if (this.lastDraw !== undefined) this.stream.write(ERASE_LINE);
    this.lastDraw = undefined;
  }

  /** The status line: `synth 12.3 s  dev: rendered 120/500 · prod: checking 14170 objects · staging: waiting`. */
  line(now = this.now()): string {
    const parts = [...this.states].map(([env, p]) => `${env}: ${describe(p)}`);
    return `synth ${((now - this.started) / 1000).toFixed(1)} s  ${parts.join(' · ')}`;
  }

  private fit(line: string): string {
    const width = this.stream.columns;
    return width && line.length >= width ? `${line.slice(0, Math.max(0, width - 2))}…` : line;
  }
}

function describe(p: FleetProgress | undefined): string {
  if (!p) return 'waiting';
  if (p.stage === 'gate') return `checking ${p.total} objects`;
  if (p.stage === 'done') return 'done';
  const unit = p.stage === 'render' ? ' workflows' : '';
  return `${STAGE_WORDS[p.stage]} ${p.done}/${p.total}${unit}`;
}
