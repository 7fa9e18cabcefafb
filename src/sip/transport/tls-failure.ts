/**
 * Why a TLS connection to a SIP server failed, in words a user can act on. Node
 * reports certificate problems with OpenSSL's verify codes (X509_V_ERR_* without
 * the prefix) and a name mismatch with ERR_TLS_CERT_ALTNAME_INVALID.
 */

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Plain words for a TLS failure code, or undefined when the code is not a TLS one. */
export function describeTlsFailure(code: string | undefined, serverName: string): string | undefined {
  if (code === undefined) return undefined;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the server's TLS certificate is not for ${serverName}`;
  if (UNTRUSTED.has(code)) return `the server's TLS certificate is not trusted (${code}): add its CA to the trusted certificates, or turn certificate checks off`;
  if (code === 'CERT_HAS_EXPIRED') return `the server's TLS certificate has expired`;
  if (code === 'CERT_NOT_YET_VALID') return `the server's TLS certificate is not valid yet (is the clock right?)`;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') return `TLS handshake with ${serverName} failed (${code})`;
  return undefined;
}
