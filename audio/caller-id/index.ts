/**
 * Caller ID for Dialtone: messages (GR-30 SDMF/MDMF, ETSI EN 300 659-3), the
 * Bell 202 / V.23 FSK modem, the message receiver, on-hook and off-hook
 * (type II) signal plans, the type II terminal model, and DTMF caller ID.
 * Import from here: `import { CallerIdReceiver, onHookFskPlan } from '../audio/caller-id/index.js'`.
 */
export * from './message.js';
export * from './fsk-modulator.js';
export { FskDemodulator, type FskDemodulatorOptions, type FskEvent } from './fsk-demodulator.js';
export { CallerIdReceiver, type CallerIdEvent } from './receiver.js';
export * from './alert-tone.js';
export * from './on-hook.js';
export * from './off-hook.js';
export { TypeTwoCpe, type TypeTwoCpeEvent, type TypeTwoCpeOptions } from './type-two-cpe.js';
export * from './dtmf-caller-id.js';
export { DtmfCallerIdReceiver, type DtmfCallerIdEvent, type DtmfCallerIdReceiverOptions } from './dtmf-caller-id-receiver.js';
