// @ts-check
/**
 * Records every finished sync operation of every Application, from a watch it runs:
 *   node record-operations.js OUT.json KUBECONFIG
 * (`kubectl get applications -n argocd -o json -w`, stopped with this process on SIGTERM or SIGINT).
 * OUT.json maps each Application's name to its operations (`status.operationState`, in the order
 * seen). A watch sees every update Argo CD writes, so an operation is recorded even when the next
 * one replaces it in the status at once (dev's partial re-sync right after its first sync, which a
 * poll every 2 s missed in CI). The stream is a sequence of JSON objects; each is parsed whole.
 */
const fs = require('fs');
const { spawn } = require('child_process');

const [out, kubeconfig] = process.argv.slice(2);
if (!out || !kubeconfig) {
  process.stderr.write('usage: node record-operations.js OUT.json KUBECONFIG\n');
  process.exit(2);
}
const watch = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'applications', '-n', 'argocd', '-o', 'json', '-w'], { stdio: ['ignore', 'pipe', 'inherit'] });
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) process.on(signal, () => { watch.kill(); process.exit(0); });
watch.on('exit', (code) => process.exit(code ?? 1));
/** @type {Record<string, any[]>} */
const operations = {};

/** @param {any} app */
function record(app) {
  const op = app?.status?.operationState;
  if (!op?.startedAt || !op.finishedAt) return;
  const list = (operations[app.metadata.name] ??= []);
  if (list.some((o) => o.startedAt === op.startedAt)) return;
  list.push(op);
  const partial = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify(operations));
  fs.renameSync(partial, out);
}

/** Splits a stream of concatenated JSON objects (as `kubectl -o json -w` prints them). */
let buffer = '';
let depth = 0;
let inString = false;
let escaped = false;
let start = 0;
watch.stdout.setEncoding('utf8');
watch.stdout.on('data', (chunk) => {
  let i = buffer.length;
  buffer += chunk;
  for (; i < buffer.length; i++) {
    const c = buffer[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && --depth === 0) {
      const text = buffer.slice(start, i + 1);
      buffer = buffer.slice(i + 1);
      i = -1;
      const object = JSON.parse(text);
      for (const app of object.kind === 'List' ? object.items ?? [] : [object]) record(app);
    }
  }
});
