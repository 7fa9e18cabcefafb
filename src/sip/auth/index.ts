/**
 * SIP digest authentication: challenge parsing, response computation, the per-realm
 * client session and server-side verification.
 *
 * References: RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760.
 */

export { DIGEST_ALGORITHMS, algorithmStrength, hashFor, type DigestAlgorithm, type HashFn } from './algorithm.js';
export { formatChallenge, parseChallenge, parseChallenges, pickChallenge, type DigestChallenge, type Qop } from './challenge.js';
export { computeDigestResponse, formatAuthorization, formatNc, requestDigest, type DigestCredentials, type DigestRequest } from './digest.js';
export { AuthParseError, AuthRejectedError, type AuthParseReason } from './errors.js';
export { DigestSession, type AuthHeader, type AuthHeaderName, type ChallengeOutcome, type DigestSessionOptions, type RequestToAuthorize } from './session.js';
export { parseCredentials, verifyAuthorization, type NonceVerdict, type VerifyFailure, type VerifyRequest, type VerifyResult } from './verify.js';
