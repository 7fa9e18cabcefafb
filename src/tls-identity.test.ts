import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TLS_FILES, adminTlsNames, certificateFingerprint, loadOrCreateTlsIdentity, SIP_TLS_FILES, type TlsIdentitySpec } from './tls-identity.js';

const SIP: TlsIdentitySpec = { ...SIP_TLS_FILES, names: ['dialtone.local'], purpose: 'SIP TLS' };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dialtone-id-'));
}

test('the SIP TLS identity is made once, kept private, and read back on the next start', async () => {
  const dir = join(tempDir(), 'tls');
  try {
    const first = await loadOrCreateTlsIdentity(dir, SIP);
    assert.equal(first.created, true);
    const cert = new X509Certificate(first.cert);
    assert.match(cert.subject, /CN=dialtone.local/);
    assert.match(cert.subjectAltName ?? '', /DNS:dialtone.local/);
    assert.ok(cert.checkPrivateKey(createPrivateKey(first.key)), 'the key belongs to the certificate');
    assert.equal(statSync(join(dir, SIP_TLS_FILES.keyFile)).mode & 0o077, 0, 'nobody else may read the key');
    const again = await loadOrCreateTlsIdentity(dir, SIP);
    assert.equal(again.created, false);
    assert.deepEqual(again.cert, first.cert);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged certificate file is replaced by a new identity instead of stopping SIP', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, SIP_TLS_FILES.certFile), 'not a certificate');
    writeFileSync(join(dir, SIP_TLS_FILES.keyFile), 'not a key');
    const made = await loadOrCreateTlsIdentity(dir, SIP);
    assert.equal(made.created, true);
    assert.doesNotThrow(() => new X509Certificate(made.cert));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a key that is not the certificate\'s (a crash between the two renames) gets a new pair', async () => {
  const dir = tempDir();
  try {
    const first = await loadOrCreateTlsIdentity(dir, SIP);
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, SIP_TLS_FILES.keyFile)]);
    const made = await loadOrCreateTlsIdentity(dir, SIP);
    assert.equal(made.created, true);
    assert.notDeepEqual(made.cert, first.cert);
    assert.ok(new X509Certificate(made.cert).checkPrivateKey(createPrivateKey(made.key)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the admin page certificate names the box and dialtone.local, the files the first boot makes', async () => {
  assert.deepEqual(adminTlsNames('dialtone-3f2a'), ['dialtone-3f2a.local', 'dialtone.local']);
  assert.deepEqual(adminTlsNames('dialtone'), ['dialtone.local']);
  const dir = tempDir();
  try {
    const made = await loadOrCreateTlsIdentity(dir, { ...ADMIN_TLS_FILES, names: adminTlsNames('dialtone-3f2a'), purpose: 'admin HTTPS' });
    const cert = new X509Certificate(made.cert);
    assert.equal(cert.subjectAltName, 'DNS:dialtone-3f2a.local, DNS:dialtone.local');
    assert.equal(statSync(join(dir, 'admin.key')).mode & 0o077, 0);
    assert.match(certificateFingerprint(made.cert), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
