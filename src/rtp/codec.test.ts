import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialtoneError } from '../errors.js';
import type { NegotiatedCodec } from '../sip/sdp/types.js';
import { createDecoder, createEncoder } from './codec.js';
import { CODECS, sineSnrDb } from './test-support/media-loop.js';

function tone(n: number, freq = 1000, amp = 8000, from = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * freq * (from + i)) / 8000));
  return out;
}

for (const codec of Object.values(CODECS)) {
  test(`${codec.name}: one octet per 8 kHz sample, and a tone survives the round trip`, () => {
    const enc = createEncoder(codec);
    const dec = createDecoder(codec);
    assert.equal(enc.name, codec.name);
    assert.equal(dec.name, codec.name);
    const out = new Int16Array(8000);
    for (let f = 0; f < 50; f++) {
      const payload = enc.encode(tone(160, 1000, 8000, f * 160));
      assert.equal(payload.length, 160);
      assert.equal(payload.length, 160, 'one octet per 8 kHz sample = per RTP timestamp unit');
      const pcm = dec.decode(payload);
      assert.equal(pcm.length, 160);
      out.set(pcm, f * 160);
    }
    const { snrDb } = sineSnrDb(out, 800, 8000, 1000);
    assert.ok(snrDb > 30, `${codec.name} ${snrDb.toFixed(1)} dB`);
  });
}

test('G.722 keeps the band: a 3 kHz tone passes the 8 ↔ 16 kHz resamplers', () => {
  const enc = createEncoder(CODECS.G722);
  const dec = createDecoder(CODECS.G722);
  const out = new Int16Array(8000);
  for (let f = 0; f < 50; f++) out.set(dec.decode(enc.encode(tone(160, 3000, 8000, f * 160))), f * 160);
  const { snrDb, amplitude } = sineSnrDb(out, 800, 8000, 3000);
  assert.ok(snrDb > 20, `${snrDb}`);
  assert.ok(amplitude > 7000, `${amplitude}`);
});

test('codecs other than PCMU, PCMA and G.722, or a non-8000 RTP clock, are refused', () => {
  const g729 = { name: 'G729', payloadType: 18, clockRate: 8000, rtpClockRate: 8000 } as unknown as NegotiatedCodec;
  assert.throws(() => createEncoder(g729), (e: unknown) => e instanceof DialtoneError && e.code === 'unsupported_codec');
  assert.throws(() => createDecoder({ ...CODECS.G722, rtpClockRate: 16000 }), DialtoneError);
});
