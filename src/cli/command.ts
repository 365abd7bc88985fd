/**
 * The one argument parser of every command (synth, diff, graph, plan and the scripts): each
 * command declares its flags once, with their help, and gets `--flag value` and `--flag=value`,
 * `--help`/`-h` (help on stdout, exit 0), and for a mistake one error line plus where the help is
 * (exit 2). Built on `node:util` `parseArgs`, which tokenizes; the checks and messages are ours.
 *
 * Exit codes shared by every command: 0 done; 1 the command's own failure (see its help) or an
 * internal error (printed with its stack); 2 bad usage, or a problem with the surroundings (a
 * missing folder, an unreadable file, an output folder that cannot be written), printed as one
 * line without a stack.
 */
import { parseArgs as tokenize } from 'node:util';
import { isSchemaSourceError } from '../validation/schema-sources';
import { editDistance } from '../util/did-you-mean';
import { EnvironmentError } from '../util/environment-error';

/** A mistake in the command line. Printed as one line plus "see --help"; exit 2. */
export class UsageError extends Error {}


interface FlagBase {
  /** What the flag does (one or two sentences; wrapped in the help). */
  readonly help: string;
  /** One-letter alias (`-x`). */
  readonly short?: string;
}

export interface BooleanFlag extends FlagBase {
  readonly kind: 'boolean';
}

export interface ValueFlag<T, HasDefault extends boolean = boolean> extends FlagBase {
  readonly kind: 'value';
  /** Placeholder in the help: `--outdir DIR`. */
  readonly value: string;
  readonly parse: (raw: string, flag: string) => T;
  readonly default?: T;
  /** How the help shows the default (default: the default itself). */
  readonly defaultText?: string;
  /** The command cannot run without it: parsing refuses its absence. @default false */
  readonly required?: boolean;
  /** Type-level only: whether the value is always there (`default` set, or `required`). */
  readonly hasDefault?: HasDefault;
}

export interface ListFlag<T> extends FlagBase {
  readonly kind: 'list';
  readonly value: string;
  readonly parse: (raw: string, flag: string) => T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any value type (unknown would be inferred into the flags)
export type Flag = BooleanFlag | ValueFlag<any> | ListFlag<any>;

interface FlagOptions {
  readonly help: string;
  readonly short?: string;
}

interface ValueOptions<T> extends FlagOptions {
  readonly value: string;
  /** Converts and checks the text; throw {@link UsageError} to refuse it. @default the text as is */
  readonly parse?: (raw: string, flag: string) => T;
  readonly defaultText?: string;
  /** Refuse a command line without it (the help says "required"). @default false */
  readonly required?: boolean;
}

const asIs = (raw: string) => raw;

/** The flag builders: `flag.boolean(…)`, `flag.value(…)` (given once), `flag.list(…)` (repeatable, comma-separated too). */
export const flag = {
  boolean(options: FlagOptions): BooleanFlag {
    return { kind: 'boolean', ...options };
  },
  value: valueFlag,
  /** Repeatable, and each occurrence may hold a comma-separated list: `--env dev --env prod` = `--env dev,prod`. */
  list<T = string>(options: ValueOptions<T>): ListFlag<NoInfer<T>> {
    return { kind: 'list', ...options, parse: options.parse ?? (asIs as unknown as (raw: string) => T) };
  },
};

function valueFlag<T = string>(options: ValueOptions<T> & { readonly default: T }): ValueFlag<NoInfer<T>, true>;
function valueFlag<T = string>(options: ValueOptions<T> & { readonly required: true }): ValueFlag<NoInfer<T>, true>;
function valueFlag<T = string>(options: ValueOptions<T>): ValueFlag<NoInfer<T>, false>;
function valueFlag<T>(options: ValueOptions<T> & { readonly default?: T }): ValueFlag<T> {
  return { kind: 'value', ...options, parse: options.parse ?? (asIs as unknown as (raw: string) => T) };
}

/** A whole number ≥ `min`. */
export function wholeNumber(min: number): (raw: string, flag: string) => number {
  return (raw, name) => {
    if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`${name} needs a whole number ≥ ${min}, not "${raw}"`);
    return Number(raw);
  };
}

export interface Positional {
  /** Placeholder, e.g. `OUTDIR`. */
  readonly name: string;
  readonly help: string;
  readonly required: boolean;
}

export interface Example {
  readonly command: string;
  readonly explain: string;
}

export interface CommandSpec<F extends Record<string, Flag>> {
  /** Prefix of every message: `synth: …`. */
  readonly name: string;
  /** How to run it, e.g. `npm run synth --`; the help shows `<run> [options]`. */
  readonly run: string;
  /** One line. */
  readonly summary: string;
  /** Paragraphs after the summary. */
  readonly details?: readonly string[];
  readonly flags: F;
  readonly positionals?: readonly Positional[];
  readonly examples: readonly Example[];
  /** `code: meaning` lines. */
  readonly exitCodes: readonly string[];
}

export function defineCommand<F extends Record<string, Flag>>(spec: CommandSpec<F>): CommandSpec<F> {
  for (const name of Object.keys(spec.flags)) {
    if (name === 'help') throw new Error(`${spec.name}: --help is built in`);
  }
  return spec;
}

type ValueOf<S> = S extends BooleanFlag
  ? boolean
  : S extends ListFlag<infer T>
    ? T[] | undefined
    : S extends ValueFlag<infer T, infer D>
      ? D extends true ? T : T | undefined
      : never;

export type FlagValues<F extends Record<string, Flag>> = { -readonly [K in keyof F]: ValueOf<F[K]> };

export interface ParsedArgs<F extends Record<string, Flag>> {
  readonly values: FlagValues<F>;
  readonly positionals: readonly string[];
}

export type ParseOutcome<F extends Record<string, Flag>> = { readonly help: true } | ({ readonly help: false } & ParsedArgs<F>);

/** Parses `argv` for `spec`. Throws {@link UsageError} with a one-line message. */
export function parseCommandLine<F extends Record<string, Flag>>(spec: CommandSpec<F>, argv: readonly string[]): ParseOutcome<F> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, f] of Object.entries(spec.flags)) {
    options[name] = { type: f.kind === 'boolean' ? 'boolean' : 'string', ...(f.short ? { short: f.short } : {}), ...(f.kind === 'list' ? { multiple: true } : {}) };
  }
  // Not strict: node's own errors are long and name no fix; every token is checked below instead.
  const { tokens } = tokenize({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { help: true };

  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    const f = spec.flags[token.name] as Flag | undefined;
    if (!f) {
      const known = Object.keys(spec.flags).map((n) => `--${n}`);
      const guess = didYouMean(token.rawName.startsWith('--') ? token.rawName : `--${token.name}`, known);
      throw new UsageError(`unknown flag ${token.rawName}${guess ? `; did you mean ${guess}?` : ''}`);
    }
    const display = `--${token.name}`;
    if (f.kind === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${display} takes no value (got "${token.value}")`);
      values[token.name] = true;
      continue;
    }
    const raw = token.value;
    if (raw === undefined || raw === '') throw new UsageError(`${display} needs a value: ${display} ${f.value}`);
    if (!token.inlineValue && raw.startsWith('-')) {
      throw new UsageError(`${display} needs a value, but "${raw}" follows it (to pass a value starting with "-", write ${display}=${raw})`);
    }
    if (f.kind === 'list') {
      const items = raw.split(',').map((s) => s.trim());
      if (items.some((s) => s === '')) throw new UsageError(`${display} has an empty item in "${raw}"`);
      const list = (values[token.name] ??= []) as unknown[];
      for (const item of items) list.push(f.parse(item, display));
    } else {
      if (token.name in values) throw new UsageError(`${display} is given twice; give it once`);
      values[token.name] = f.parse(raw, display);
    }
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.kind === 'boolean') values[name] ??= false;
    else if (f.kind === 'value' && !(name in values) && f.default !== undefined) values[name] = f.default;
    else if (f.kind === 'value' && !(name in values) && f.required) throw new UsageError(`--${name} ${f.value} is required: ${f.help}`);
  }
  const declared = spec.positionals ?? [];
  if (positionals.length > declared.length) {
    const extra = positionals[declared.length];
    throw new UsageError(declared.length ? `unexpected argument "${extra}" (after ${declared.map((p) => p.name).join(' ')})` : `unexpected argument "${extra}"; this command takes flags only`);
  }
  const missing = declared.slice(positionals.length).find((p) => p.required);
  if (missing) throw new UsageError(`${missing.name} is required: ${missing.help}`);
  return { help: false, values: values as FlagValues<F>, positionals };
}

/** The help text (`--help`): usage, summary, flags with their defaults, examples, exit codes. */
export function formatHelp(spec: CommandSpec<Record<string, Flag>>): string {
  const positionals = (spec.positionals ?? []).map((p) => (p.required ? ` ${p.name}` : ` [${p.name}]`)).join('');
  const out: string[] = [`usage: ${spec.run}${positionals} [options]`, '', wrap(spec.summary, 100, '')];
  // In details, a line indented by two spaces is a command to copy: never wrapped.
  for (const d of spec.details ?? []) out.push('', d.split('\n').map((line) => (line.startsWith('  ') ? line : wrap(line, 100, ''))).join('\n'));
  const rows: [string, string][] = [];
  for (const p of spec.positionals ?? []) rows.push([p.name, p.help]);
  for (const [name, f] of Object.entries(spec.flags)) {
    const short = f.short ? `-${f.short}, ` : '';
    const left = f.kind === 'boolean' ? `${short}--${name}` : `${short}--${name} ${f.value}${f.kind === 'list' ? '...' : ''}`;
    let help = f.help;
    if (f.kind === 'value' && (f.defaultText !== undefined || f.default !== undefined)) help += ` (default: ${f.defaultText ?? String(f.default)})`;
    if (f.kind === 'value' && f.required) help += ' (required)';
    rows.push([left, help]);
  }
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.min(28, Math.max(...rows.map(([l]) => l.length)) + 2);
  out.push('', spec.positionals?.length ? 'Arguments and options:' : 'Options:');
  for (const [left, help] of rows) {
    const pad = left.length + 2 <= width ? left.padEnd(width) : `${left}\n${' '.repeat(width + 2)}`;
    out.push(wrap(`  ${pad}${help}`, 100, ' '.repeat(width + 2)));
  }
  out.push('', 'Examples:');
  for (const e of spec.examples) out.push(`  ${e.command}`, wrap(`      ${e.explain}`, 100, '      '));
  out.push('', 'Exit codes:');
  for (const line of spec.exitCodes) out.push(wrap(`  ${line}`, 100, '     '));
  return `${out.join('\n')}\n`;
}

/**
 * The closest candidate within a small edit distance (a third of the length), else the one
 * candidate the input starts with or is the start of (`--environment` → `--env`), or undefined.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (best && best.distance <= Math.max(1, Math.floor(Math.max(input.length, best.candidate.length) / 3))) return best.candidate;
  const bare = (s: string) => s.toLowerCase().replace(/^-+/, '');
  const prefixes = candidates.filter((c) => Math.min(bare(c).length, bare(input).length) >= 3 && (bare(input).startsWith(bare(c)) || bare(c).startsWith(bare(input))));
  return prefixes.length === 1 ? prefixes[0] : undefined;
}

/** Where to write: stdout and stderr of the process unless a test passes its own. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const processIo: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** The one line (plus the pointer to --help) printed for a {@link UsageError}. */
export function usageMessage(spec: CommandSpec<Record<string, Flag>>, message: string): string {
  return `${spec.name}: ${message}\nsee \`${spec.run} --help\`\n`;
}

/**
 * Parses the command line and runs `body` with the values: `--help` prints the help (exit 0); a
 * {@link UsageError} (from parsing or from `body`) prints one line and the pointer to --help
 * (exit 2); an {@link EnvironmentError} or a file system error prints one line (exit 2); anything
 * else is a bug and is printed with its stack (exit 1).
 */
export async function runCommand<F extends Record<string, Flag>>(
  spec: CommandSpec<F>,
  argv: readonly string[],
  body: (args: ParsedArgs<F>) => number | Promise<number>,
  io: CommandIo = processIo,
): Promise<number> {
  const parsed = begin(spec, argv, io);
  if (typeof parsed === 'number') return parsed;
  try {
    return await body(parsed);
  } catch (e) {
    return failure(spec, e, io);
  }
}

/** {@link runCommand} for a command whose work is synchronous. */
export function runCommandSync<F extends Record<string, Flag>>(
  spec: CommandSpec<F>,
  argv: readonly string[],
  body: (args: ParsedArgs<F>) => number,
  io: CommandIo = processIo,
): number {
  const parsed = begin(spec, argv, io);
  if (typeof parsed === 'number') return parsed;
  try {
    return body(parsed);
  } catch (e) {
    return failure(spec, e, io);
  }
}

/**
 * For a script whose body is its module's top level: the parsed arguments; after the help (exit 0)
 * or a usage error (exit 2), printed as every command prints them, the process exits instead.
 */
export function commandLineOrExit<F extends Record<string, Flag>>(spec: CommandSpec<F>, argv: readonly string[], io: CommandIo = processIo): ParsedArgs<F> {
  const parsed = begin(spec, argv, io);
  if (typeof parsed === 'number') process.exit(parsed);
  return parsed;
}

/** The parsed arguments, or the exit code when there is nothing more to do (help printed, or a usage error). */
function begin<F extends Record<string, Flag>>(spec: CommandSpec<F>, argv: readonly string[], io: CommandIo): ParsedArgs<F> | number {
  try {
    const parsed = parseCommandLine(spec, argv);
    if (!parsed.help) return parsed;
    io.out(formatHelp(spec));
    return 0;
  } catch (e) {
    return failure(spec, e, io);
  }
}

function failure(spec: CommandSpec<Record<string, Flag>>, e: unknown, io: CommandIo): number {
  if (e instanceof UsageError) {
    io.err(usageMessage(spec, e.message));
    return 2;
  }
  const line = environmentProblem(e);
  if (line !== undefined) {
    io.err(`${spec.name}: ${line}\n`);
    return 2;
  }
  io.err(`${spec.name}: unexpected error (a bug, please report it): ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  return 1;
}

/** File system error codes that describe the surroundings (missing, unreadable or unwritable paths, a full disk). */
const SURROUNDINGS_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOSPC', 'EDQUOT', 'EEXIST', 'ENOTEMPTY', 'EBUSY', 'EMFILE', 'ENAMETOOLONG', 'ELOOP']);

/** One line for a problem with the surroundings ({@link EnvironmentError}, or a file system error); undefined for anything else. */
export function environmentProblem(e: unknown): string | undefined {
  if (e instanceof EnvironmentError) return e.message;
  // A missing or damaged schemas/ folder (the gate's data) is the surroundings too, not a bug.
  if (isSchemaSourceError(e)) return e.message;
  if (isSystemError(e)) return e.message;
  return undefined;
}

/** A Node.js file system error (`code` and `syscall`), e.g. `EACCES: permission denied, mkdir '/x'`. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string; syscall: string } {
  const err = e as NodeJS.ErrnoException | undefined;
  return e instanceof Error && typeof err?.code === 'string' && typeof err.syscall === 'string' && SURROUNDINGS_CODES.has(err.code);
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(?<=\S) (?=\S)/)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = indent + word.trimStart();
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines.join('\n');
}
