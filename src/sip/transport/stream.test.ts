import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger } from '../../log.js';
import { TransportError } from './errors.js';
import { StreamTransport } from './stream.js';
import type { Endpoint } from './types.js';

const OPTIONS = (n: number): Buffer => Buffer.from(`OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK${n}\r\nCall-ID: c${n}\r\nCSeq: ${n} OPTIONS\r\nFrom: <sip:b@x>;tag=1\r\nTo: <sip:a@x>\r\nMax-Forwards: 70\r\nContent-Length: 4\r\n\r\nbody`);

function collect(t: StreamTransport, count: number): Promise<{ bytes: Buffer; remote: Endpoint }[]> {
  const got: { bytes: Buffer; remote: Endpoint }[] = [];
  return new Promise((resolve) => {
    const off = t.onMessage((bytes, remote) => {
      got.push({ bytes, remote });
      if (got.length === count) {
        off();
        resolve(got);
      }
    });
  });
}

test('TCP: messages are framed by Content-Length, and replies reuse the connection the request came on', async () => {
  const log = new MemoryLogger();
  const server = await StreamTransport.open({ protocol: 'tcp', port: 0, log });
  const client = await StreamTransport.open({ protocol: 'tcp', port: 0, log });
  try {
    const atServer = collect(server, 2);
    const dest: Endpoint = { protocol: 'tcp', address: '127.0.0.1', port: server.local.port };
    await client.send(OPTIONS(1), dest);
    await client.send(OPTIONS(2), dest);
    const msgs = await atServer;
    assert.deepEqual(msgs.map((m) => m.bytes.toString()), [OPTIONS(1).toString(), OPTIONS(2).toString()]);
    assert.equal(client.connectionCount, 1, 'the second send reused the connection');
    const back = collect(client, 1);
    const from = msgs[0]?.remote;
    assert.ok(from);
    await server.send(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'), from);
    assert.equal((await back)[0]?.bytes.toString(), 'SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    assert.equal(server.connectionCount, 1, 'the reply went back on the incoming connection');
  } finally {
    await client.close();
    await server.close();
  }
});

test('TCP: byte-by-byte delivery, a CRLF ping gets a pong, and garbage closes only that connection', async () => {
  const log = new MemoryLogger();
  const server = await StreamTransport.open({ protocol: 'tcp', port: 0, address: '127.0.0.1', log });
  try {
    const raw = connect(server.local.port, '127.0.0.1');
    await new Promise((r) => raw.once('connect', r));
    const replies: Buffer[] = [];
    raw.on('data', (d: Buffer) => replies.push(d));
    const got = collect(server, 1);
    const ponged = new Promise((r) => raw.once('data', r));
    raw.write('\r\n\r\n');
    await ponged;
    assert.equal(Buffer.concat(replies).toString(), '\r\n');
    for (const byte of OPTIONS(3)) raw.write(Buffer.from([byte]));
    assert.equal((await got)[0]?.bytes.toString(), OPTIONS(3).toString());
    const closed = new Promise((r) => raw.once('close', r));
    raw.write('INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n'); // no Content-Length on a stream
    await closed;
    assert.equal(server.connectionCount, 0);
    // The listener still serves others.
    const again = connect(server.local.port, '127.0.0.1');
    await new Promise((r) => again.once('connect', r));
    const got2 = collect(server, 1);
    again.write(OPTIONS(4));
    assert.equal((await got2)[0]?.bytes.toString(), OPTIONS(4).toString());
    again.destroy();
  } finally {
    await server.close();
  }
});

test('TCP: an unreachable peer is a TransportError, not a crash', async () => {
  const log = new MemoryLogger();
  const t = await StreamTransport.open({ protocol: 'tcp', port: 0, log });
  const other = await StreamTransport.open({ protocol: 'tcp', port: 0, log });
  const deadPort = other.local.port;
  await other.close();
  try {
    await assert.rejects(t.send(OPTIONS(5), { protocol: 'tcp', address: '127.0.0.1', port: deadPort }), (e: unknown) => e instanceof TransportError && e.context.sysCode === 'ECONNREFUSED');
  } finally {
    await t.close();
  }
});

test('TLS: verified against the configured CA; an unknown certificate is refused by default', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const key = readFileSync(join(dir, 'key.pem'));
    const log = new MemoryLogger();
    const server = await StreamTransport.open({ protocol: 'tls', port: 0, address: '127.0.0.1', log, tls: { cert, key } });
    const trusting = await StreamTransport.open({ protocol: 'tls', port: 0, address: '127.0.0.1', log, tls: { ca: cert } });
    const strict = await StreamTransport.open({ protocol: 'tls', port: 0, address: '127.0.0.1', log });
    try {
      const dest: Endpoint = { protocol: 'tls', address: '127.0.0.1', port: server.local.port };
      const got = collect(server, 1);
      await trusting.send(OPTIONS(6), dest);
      assert.equal((await got)[0]?.bytes.toString(), OPTIONS(6).toString());
      await assert.rejects(strict.send(OPTIONS(7), dest), TransportError);
    } finally {
      await trusting.close();
      await strict.close();
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TLS: the certificate is checked against the endpoint\'s SIP domain, failures say why, and new trust applies to the next connection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=pbx.example.test',
      '-addext', 'subjectAltName=DNS:pbx.example.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const key = readFileSync(join(dir, 'key.pem'));
    const log = new MemoryLogger();
    const server = await StreamTransport.open({ protocol: 'tls', port: 0, address: '127.0.0.1', log, tls: { cert, key } });
    const client = await StreamTransport.open({ protocol: 'tls', port: 0, address: '127.0.0.1', log });
    const at = (serverName: string): Endpoint => ({ protocol: 'tls', address: '127.0.0.1', port: server.local.port, serverName });
    const refusal = async (dest: Endpoint): Promise<string> => {
      try {
        await client.send(OPTIONS(8), dest);
      } catch (err) {
        assert.ok(err instanceof TransportError);
        return err.reason;
      }
      return assert.fail('the connection was accepted');
    };
    try {
      assert.match(await refusal(at('pbx.example.test')), /certificate is not trusted/);
      client.setTrust({ ca: cert });
      assert.match(await refusal(at('other.example.test')), /certificate is not for other\.example\.test/);
      const got = collect(server, 1);
      await client.send(OPTIONS(9), at('pbx.example.test'));
      assert.equal((await got)[0]?.bytes.toString(), OPTIONS(9).toString());
    } finally {
      await client.close();
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
