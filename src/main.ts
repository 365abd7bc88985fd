/**
 * The entry of `npm run synth` and of `cdk8s synth` (cdk8s.yaml): the synth command, whose flags,
 * help and behaviour are in src/cli/synth.ts. Only this file is started; nothing imports it.
 */
import { main } from './cli/synth';

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
