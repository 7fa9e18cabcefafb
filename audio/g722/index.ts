/** ITU-T G.722 (09/2012) 7 kHz SB-ADPCM at 64 kbit/s: a 16 kHz encoder and decoder. */
export { G722Encoder } from './encoder.js';
export { G722Decoder } from './decoder.js';
export type { PredictorState } from './adpcm.js';
