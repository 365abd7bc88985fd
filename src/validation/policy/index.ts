/**
 * Every policy rule, and the runner that applies them: template rules to every pod template,
 * object rules to every object. Ids are stable: waivers and reports name them.
 */
import { EnvironmentIndex } from '../object-index';
import { Violation, toViolation } from '../violation';
import { readOnlyRootFilesystem, resources } from './container-hardening';
import { secretData, secretLiteralEnv, serviceAccount } from './identity-and-secrets';
import { exampleImage } from './example-image';
import { imagePinned } from './image-pinned';
import { POD_SECURITY_RULES } from './pod-security';
import { probePorts, probesDistinct, probesPresent } from './probes';
import { PolicyRule } from './rule';
import { singleReplica } from './single-replica';
import { meshLoadBalancer } from './mesh-load-balancer';
import { serverDataProtection } from './server-data-protection';

export const POLICY_RULES: readonly PolicyRule[] = [
  ...POD_SECURITY_RULES,
  readOnlyRootFilesystem,
  resources,
  imagePinned,
  exampleImage,
  probesPresent,
  probesDistinct,
  probePorts,
  serviceAccount,
  secretLiteralEnv,
  secretData,
  serverDataProtection,
  singleReplica,
  meshLoadBalancer,
];

export function runPolicyRules(index: EnvironmentIndex, rules: readonly PolicyRule[] = POLICY_RULES): Violation[] {
  const ctx = { index, environment: index.environment };
  const out: Violation[] = [];
  const templates = index.templates;
  for (const rule of rules) {
    if (rule.checkTemplate) for (const t of templates) for (const f of rule.checkTemplate(t, ctx)) out.push(toViolation(rule.id, f));
    if (rule.checkObject) for (const r of index.objects) for (const f of rule.checkObject(r, ctx)) out.push(toViolation(rule.id, f));
  }
  return out;
}
