import { App, Chart } from 'cdk8s';
import { LangGraphWorkflow, addPlatformAspects, gateChart, formatViolation } from './src/index';
const app = new App({ outdir: '/tmp/minimal-out' });
const chart = new Chart(app, 'bot', { disableResourceNameHashes: true });
new LangGraphWorkflow(chart, 'Bot', { workflowName: 'bot', image: `registry.example.com/bot@sha256:${'ab'.repeat(32)}`, hostname: 'bot.example.com', owner: { team: 'agents', email: 'agents@example.com', group: 'agents' } });
addPlatformAspects(chart);
const gate = gateChart(chart);
console.log(gate.violations.length, gate.checkedObjects);
console.log(gate.violations.map(formatViolation).join('\n'));
