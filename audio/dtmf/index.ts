/**
 * DTMF for Dialtone: the Q.23 alphabet, a generator and a Q.24 receiver.
 * Import from here: `import { DtmfDetector, dtmfSamples } from '../audio/dtmf/index.js'`.
 */
export { DTMF_HIGH, DTMF_LOW, dtmfFrequencies, isDtmfDigit, type DtmfDigit } from './digits.js';
export { DtmfGenerator, dtmfSamples, type DtmfToneOptions } from './generator.js';
export { DtmfDetector, type DtmfDetectorOptions, type DtmfEvent } from './detector.js';
