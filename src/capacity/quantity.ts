/**
 * Kubernetes quantities in the units the capacity planner computes in: CPU in cores, memory in
 * MiB. Parsing itself is the config module's (one parser for one format); this file converts units
 * only.
 */
import { bytes, cpuMillicores } from '../config/quantity';

const BYTES_PER_MEBIBYTE = 1024 ** 2;

/** "250m" → 0.25, "1.5" → 1.5, "2" → 2. Throws naming the value and the expected form. */
export function cpuCores(quantity: string): number {
  return cpuMillicores(quantity) / 1000;
}

/** "256Mi" → 256, "1Gi" → 1024, "512M" → 488.28… (decimal suffixes are 10^n bytes). */
export function memoryMebibytes(quantity: string): number {
  return bytes(quantity) / BYTES_PER_MEBIBYTE;
}
