/** G.722 QMF (ITU-T G.722 (09/2012) clause 5): the band split and the analysis-synthesis round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveQmf, TransmitQmf } from './qmf.js';
import { rms } from '../levels.js';

function tone(freq: number, amplitude: number, n: number): Int16Array {
  return new Int16Array(n).map((_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / 16000)));
}

function split(x: Int16Array): { low: Int16Array; high: Int16Array } {
  const qmf = new TransmitQmf();
  const low = new Int16Array(x.length / 2);
  const high = new Int16Array(x.length / 2);
  for (let j = 0; j < low.length; j++) {
    qmf.split(x[2 * j]!, x[2 * j + 1]!);
    low[j] = qmf.xl;
    high[j] = qmf.xh;
  }
  return { low, high };
}

test('a 1 kHz tone goes to the lower band, a 6 kHz tone to the higher band', () => {
  const a = split(tone(1000, 10000, 3200));
  const b = split(tone(6000, 10000, 3200));
  // Sub-band signals are at half scale (the transmit QMF gain is 1/2).
  assert.ok(Math.abs(rms(a.low, 100) - 10000 / 2 / Math.SQRT2) < 100, `1 kHz low ${rms(a.low, 100)}`);
  assert.ok(rms(a.high, 100) < rms(a.low, 100) / 300, `1 kHz high ${rms(a.high, 100)}`);
  assert.ok(Math.abs(rms(b.high, 100) - 10000 / 2 / Math.SQRT2) < 100, `6 kHz high ${rms(b.high, 100)}`);
  assert.ok(rms(b.low, 100) < rms(b.high, 100) / 300, `6 kHz low ${rms(b.low, 100)}`);
});

test('analysis then synthesis gives the input back 22 samples later, to within the QMF ripple', () => {
  for (const f of [300, 1000, 3000, 5000, 7000]) {
    const x = tone(f, 12000, 4000);
    const { low, high } = split(x);
    const rx = new ReceiveQmf();
    const y = new Int16Array(x.length);
    for (let j = 0; j < low.length; j++) {
      rx.merge(low[j]!, high[j]!);
      y[2 * j] = rx.out1;
      y[2 * j + 1] = rx.out2;
    }
    let signal = 0;
    let noise = 0;
    for (let i = 100; i < x.length - 22; i++) {
      signal += x[i]! ** 2;
      noise += (y[i + 22]! - x[i]!) ** 2;
    }
    const snr = 10 * Math.log10(signal / noise);
    assert.ok(snr > 30, `${f} Hz: QMF round trip SNR ${snr.toFixed(1)} dB`);
  }
});
