import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { FSK_TONES, fskBits, fskModulate, fskModulateBits, type FskStandard } from './fsk-modulator.js';
import { CallerIdReceiver, type CallerIdEvent } from './receiver.js';
import { FskDemodulator } from './fsk-demodulator.js';
import { encodeCallerIdMessage, type CallerIdInfo } from './message.js';
import { addNoise, concat, meanSquare, randomInfo, randomInt, ringBurst, seeded, silence, type Random } from './test-support/channel.js';

const STANDARDS: FskStandard[] = ['bell202', 'v23'];

interface Condition {
  name: string;
  levelDbm0?: number;
  snrDb?: number;
  frequencyScale?: number;
  baudScale?: number;
  ring?: boolean;
}

const CONDITIONS: Condition[] = [
  { name: 'nominal' },
  { name: 'attenuated to -30 dBm0', levelDbm0: -30 },
  { name: 'white noise, 20 dB SNR', snrDb: 20 },
  { name: 'tones +2 %', frequencyScale: 1.02 },
  { name: 'tones -2 %', frequencyScale: 0.98 },
  { name: 'baud +1 %', baudScale: 1.01 },
  { name: 'baud -1 %', baudScale: 0.99 },
  { name: 'ring burst + random silence first', ring: true },
  { name: 'all at once (-30 dBm0, 20 dB SNR, +2 %, -1 % baud, ring)', levelDbm0: -30, snrDb: 20, frequencyScale: 1.02, baudScale: 0.99, ring: true },
  { name: 'all at once (-30 dBm0, 20 dB SNR, -2 %, +1 % baud, ring)', levelDbm0: -30, snrDb: 20, frequencyScale: 0.98, baudScale: 1.01, ring: true },
];

/** One on-hook transmission through the impaired line; leading silence is random (0–500 ms; 500–800 ms after a ring). */
function transmission(standard: FskStandard, info: CallerIdInfo, format: 'sdmf' | 'mdmf', c: Condition, rand: Random): Int16Array {
  const t = FSK_TONES[standard];
  const f = c.frequencyScale ?? 1;
  const tones = { markHz: t.markHz * f, spaceHz: t.spaceHz * f, baud: t.baud * (c.baudScale ?? 1) };
  const fsk = fskModulateBits(fskBits(encodeCallerIdMessage(info, { format }), 300, 180), tones, c.levelDbm0 ?? -13.5);
  const lead = c.ring === true ? concat(ringBurst(randomInt(rand, 200, 600)), silence(randomInt(rand, 500, 800))) : silence(randomInt(rand, 0, 500));
  const line = concat(lead, fsk, silence(100));
  return c.snrDb === undefined ? line : addNoise(line, meanSquare(fsk), c.snrDb, rand);
}

/** Feeds 20 ms frames, as the line does. */
function receive(rx: CallerIdReceiver, samples: Int16Array, frame = 160): CallerIdEvent[] {
  const out: CallerIdEvent[] = [];
  for (let i = 0; i < samples.length; i += frame) out.push(...rx.process(samples.subarray(i, i + frame)));
  return out;
}

for (const standard of STANDARDS) {
  test(`${standard}: decode rate over 50 random messages per line condition is 100 %`, () => {
    const rows: string[] = [];
    for (const [k, c] of CONDITIONS.entries()) {
      const rand = seeded(1000 * k + (standard === 'v23' ? 1 : 0));
      let good = 0;
      const runs = 50;
      for (let i = 0; i < runs; i++) {
        const format = i % 2 === 0 ? 'sdmf' : 'mdmf';
        const info = randomInfo(rand, format);
        const events = receive(new CallerIdReceiver({ standard }), transmission(standard, info, format, c, rand));
        const only = events.length === 1 ? events[0] : undefined;
        if (only?.type === 'message' && isDeepStrictEqual(only.message.info, info)) good++;
      }
      rows.push(`  ${c.name.padEnd(60)} ${good}/${runs} (${((100 * good) / runs).toFixed(0)} %)`);
      assert.equal(good, runs, `${standard}, ${c.name}: ${good}/${runs}\n${rows.join('\n')}`);
    }
    console.log(`${standard} decode rates:\n${rows.join('\n')}`);
  });

  test(`${standard}: a message with a bad checksum comes out as a checksum error`, () => {
    const bytes = encodeCallerIdMessage({ number: '5551212', name: 'A' });
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x10;
    const events = receive(new CallerIdReceiver({ standard }), concat(silence(50), fskModulate(bytes, { standard }), silence(100)));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type === 'error' ? events[0].error.kind : 'none', 'checksum');
  });

  test(`${standard}: a transmission cut short comes out as a truncated error`, () => {
    const bytes = encodeCallerIdMessage({ number: '5551212', name: 'Somebody' });
    const fsk = fskModulate(bytes, { standard });
    const cut = fsk.subarray(0, fsk.length - Math.round(8 * 10 * 6.67)); // the last 8 bytes never come
    const events = receive(new CallerIdReceiver({ standard }), concat(cut, silence(200)));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type === 'error' ? events[0].error.kind : 'none', 'truncated');
  });

  test(`${standard}: off-hook framing (80 marks, no seizure) decodes; odd block sizes give the same`, () => {
    const info: CallerIdInfo = { time: { month: 7, day: 4, hour: 23, minute: 59 }, number: '18005551234', name: 'Caller Waiting' };
    const signal = concat(silence(30), fskModulate(encodeCallerIdMessage(info), { standard, seizureBits: 0, markBits: 80 }), silence(50));
    for (const frame of [1, 37, 160, signal.length]) {
      const events = receive(new CallerIdReceiver({ standard }), signal, frame);
      assert.equal(events.length, 1, `frame ${frame}`);
      assert.deepEqual(events[0]?.type === 'message' ? events[0].message.info : undefined, info);
    }
  });

  test(`${standard}: noise, ring bursts and speech-band tones alone produce no messages`, () => {
    const rand = seeded(99);
    const junk = concat(ringBurst(1500), silence(300), addNoise(silence(5000), 5e6, 0, rand), silence(100));
    const rx = new CallerIdReceiver({ standard });
    assert.deepEqual(receive(rx, junk), []);
    // Plain FSK bytes without the mark run are not a message either.
    const bare = fskModulateBits(fskBits(encodeCallerIdMessage({ number: '1' }), 0, 0), FSK_TONES[standard]);
    assert.deepEqual(receive(new CallerIdReceiver({ standard }), concat(bare, silence(100))), []);
  });
}

test('the demodulator reports carrier, mark run and bytes with sample positions', () => {
  const demod = new FskDemodulator({ standard: 'bell202' });
  const signal = concat(silence(100), fskModulate([0x80, 0x01, 0x55], { standard: 'bell202', seizureBits: 0, markBits: 80 }), silence(50));
  const events = demod.process(signal);
  assert.deepEqual(events.map((e) => e.type), ['carrier', 'mark', 'byte', 'byte', 'byte', 'carrier']);
  assert.deepEqual(events.filter((e) => e.type === 'byte').map((e) => (e.type === 'byte' ? e.value : -1)), [0x80, 0x01, 0x55]);
  const on = events[0];
  assert.ok(on?.type === 'carrier' && on.on && on.sample >= 800 && on.sample < 800 + 80, 'carrier within 10 ms of the start');
  assert.equal(demod.carrierOn, false);
});
