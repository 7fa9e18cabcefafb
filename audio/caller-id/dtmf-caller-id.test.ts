import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { dtmfSamples } from '../dtmf/index.js';
import { decodeDtmfCallerId, dtmfCallerIdSamples, encodeDtmfCallerId, type DtmfCallerIdVariant } from './dtmf-caller-id.js';
import { DtmfCallerIdReceiver, type DtmfCallerIdEvent } from './dtmf-caller-id-receiver.js';
import type { CallerIdInfo } from './message.js';
import { addNoise, concat, gain, meanSquare, randomInt, seeded, silence } from './test-support/channel.js';

test('encoding: A…C, A…#, D…C, and the absence codes of each variant', () => {
  assert.equal(encodeDtmfCallerId({ number: '4512345678' }), 'A4512345678C');
  assert.equal(encodeDtmfCallerId({ number: '4512345678' }, 'a-hash'), 'A4512345678#');
  assert.equal(encodeDtmfCallerId({ number: '0223456789' }, 'd-c'), 'D0223456789C');
  assert.equal(encodeDtmfCallerId({ numberAbsence: 'private' }), 'B10C');
  assert.equal(encodeDtmfCallerId({ numberAbsence: 'unavailable' }), 'B00C');
  assert.equal(encodeDtmfCallerId({}, 'd-c'), 'B00C');
  assert.equal(encodeDtmfCallerId({ numberAbsence: 'private' }, 'a-hash'), 'D1#');
  assert.equal(encodeDtmfCallerId({ numberAbsence: 'unavailable' }, 'a-hash'), 'D3#');
  assert.equal(encodeDtmfCallerId({ number: '123', name: 'ignored', time: { month: 1, day: 1, hour: 0, minute: 0 } }), 'A123C');
  assert.throws(() => encodeDtmfCallerId({ number: '+4512345678' }), RangeError);
});

test('decoding: every variant, redirecting numbers, absence codes, and malformed strings', () => {
  const ok = (digits: string): unknown => {
    const r = decodeDtmfCallerId(digits);
    assert.ok(r.ok, digits);
    return r.value;
  };
  assert.deepEqual(ok('A4512345678C'), { info: { number: '4512345678' }, variant: 'a-c' });
  assert.deepEqual(ok('A0812345D0898765C'), { info: { number: '0812345' }, redirectingNumber: '0898765', variant: 'a-c' });
  assert.deepEqual(ok('B10C'), { info: { numberAbsence: 'private' }, variant: 'a-c' });
  assert.deepEqual(ok('B00C'), { info: { numberAbsence: 'unavailable' }, variant: 'a-c' });
  assert.deepEqual(ok('D0223456789C'), { info: { number: '0223456789' }, variant: 'd-c' });
  assert.deepEqual(ok('A33123456#'), { info: { number: '33123456' }, variant: 'a-hash' });
  assert.deepEqual(ok('D1#'), { info: { numberAbsence: 'private' }, variant: 'a-hash' });
  assert.deepEqual(ok('D2#'), { info: { numberAbsence: 'unavailable' }, variant: 'a-hash' });
  assert.deepEqual(ok('D3#'), { info: { numberAbsence: 'unavailable' }, variant: 'a-hash' });
  assert.deepEqual(ok('33123456#'), { info: { number: '33123456' }, variant: 'a-hash' });
  for (const bad of ['', 'A123', 'AC', 'A12*3C', 'C', 'A123C9', 'DC']) assert.equal(decodeDtmfCallerId(bad).ok, false, bad);
});

function receive(rx: DtmfCallerIdReceiver, samples: Int16Array): DtmfCallerIdEvent[] {
  const out: DtmfCallerIdEvent[] = [];
  for (let i = 0; i < samples.length; i += 160) out.push(...rx.process(samples.subarray(i, i + 160)));
  return out;
}

test('round trip through audio for every variant, at line level and attenuated with noise', () => {
  const rand = seeded(11);
  const variants: DtmfCallerIdVariant[] = ['a-c', 'a-hash', 'd-c'];
  let good = 0;
  let runs = 0;
  for (const variant of variants) {
    for (let i = 0; i < 8; i++) {
      const info: CallerIdInfo = i === 7 ? { numberAbsence: i % 2 === 0 ? 'unavailable' : 'private' } : { number: String(randomInt(rand, 10 ** 6, 10 ** 10 - 1)) };
      const clean = dtmfCallerIdSamples(info, { variant });
      const line = i % 2 === 0 ? clean : addNoise(gain(clean, -15), meanSquare(gain(clean, -15)), 20, rand);
      const events = receive(new DtmfCallerIdReceiver(), concat(silence(randomInt(rand, 0, 500)), line, silence(200)));
      runs++;
      const only = events.length === 1 ? events[0] : undefined;
      // 'd-c' shares its absence codes with 'a-c', so B10C / B00C read back as 'a-c'.
      const expected = info.number === undefined && variant === 'd-c' ? 'a-c' : variant;
      if (only?.type === 'message' && only.value.variant === expected && isDeepStrictEqual(only.value.info, info)) good++;
    }
  }
  console.log(`DTMF caller ID round trip: ${good}/${runs}`);
  assert.equal(good, runs);
});

test('the receiver ignores unframed digits and reports a message with no terminator', () => {
  const digits = (s: string): Int16Array => concat(silence(10), dtmfSamples(s, { durationMs: 70, pauseMs: 70 }));
  assert.deepEqual(receive(new DtmfCallerIdReceiver(), concat(digits('5551234'), silence(1500))), []);
  const cut = receive(new DtmfCallerIdReceiver(), concat(digits('A5551234'), silence(1500)));
  assert.equal(cut.length, 1);
  assert.equal(cut[0]?.type === 'error' ? cut[0].error.kind : 'none', 'truncated');
  const unframed = receive(new DtmfCallerIdReceiver({ acceptUnframed: true }), concat(digits('5551234#'), silence(200)));
  assert.deepEqual(unframed.map((e) => (e.type === 'message' ? e.value.info.number : e.type)), ['5551234']);
});
