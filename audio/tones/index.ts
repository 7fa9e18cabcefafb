/**
 * Call-progress tones: per-region tone plans (ITU-T E.180 Supp. 2 and national
 * specifications), a streaming generator, a ring cadencer for the line state
 * machine, and an analyzer/classifier for tests and the simulated phone.
 */
export { TONE_KINDS, toneComponents, cadenceTotalMs, toneSpecProblem, ringCadenceProblem } from './types.js';
export type { ToneKind, ToneSpec, RingCadence, TonePlan, AmplitudeModulation, ToneComponent } from './types.js';
export { tonePlan, TONE_PLAN_REGIONS, UnknownRegionError } from './plans/index.js';
export { ToneGenerator, RAMP_MS } from './generator.js';
export type { ToneGeneratorOptions } from './generator.js';
export { RingCadencer } from './ring-cadencer.js';
export type { RingState } from './ring-cadencer.js';
export { measureTone, dbm0OfAmplitude } from './measure.js';
export type { ToneMeasurement, MeasuredComponent, MeasuredBurst } from './measure.js';
export { classifyCallProgress, analyzeCallProgress, SILENCE_DBM0, MIN_PURITY, LEVEL_WINDOW_DB } from './classify.js';
export type { CallProgress, CallProgressAnalysis, CallProgressCandidate } from './classify.js';
export { FREQUENCY_TOLERANCE } from './tone-match.js';
