/**
 * The entry of `npx cdk8s synth` (cdk8s.yaml): the synth command, whose flags, help and behaviour
 * are in src/cli/synth.ts. `npm run synth` runs that command precompiled (scripts/run-built.js).
 */
import { main } from './cli/synth';

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
