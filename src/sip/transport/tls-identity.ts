/**
 * The box's own TLS identity for SIP over TLS: a key and a self-signed certificate
 * kept in the data directory, made on first use. A SIP server that connects to us
 * (an INVITE to our Contact with transport=tls) sees this certificate; servers
 * that register us over TLS do not check it in practice (the usual ATA setup:
 * Grandstream and Cisco ATAs ship a self-signed or vendor certificate too).
 * Node cannot build X.509 certificates, so `openssl` makes them (an image
 * dependency). A readable pair is never replaced; a damaged one is made again.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DialtoneError } from '../../errors.js';

const run = promisify(execFile);

export interface TlsIdentity {
  cert: Buffer;
  key: Buffer;
  /** True when this call made it. */
  created: boolean;
}

export const TLS_KEY_FILE = 'sip-tls-key.pem';
export const TLS_CERT_FILE = 'sip-tls-cert.pem';

async function readPair(dir: string): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(join(dir, TLS_CERT_FILE)), readFile(join(dir, TLS_KEY_FILE))]);
    new X509Certificate(cert); // throws when the file is damaged
    return { cert, key };
  } catch {
    return undefined;
  }
}

/** Reads the identity from `dir`, or makes a new one there (P-256 key, 10 years, CN and SAN `hostName`). */
export async function loadOrCreateTlsIdentity(dir: string, hostName: string): Promise<TlsIdentity> {
  const found = await readPair(dir);
  if (found !== undefined) return { ...found, created: false };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyTmp = join(dir, `${TLS_KEY_FILE}.new`);
  const certTmp = join(dir, `${TLS_CERT_FILE}.new`);
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
      '-subj', `/CN=${hostName}`, '-addext', `subjectAltName=DNS:${hostName}`,
      '-keyout', keyTmp, '-out', certTmp,
    ], { timeout: 30_000 });
    await chmod(keyTmp, 0o600);
    // The certificate last: a crash in between leaves no pair, and the next start makes one.
    await rename(keyTmp, join(dir, TLS_KEY_FILE));
    await rename(certTmp, join(dir, TLS_CERT_FILE));
  } catch (err) {
    throw new DialtoneError('tls_identity', `could not make the SIP TLS certificate with openssl: ${err instanceof Error ? err.message : String(err)}`, { dir }, { cause: err });
  }
  const made = await readPair(dir);
  if (made === undefined) throw new DialtoneError('tls_identity', 'the SIP TLS certificate made by openssl cannot be read', { dir });
  return { ...made, created: true };
}
