/**
 * Runs a command as a child process and measures it from the outside: wall time (process start
 * included) and peak resident memory. The peak comes from GNU time (`/usr/bin/time -v`, the
 * largest process of the tree) when installed, else from a preloaded reporter that every Node
 * process of the tree runs at exit (`process.resourceUsage().maxRSS`; the largest is kept).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Stop the command (its whole process group) after this long. @default no limit */
  readonly timeoutMs?: number;
}

export interface Measurement {
  readonly wallMs: number;
  /** Peak resident set size of the largest process in the tree, in KiB; undefined if unknown. */
  readonly peakRssKib?: number;
  /** User + system CPU time of the tree in milliseconds (GNU time only). */
  readonly cpuMs?: number;
  /** `time -v` or `node maxRSS` (see the file comment). */
  readonly rssSource: 'time -v' | 'node maxRSS' | 'none';
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';

export function gnuTimeAvailable(): boolean {
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `command args…` and resolves when it ends (or is stopped at the timeout). */
export async function measureCommand(command: string, args: readonly string[], options: RunOptions): Promise<Measurement> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-measure-'));
  try {
    const useTime = gnuTimeAvailable();
    const timeFile = path.join(scratch, 'time.txt');
    const rssFile = path.join(scratch, 'rss.txt');
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    let argv: string[];
    if (useTime) {
      argv = [GNU_TIME, '-v', '-o', timeFile, command, ...args];
    } else {
      const reporter = path.join(scratch, 'report-rss.js');
      fs.writeFileSync(reporter, `process.on('exit', () => { try { require('fs').appendFileSync(${JSON.stringify(rssFile)}, process.resourceUsage().maxRSS + '\\n'); } catch {} });\n`);
      env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${reporter}`.trim();
      argv = [command, ...args];
    }
    const started = process.hrtime.bigint();
    const result = await run(argv, { ...options, env });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    let peakRssKib: number | undefined;
    let cpuMs: number | undefined;
    if (useTime && fs.existsSync(timeFile)) {
      const report = fs.readFileSync(timeFile, 'utf8');
      const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
      if (match) peakRssKib = Number(match[1]);
      const user = /User time \(seconds\): ([\d.]+)/.exec(report);
      const system = /System time \(seconds\): ([\d.]+)/.exec(report);
      if (user && system) cpuMs = (Number(user[1]) + Number(system[1])) * 1000;
    } else if (!useTime && fs.existsSync(rssFile)) {
      const values = fs.readFileSync(rssFile, 'utf8').split('\n').filter(Boolean).map(Number);
      if (values.length) peakRssKib = Math.max(...values);
    }
    return {
      wallMs,
      peakRssKib,
      cpuMs,
      rssSource: peakRssKib === undefined ? 'none' : useTime ? 'time -v' : 'node maxRSS',
      ...result,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function run(argv: readonly string[], options: RunOptions): Promise<{ exitCode: number | null; timedOut: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout stops the whole tree (npm → tsx → node) and nothing else.
    const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode: code, timedOut, stdout, stderr });
    });
  });
}
