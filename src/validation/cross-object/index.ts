/** Every cross-object check, in report order, and their runner. */
import { EnvironmentIndex } from '../object-index';
import { Violation, toViolation } from '../violation';
import { hpaOnManagedDeployment, hpaTarget, vpaTarget, vpaWithHpa } from './autoscalers';
import { CrossObjectCheck } from './check';
import { pdbBlocksDrain, pdbSelector } from './disruption-budgets';
import { duplicateObjects, invalidNames, namespaceScope } from './identity';
import { egressBaseUrls } from './egress-base-urls';
import { connectionBudget } from './connection-budget';
import { metricReferences } from './metric-references';
import { monitorPort, monitorSelector } from './monitors';
import { networkPolicyCoverage, networkPolicyDns } from './network-policies';
import { rolloutManagedReplicas, rolloutReferences } from './rollouts';
import { routeDestinations } from './routes';
import { serviceAccountExists } from './service-accounts';
import { serviceSelector, serviceTargetPort } from './services';
import { secretSources } from './secret-sources';
import { edgeAuthentication } from './edge-authentication';
import { serverLicense, shutdownTiming } from './shutdown-timing';

export const CROSS_OBJECT_CHECKS: readonly CrossObjectCheck[] = [
  duplicateObjects,
  invalidNames,
  namespaceScope,
  serviceSelector,
  serviceTargetPort,
  serviceAccountExists,
  hpaTarget,
  hpaOnManagedDeployment,
  vpaTarget,
  vpaWithHpa,
  pdbSelector,
  pdbBlocksDrain,
  networkPolicyCoverage,
  networkPolicyDns,
  egressBaseUrls,
  monitorSelector,
  monitorPort,
  metricReferences,
  rolloutReferences,
  rolloutManagedReplicas,
  routeDestinations,
  edgeAuthentication,
  shutdownTiming, serverLicense, secretSources,
  connectionBudget,
];

export function runCrossObjectChecks(index: EnvironmentIndex, checks: readonly CrossObjectCheck[] = CROSS_OBJECT_CHECKS): Violation[] {
  return checks.flatMap((c) => c.check(index).map((f) => toViolation(c.id, f)));
}
