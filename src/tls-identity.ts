/**
 * The box's own TLS identities: a key and a self-signed certificate kept in the
 * data directory's `tls/` folder, made on first use. Two of them:
 * - SIP over TLS: a SIP server that connects to us (an INVITE to our Contact with
 *   transport=tls) sees it; servers that register us over TLS do not check it in
 *   practice (the usual ATA setup: Grandstream and Cisco ATAs ship a self-signed
 *   or vendor certificate too);
 * - the admin page over HTTPS (`--https-port`). On the image the first boot makes
 *   this pair (dialtone-firstboot.service); elsewhere the app makes it.
 * Node cannot build X.509 certificates, so `openssl` makes them (an image
 * dependency). A readable pair whose key belongs to its certificate is never
 * replaced; a damaged or mismatched one is made again.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DialtoneError } from './errors.js';

const run = promisify(execFile);

export interface TlsIdentity {
  cert: Buffer;
  key: Buffer;
  /** True when this call made it. */
  created: boolean;
}

/** Which identity: its two files in the folder, the names it is for, and what it is for (in errors). */
export interface TlsIdentitySpec {
  keyFile: string;
  certFile: string;
  /** DNS names: the first is the subject's CN; all go into subjectAltName. */
  names: readonly string[];
  purpose: string;
}

export const SIP_TLS_FILES = { keyFile: 'sip-tls-key.pem', certFile: 'sip-tls-cert.pem' } as const;
/** The names the image's first boot (image-build/rootfs/usr/lib/dialtone/firstboot.sh) uses too. */
export const ADMIN_TLS_FILES = { keyFile: 'admin.key', certFile: 'admin.crt' } as const;

/** The names of the admin page's certificate on a box called `hostName`. */
export function adminTlsNames(hostName: string): string[] {
  const own = `${hostName.replace(/\.local$/i, '')}.local`;
  return own.toLowerCase() === 'dialtone.local' ? ['dialtone.local'] : [own, 'dialtone.local'];
}

/** The SHA-256 fingerprint of a PEM certificate, as browsers show it (AB:CD:…). */
export function certificateFingerprint(certPem: Buffer | string): string {
  return new X509Certificate(certPem).fingerprint256;
}

async function readPair(dir: string, spec: TlsIdentitySpec): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(join(dir, spec.certFile)), readFile(join(dir, spec.keyFile))]);
    // Throws when either file is damaged; false when the key is another certificate's.
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) return undefined;
    return { cert, key };
  } catch {
    return undefined;
  }
}

/** Reads the identity from `dir`, or makes a new one there (P-256 key, 10 years, for `spec.names`). */
export async function loadOrCreateTlsIdentity(dir: string, spec: TlsIdentitySpec): Promise<TlsIdentity> {
  const found = await readPair(dir, spec);
  if (found !== undefined) return { ...found, created: false };
  const [cn] = spec.names;
  if (cn === undefined) throw new DialtoneError('tls_identity', `the ${spec.purpose} certificate needs a name`, { dir });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyTmp = join(dir, `${spec.keyFile}.new`);
  const certTmp = join(dir, `${spec.certFile}.new`);
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
      '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${spec.names.map((n) => `DNS:${n}`).join(',')}`,
      '-keyout', keyTmp, '-out', certTmp,
    ], { timeout: 30_000 });
    await chmod(keyTmp, 0o600);
    // The certificate last: a crash in between leaves a pair that does not match, made again next start.
    await rename(keyTmp, join(dir, spec.keyFile));
    await rename(certTmp, join(dir, spec.certFile));
  } catch (err) {
    throw new DialtoneError('tls_identity', `could not make the ${spec.purpose} certificate with openssl: ${err instanceof Error ? err.message : String(err)}`, { dir }, { cause: err });
  }
  const made = await readPair(dir, spec);
  if (made === undefined) throw new DialtoneError('tls_identity', `the ${spec.purpose} certificate made by openssl cannot be read`, { dir });
  return { ...made, created: true };
}
