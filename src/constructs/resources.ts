/** Converts the config's resource quantities into cdk8s-plus types (binary byte units only). */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { bytes, cpuMillicores } from '../model/quantity';

export interface ResourceAmounts {
  readonly cpu: string;
  readonly memory: string;
  readonly ephemeralStorage: string;
}

/**
 * Default requests and limits of a LangGraph server container (API and queue worker alike), from
 * LangChain's Helm chart for the self-hosted server: `apiServer.deployment.resources` and
 * `queue.deployment.resources` request 1000m / 2Gi with limits 2000m / 4Gi,
 * https://github.com/langchain-ai/helm/blob/main/charts/langgraph-cloud/values.yaml. That chart's
 * autoscalers target cpu only (`targetCPUUtilizationPercentage: 80`, no memory target) and it
 * recommends KEDA for the queue. Ephemeral storage is ours (the chart sets none): 1Gi requested,
 * 2Gi limit, for /tmp and the container's stdout log files kept by the kubelet.
 */
export const LANGGRAPH_SERVER_RESOURCES: { readonly requests: ResourceAmounts; readonly limits: ResourceAmounts } = {
  requests: { cpu: '1', memory: '2Gi', ephemeralStorage: '1Gi' },
  limits: { cpu: '2', memory: '4Gi', ephemeralStorage: '2Gi' },
};

export function containerResources(requests: ResourceAmounts, limits: ResourceAmounts): kplus.ContainerResources {
  return {
    cpu: { request: cpu(requests.cpu), limit: cpu(limits.cpu) },
    memory: { request: size(requests.memory), limit: size(limits.memory) },
    ephemeralStorage: { request: size(requests.ephemeralStorage), limit: size(limits.ephemeralStorage) },
  };
}

/** "250m" → 250 millicores, "1.5" → 1.5 cores (the form is kept: it is what the manifest shows). */
export function cpu(quantity: string): kplus.Cpu {
  let millicores: number;
  try {
    millicores = cpuMillicores(quantity);
  } catch {
    throw new Error(`cpu quantity "${quantity}" is invalid; use millicores such as "250m" or cores such as "1.5"`);
  }
  return quantity.endsWith('m') ? kplus.Cpu.millis(millicores) : kplus.Cpu.units(millicores / 1000);
}

/** Binary byte units only ("256Mi", "1Gi"): what the server's containers are sized in. */
const BINARY_BYTES = /^\d+(Ki|Mi|Gi|Ti)$/;

export function size(quantity: string): Size {
  if (!BINARY_BYTES.test(quantity)) throw new Error(`byte quantity "${quantity}" is invalid; use binary units such as "256Mi" or "1Gi"`);
  return Size.kibibytes(bytes(quantity) / 1024);
}
