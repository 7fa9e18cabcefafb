/** The SIP transaction layer (RFC 3261 §17, RFC 6026). */
export * from './types.js';
export * from './timers.js';
export * from './ict.js';
export * from './nict.js';
export * from './ist.js';
export * from './nist.js';
export { ClientTransaction, ServerTransaction, type AnyTransaction } from './shell.js';
export * from './layer.js';
