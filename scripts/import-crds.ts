/**
 * `npm run import [-- --output DIR]`: regenerates imports/ with `cdk8s import`, offline, from the
 * CRD files in ../shared/crds. One `NAME:=FILE` per import (several CRDs share an API group, and
 * without a module name each import would overwrite the previous one). Only what the project uses.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
export const CRDS_DIR = path.resolve(ROOT, '..', 'shared', 'crds');

/** Module name → CRD file. The generated module is imports/<name>-<group>.ts. */
export const IMPORTS: Readonly<Record<string, string>> = {
  'rollouts-rollout': 'argo-rollouts_rollout-crd.yaml',
  'rollouts-analysistemplate': 'argo-rollouts_analysis-template-crd.yaml',
  'istio-gateway': 'istio_networking.istio.io_gateways.yaml',
  'istio-virtualservice': 'istio_networking.istio.io_virtualservices.yaml',
  'prom-podmonitor': 'prometheus-operator_monitoring.coreos.com_podmonitors.yaml',
  'prom-prometheusrule': 'prometheus-operator_monitoring.coreos.com_prometheusrules.yaml',
  'istio-peerauthentication': 'istio_security.istio.io_peerauthentications.yaml',
  'istio-authorizationpolicy': 'istio_security.istio.io_authorizationpolicies.yaml',
  'istio-serviceentry': 'istio_networking.istio.io_serviceentries.yaml',
  'istio-destinationrule': 'istio_networking.istio.io_destinationrules.yaml',
  'istio-envoyfilter': 'istio_networking.istio.io_envoyfilters.yaml',
  'vpa': 'vpa_vpa-v1-crd-gen.yaml',
  'eso-externalsecret': 'external-secrets_external-secrets.io_externalsecrets.yaml',
  'keda-scaledobject': 'keda_keda.sh_scaledobjects.yaml',
  'argocd-application': 'argo-cd_application-crd.yaml',
  'argocd-appproject': 'argo-cd_appproject-crd.yaml',
};

function main(argv: string[]): void {
  const i = argv.indexOf('--output');
  const output = i >= 0 ? path.resolve(argv[i + 1]) : path.join(ROOT, 'imports');
  fs.mkdirSync(output, { recursive: true });
  const cli = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
  for (const [name, file] of Object.entries(IMPORTS)) {
    const spec = `${name}:=${path.join(CRDS_DIR, file)}`;
    process.stdout.write(`import ${name} ← ${file}\n`);
    execFileSync(cli, ['import', spec, '--language', 'typescript', '--output', output, '--no-check-upgrade', '--no-save'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}

if (require.main === module) main(process.argv.slice(2));
