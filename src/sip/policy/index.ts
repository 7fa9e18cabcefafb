/** Inbound policy: who may make this box's phones ring, per-source rate limiting, IP address comparison. */
export { POLICED_METHODS, decideInbound, isPolicedRequest, type InboundRequest, type PolicyAccount, type InboundDecision } from './inbound.js';
export {
  SourceRateLimiter,
  DEFAULT_BURST,
  DEFAULT_MAX_SOURCES,
  DEFAULT_RATE_PER_SECOND,
  type SourceRateLimiterOptions,
} from './rate-limiter.js';
export { parseIp, formatIp, canonicalIp, type ParsedIp } from './ip-address.js';
