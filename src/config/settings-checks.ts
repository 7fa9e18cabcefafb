/**
 * Checks of the box-wide settings beyond their JSON shape (the schema checks types
 * and bounds). SIP TLS: every PEM block of the trusted certificates must be an X.509
 * certificate Node can read, so a pasted private key or a damaged certificate is
 * refused with its position, not found later as a failed TLS connection. RTP: the
 * port range starts even (RTP even, RTCP next: RFC 3550 §11) and holds a few calls;
 * the jitter bounds are in order.
 */
import { X509Certificate } from 'node:crypto';
import type { FieldErrors } from './validate.js';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Field errors (relative paths: `trustedCertificates`) for a SIP TLS settings object. */
export function sipTlsProblems(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (typeof value !== 'object' || value === null) return errors;
  const pem = (value as { trustedCertificates?: unknown }).trustedCertificates;
  if (typeof pem !== 'string') return errors;
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) {
    errors.trustedCertificates = 'must hold PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)';
    return errors;
  }
  for (const [i, block] of blocks.entries()) {
    if (block[1] !== 'CERTIFICATE') {
      errors.trustedCertificates = `block ${i + 1} is a ${block[1]?.toLowerCase() ?? 'PEM block'}, not a certificate`;
      return errors;
    }
    try {
      new X509Certificate(block[0]);
    } catch {
      errors.trustedCertificates = `certificate ${i + 1} cannot be read`;
      return errors;
    }
  }
  return errors;
}

/** Field errors (relative paths: `portMin`, `jitterMaxMs`) for an RTP settings object. */
export function rtpSettingsProblems(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (typeof value !== 'object' || value === null) return errors;
  const v = value as Record<string, unknown>;
  const num = (k: string, fallback: number): number => (typeof v[k] === 'number' ? v[k] : fallback);
  const min = num('portMin', 10000);
  const max = num('portMax', 20000);
  if (typeof v.portMin === 'number' && v.portMin % 2 !== 0) errors.portMin = 'must be even (RTP uses even ports, RTCP the next one)';
  else if (max - min + 1 < 8) errors.portMax = `must leave at least 8 ports above portMin (${min}) for calls`;
  if (num('jitterMinMs', 40) > num('jitterMaxMs', 300)) errors.jitterMaxMs = 'must not be smaller than jitterMinMs';
  return errors;
}
