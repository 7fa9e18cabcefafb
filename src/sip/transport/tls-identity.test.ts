import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateTlsIdentity, TLS_CERT_FILE, TLS_KEY_FILE } from './tls-identity.js';

test('the SIP TLS identity is made once, kept private, and read back on the next start', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'dialtone-id-')), 'tls');
  try {
    const first = await loadOrCreateTlsIdentity(dir, 'dialtone.local');
    assert.equal(first.created, true);
    const cert = new X509Certificate(first.cert);
    assert.match(cert.subject, /CN=dialtone.local/);
    assert.match(cert.subjectAltName ?? '', /DNS:dialtone.local/);
    assert.ok(cert.checkPrivateKey(createPrivateKey(first.key)), 'the key belongs to the certificate');
    assert.equal(statSync(join(dir, TLS_KEY_FILE)).mode & 0o077, 0, 'nobody else may read the key');
    const again = await loadOrCreateTlsIdentity(dir, 'dialtone.local');
    assert.equal(again.created, false);
    assert.deepEqual(again.cert, first.cert);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged certificate file is replaced by a new identity instead of stopping SIP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-id-'));
  try {
    writeFileSync(join(dir, TLS_CERT_FILE), 'not a certificate');
    writeFileSync(join(dir, TLS_KEY_FILE), 'not a key');
    const made = await loadOrCreateTlsIdentity(dir, 'dialtone.local');
    assert.equal(made.created, true);
    assert.doesNotThrow(() => new X509Certificate(made.cert));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
