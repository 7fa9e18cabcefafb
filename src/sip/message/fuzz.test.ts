/**
 * Property tests with a seeded PRNG: mutated messages never make the parser throw, every
 * result is a message or a typed error, accepted messages survive serialize → parse, and
 * the stream framer with random chunking yields what whole-message parsing yields.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SipParseError } from './errors.js';
import { SipStreamFramer } from './framer.js';
import { parseMessage } from './parse.js';
import { serializeMessage } from './serialize.js';
import type { SipMessage } from './message.js';
import { formatUri } from './uri.js';
import { checkRequest, checkResponse } from './sanity.js';
import { SAMPLE_INVITE, SAMPLE_OK, SAMPLE_REGISTER } from './samples.test-data.js';
import { seededRandom as prng } from '../../../audio/seeded-random.js';


const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const DIR = join(repoRoot, '..', 'shared', 'testdata', 'rfc4475');
const VALID = ['wsinv', 'intmeth', 'esc01', 'escnull', 'esc02', 'lwsdisp', 'longreq', 'dblreq', 'semiuri', 'transports', 'mpart01', 'unreason', 'noreason'];

function seeds(): Buffer[] {
  const out = [SAMPLE_INVITE, SAMPLE_OK, SAMPLE_REGISTER].map((s) => Buffer.from(s, 'utf8'));
  if (existsSync(DIR)) for (const name of VALID) out.push(readFileSync(join(DIR, `${name}.dat`)));
  return out;
}

const INSERTS = ['\r', '\n', '\r\n', '"', '<', '>', ':', ';', ',', ' ', '\t', '\\', '%', '@', '\0', '\r\n ', '\r\n\r\n'].map((s) => Buffer.from(s, 'latin1'));

function mutate(input: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(input);
  const count = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < count; k++) {
    const at = Math.floor(rnd() * (b.length + 1));
    const op = Math.floor(rnd() * 6);
    if (op === 0 && b.length > 0) {
      const i = Math.min(at, b.length - 1);
      b[i] = (b[i] ?? 0) ^ (1 << Math.floor(rnd() * 8));
    } else if (op === 1) b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(rnd() * 8)))]);
    else if (op === 2) b = Buffer.concat([b.subarray(0, at), INSERTS[Math.floor(rnd() * INSERTS.length)] ?? Buffer.alloc(0), b.subarray(at)]);
    else if (op === 3) b = b.subarray(0, at);
    else if (op === 4) {
      const len = Math.floor(rnd() * 40);
      b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
    } else b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rnd() * 256)]), b.subarray(at)]);
  }
  return b;
}

function semantics(m: SipMessage): string {
  const h = m.headers;
  const v = (r: { ok: boolean; value?: unknown; error?: { reason: string } }): unknown => (r.ok ? r.value : r.error?.reason);
  const start = m.kind === 'request' ? [m.method, formatUri(m.uri), m.version] : [m.status, m.reason, m.version];
  return JSON.stringify([start, v(h.vias()), v(h.from()), v(h.to()), v(h.cseq()), v(h.callId()), v(h.contact()), v(h.maxForwards())]);
}

describe('fuzz: mutated messages', () => {
  it('parseMessage never throws, returns a message or a SipParseError, and accepted messages round-trip', () => {
    const rnd = prng(0x5eed);
    const inputs = seeds();
    const stats = { runs: 0, ok: 0, errors: 0, roundTrips: 0 };
    for (let n = 0; n < 20000; n++) {
      const input = mutate(inputs[n % inputs.length] ?? Buffer.alloc(0), rnd);
      stats.runs++;
      const r = parseMessage(input);
      if (!r.ok) {
        assert.ok(r.error instanceof SipParseError && r.error.reason.length > 0);
        stats.errors++;
        continue;
      }
      stats.ok++;
      const m = r.message;
      // Accessors and sanity checks must not throw either.
      if (m.kind === 'request') checkRequest(m);
      else checkResponse(m);
      m.headers.contact();
      m.headers.authorization();
      m.headers.contentType();
      const again = parseMessage(serializeMessage(m));
      assert.ok(again.ok, `round trip failed: ${again.ok ? '' : again.error.reason}\n${input.toString('latin1')}`);
      assert.equal(again.message.kind, m.kind);
      assert.equal(semantics(again.message), semantics(m), input.toString('latin1'));
      assert.ok(again.message.body.equals(m.body));
      assert.equal(again.message.headers.fields().length, m.headers.fields().length - m.headers.count('Content-Length') + 1);
      stats.roundTrips++;
    }
    console.log(`fuzz: ${JSON.stringify(stats)}`);
    assert.ok(stats.ok > 1000 && stats.errors > 1000, 'the mutations should exercise both outcomes');
  });

  it('the stream framer with random chunking equals whole-message parsing', () => {
    const rnd = prng(42);
    const messages = seeds()
      .map((b) => parseMessage(b))
      .flatMap((r) => (r.ok ? [serializeMessage(r.message)] : []));
    let framed = 0;
    for (let round = 0; round < 300; round++) {
      const picked: Buffer[] = [];
      const parts: Buffer[] = [];
      for (let i = 0; i < 5; i++) {
        const m = messages[Math.floor(rnd() * messages.length)] ?? Buffer.alloc(0);
        picked.push(m);
        if (rnd() < 0.3) parts.push(Buffer.from('\r\n\r\n'));
        parts.push(m);
      }
      const stream = Buffer.concat(parts);
      const framer = new SipStreamFramer();
      const out: Buffer[] = [];
      let pings = 0;
      for (let at = 0; at < stream.length; ) {
        const len = 1 + Math.floor(rnd() * 700);
        for (const o of framer.push(stream.subarray(at, at + len))) {
          if (o === 'ping' || o === 'pong') pings += o === 'ping' ? 1 : 0;
          else if (o instanceof SipParseError) assert.fail(o.message);
          else out.push(o);
        }
        at += len;
      }
      assert.equal(out.length, picked.length);
      assert.ok(pings >= 0);
      for (let i = 0; i < out.length; i++) {
        const whole = parseMessage(picked[i] ?? Buffer.alloc(0), { transport: 'stream' });
        const fromStream = parseMessage(out[i] ?? Buffer.alloc(0), { transport: 'stream' });
        assert.ok(whole.ok && fromStream.ok);
        assert.ok(serializeMessage(whole.message).equals(serializeMessage(fromStream.message)));
        framed++;
      }
      assert.equal(framer.pending, 0);
    }
    console.log(`framer: ${framed} messages framed from random chunks`);
  });

  it('the framer never throws on mutated streams', () => {
    const rnd = prng(7);
    const inputs = seeds();
    for (let n = 0; n < 3000; n++) {
      const framer = new SipStreamFramer({ maxHeaderBytes: 2048, maxBodyBytes: 4096 });
      const s = mutate(Buffer.concat([inputs[n % inputs.length] ?? Buffer.alloc(0), inputs[(n + 1) % inputs.length] ?? Buffer.alloc(0)]), rnd);
      for (let at = 0; at < s.length; at += 97) {
        for (const o of framer.push(s.subarray(at, at + 97))) {
          if (Buffer.isBuffer(o)) assert.doesNotThrow(() => parseMessage(o, { transport: 'stream' }));
        }
      }
    }
  });
});
