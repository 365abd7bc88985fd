/** What the numbers were measured on, for BENCHMARKS.md. */
import * as os from 'os';

export interface MachineInfo {
  readonly cpuModel: string;
  /** Logical CPUs this process may use (what `nproc` prints). */
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  /** 1-, 5- and 15-minute load averages. */
  readonly loadAverage: readonly number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
