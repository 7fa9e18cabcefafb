/**
 * A throwaway certificate authority for TLS tests, made with openssl: a CA, and
 * server certificates it signs for the names asked. Files live in a temp dir the
 * caller removes with `cleanup()`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** The CA certificate, PEM. */
  caPem: string;
  /** A server certificate (with its key) for `names` (DNS names or IP addresses), signed by the CA. */
  issue(label: string, names: string[]): { certFile: string; keyFile: string };
  cleanup(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-pki-'));
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.pem');
  openssl(['req', '-x509', ...EC, '-days', '2', '-subj', '/CN=Dialtone Test CA', '-keyout', caKey, '-out', caCert,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return {
    caPem: readFileSync(caCert, 'utf8'),
    issue(label, names) {
      const keyFile = join(dir, `${label}.key`);
      const csr = join(dir, `${label}.csr`);
      const certFile = join(dir, `${label}.pem`);
      const ext = join(dir, `${label}.ext`);
      const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      writeFileSync(ext, `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\n`);
      openssl(['req', ...EC, '-subj', `/CN=${names[0] ?? label}`, '-keyout', keyFile, '-out', csr]);
      openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-out', certFile, '-extfile', ext]);
      return { certFile, keyFile };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
