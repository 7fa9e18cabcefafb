import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialtoneError } from '../errors.js';
import { delayImpairment, effectiveEquipmentImpairment, estimateMos, mosFromR, rFactor, type MosCodec } from './mos.js';

const close = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} not within ${tolerance} of ${expected}`);

test('with no delay and no loss, G.711 rates R = 93.2 and MOS ≈ 4.41 (G.107 defaults, Annex B)', () => {
  for (const codec of ['PCMU', 'PCMA', 'G722'] as MosCodec[]) {
    const r = rFactor({ oneWayDelayMs: 0, packetLossPercent: 0, codec });
    close(r, 93.2, 1e-9, `R for ${codec}`);
    close(mosFromR(r), 4.41, 0.005, `MOS for ${codec}`);
  }
  close(estimateMos({ oneWayDelayMs: 20, packetLossPercent: 0, codec: 'PCMU' }), 4.409, 0.001, 'estimateMos');
});

test('Annex B: MOS 1 at or below R = 0, 4.5 at or above R = 100, known points between', () => {
  assert.equal(mosFromR(-20), 1);
  assert.equal(mosFromR(0), 1);
  assert.equal(mosFromR(2), 1); // the cubic dips below 1 for very small R: clamped
  assert.equal(mosFromR(100), 4.5);
  assert.equal(mosFromR(120), 4.5);
  close(mosFromR(50), 1 + 1.75 + 50 * -10 * 50 * 7e-6, 1e-12, 'R = 50');
  close(mosFromR(60), 3.1, 1e-12, 'R = 60');
  close(mosFromR(80), 1 + 2.8 + 80 * 20 * 20 * 7e-6, 1e-12, 'R = 80'); // 4.024
  assert.throws(() => mosFromR(Number.NaN), DialtoneError);
});

test('Idd is 0 up to 100 ms and follows G.107 §7.4 above', () => {
  assert.equal(delayImpairment(0), 0);
  assert.equal(delayImpairment(100), 0);
  // Ta = 200 ms: X = 1 → 25·(2^⅙ − 3·(1 + 3⁻⁶)^⅙ + 2)
  close(delayImpairment(200), 25 * (2 ** (1 / 6) - 3 * (1 + 3 ** -6) ** (1 / 6) + 2), 1e-12, 'Idd(200)');
  close(delayImpairment(200), 3.0, 0.05, 'Idd(200) ≈ 3');
  close(delayImpairment(400), 25 * (65 ** (1 / 6) - 3 * (1 + (2 / 3) ** 6) ** (1 / 6) + 2), 1e-12, 'Idd(400)'); // X = 2
  close(delayImpairment(400), 24.07, 0.01, 'Idd(400) ≈ 24.07');
});

test('Ie,eff for G.711 with PLC: Ie = 0, Bpl = 25.1; bursty loss hurts more (G.107 §7.5)', () => {
  close(effectiveEquipmentImpairment(0, 25.1, 1), 95 / 26.1, 1e-12, '1 % random');
  close(effectiveEquipmentImpairment(0, 25.1, 5, 2), (95 * 5) / (2.5 + 25.1), 1e-12, '5 % BurstR 2');
  assert.ok(
    rFactor({ oneWayDelayMs: 0, packetLossPercent: 5, burstRatio: 2, codec: 'PCMA' }) <
      rFactor({ oneWayDelayMs: 0, packetLossPercent: 5, codec: 'PCMA' }),
  );
  close(rFactor({ oneWayDelayMs: 0, packetLossPercent: 2, codec: 'PCMU' }), 93.2 - 190 / 27.1, 1e-9, 'R at 2 % loss');
});

test('MOS falls monotonically as loss grows', () => {
  let previous = Infinity;
  for (let loss = 0; loss <= 100; loss += 0.5) {
    const mos = estimateMos({ oneWayDelayMs: 40, packetLossPercent: loss, codec: 'PCMU' });
    assert.ok(mos <= previous, `MOS rose at ${loss} %`);
    if (previous > 1) assert.ok(mos < previous || mos === 1, `MOS flat at ${loss} %`);
    previous = mos;
  }
  assert.ok(estimateMos({ oneWayDelayMs: 40, packetLossPercent: 1, codec: 'PCMU' }) > 4.2);
  assert.ok(estimateMos({ oneWayDelayMs: 40, packetLossPercent: 10, codec: 'PCMU' }) < 3.5);
});

test('MOS falls monotonically as one-way delay (jitter buffer included) grows', () => {
  let previous = Infinity;
  for (let delay = 0; delay <= 1000; delay += 10) {
    const mos = estimateMos({ oneWayDelayMs: delay, packetLossPercent: 0.5, codec: 'PCMA' });
    assert.ok(mos <= previous, `MOS rose at ${delay} ms`);
    if (delay > 100) assert.ok(mos < previous, `MOS flat at ${delay} ms`);
    previous = mos;
  }
  // A 60 ms jitter buffer on top of 80 ms of network delay costs something; on top of 20 ms nothing.
  assert.ok(estimateMos({ oneWayDelayMs: 140, packetLossPercent: 0, codec: 'PCMU' }) < estimateMos({ oneWayDelayMs: 80, packetLossPercent: 0, codec: 'PCMU' }));
  assert.equal(estimateMos({ oneWayDelayMs: 80, packetLossPercent: 0, codec: 'PCMU' }), estimateMos({ oneWayDelayMs: 20, packetLossPercent: 0, codec: 'PCMU' }));
});

test('bad inputs are refused', () => {
  assert.throws(() => rFactor({ oneWayDelayMs: -1, packetLossPercent: 0, codec: 'PCMU' }), DialtoneError);
  assert.throws(() => rFactor({ oneWayDelayMs: 0, packetLossPercent: 101, codec: 'PCMU' }), DialtoneError);
  assert.throws(() => rFactor({ oneWayDelayMs: 0, packetLossPercent: 1, burstRatio: 0, codec: 'PCMU' }), DialtoneError);
  assert.throws(() => rFactor({ oneWayDelayMs: 0, packetLossPercent: 1, codec: 'GSM' as MosCodec }), DialtoneError);
});
