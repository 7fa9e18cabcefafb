/**
 * Line echo cancellation for the analog port (ITU-T G.168 / G.165): see
 * canceller.ts. The simulated hybrid used to test it is in test-support/.
 */
export { EchoCanceller, type EchoCancellerOptions, type EchoCancellerStats } from './canceller.js';
