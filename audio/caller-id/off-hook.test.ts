import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goertzelAmplitude } from '../goertzel.js';
import { sinePeakForDbm0 } from '../levels.js';
import { DtmfDetector, dtmfSamples } from '../dtmf/index.js';
import { AlertToneDetector, alertToneSamples } from './alert-tone.js';
import { AckListener, offHookPlan, type AckStatus } from './off-hook.js';
import { TypeTwoCpe, type TypeTwoCpeEvent } from './type-two-cpe.js';
import { fskModulate, type FskStandard } from './fsk-modulator.js';
import { encodeCallerIdMessage, type CallerIdInfo } from './message.js';
import { addNoise, concat, gain, meanSquare, seeded, silence } from './test-support/channel.js';

const INFO: CallerIdInfo = { time: { month: 11, day: 5, hour: 14, minute: 2 }, number: '2125551234', name: 'WAITING CALLER' };
const ms = (n: number): number => Math.round(n * 8);

test('the CAS is 80 ms of 2130 Hz + 2750 Hz, each at −15 dBm0 by default', () => {
  const cas = offHookPlan(INFO, { standard: 'bell202' }).alert;
  assert.equal(cas.length, ms(80));
  for (const f of [2130, 2750]) {
    const a = goertzelAmplitude(f, 8000, cas);
    assert.ok(Math.abs(20 * Math.log10(a / sinePeakForDbm0(-15))) < 0.5, `${f} Hz at ${a}`);
  }
  assert.ok(goertzelAmplitude(1700, 8000, cas) < 0.05 * sinePeakForDbm0(-15));
});

test('the off-hook FSK has no seizure and 80 marks, and decodes', () => {
  const plan = offHookPlan(INFO, { standard: 'bell202' });
  const expected = fskModulate(encodeCallerIdMessage(INFO), { standard: 'bell202', seizureBits: 0, markBits: 80 });
  assert.deepEqual(plan.fsk, expected);
  assert.equal(plan.ackTimeoutMs, 160);
  assert.deepEqual(plan.ackDigits, ['D', 'A']);
});

test('alert tone detector: finds CAS at −13..−35 dBm0 and in 20 dB SNR noise, with its length', () => {
  for (const level of [-13, -25, -35]) {
    const det = new AlertToneDetector();
    const events = det.process(concat(silence(50), alertToneSamples({ levelDbm0: level }), silence(50)));
    assert.deepEqual(events.map((e) => e.type), ['start', 'end'], `${level} dBm0`);
    const end = events[1];
    assert.ok(end?.type === 'end' && Math.abs(end.durationMs - 80) <= 16 && Math.abs(end.sample - ms(130)) <= ms(8), JSON.stringify(end));
  }
  const cas = alertToneSamples({ frequencyError: 0.01 });
  const noisy = addNoise(concat(silence(100), cas, silence(100)), meanSquare(cas), 20, seeded(4));
  assert.equal(new AlertToneDetector().process(noisy).filter((e) => e.type === 'end').length, 1);
});

test('alert tone detector: no alert from one tone alone, DTMF, FSK, noise or too faint a tone', () => {
  const lowOnly = new Int16Array(ms(200)).map((_, i) => Math.round(4000 * Math.sin((2 * Math.PI * 2130 * i) / 8000)));
  const fsk = fskModulate(encodeCallerIdMessage(INFO), { standard: 'bell202' });
  const noise = addNoise(silence(1000), 1e7, 0, seeded(5));
  for (const [name, signal] of [['2130 Hz alone', lowOnly], ['DTMF', dtmfSamples('0123456789ABCD*#')], ['FSK', fsk], ['noise', noise], ['−50 dBm0 CAS', alertToneSamples({ levelDbm0: -50 })]] as const) {
    assert.deepEqual(new AlertToneDetector().process(signal), [], name);
  }
});

/** Runs the CPE over a signal in 20 ms frames, collecting its events. */
function cpeEvents(cpe: TypeTwoCpe, signal: Int16Array): TypeTwoCpeEvent[] {
  const out: TypeTwoCpeEvent[] = [];
  for (let i = 0; i < signal.length; i += 160) out.push(...cpe.process(signal.subarray(i, i + 160)));
  return out;
}

test('the CPE model hears CAS and answers with a 60 ms DTMF D within 100 ms of its end', () => {
  const casEnd = ms(200 + 80);
  const events = cpeEvents(new TypeTwoCpe({ standard: 'bell202' }), concat(silence(200), alertToneSamples(), silence(300)));
  const alert = events.find((e) => e.type === 'alert');
  const ack = events.find((e) => e.type === 'ack');
  assert.ok(alert?.type === 'alert' && Math.abs(alert.endSample - casEnd) <= ms(8));
  assert.ok(ack?.type === 'ack');
  assert.ok(ack.atSample > casEnd && ack.atSample - casEnd <= ms(100), `ACK ${(ack.atSample - casEnd) / 8} ms after CAS`);
  assert.equal(ack.samples.length, ms(60));
  const heard = new DtmfDetector().process(concat(ack.samples, silence(60)));
  assert.deepEqual(heard.filter((e) => e.type === 'start').map((e) => e.type === 'start' && e.digit), ['D']);
  // An ADSI CPE answers 'A'.
  const adsi = cpeEvents(new TypeTwoCpe({ standard: 'bell202', ackDigit: 'A' }), concat(alertToneSamples(), silence(200))).find((e) => e.type === 'ack');
  assert.deepEqual(new DtmfDetector().process(concat(adsi?.type === 'ack' ? adsi.samples : silence(0), silence(60))).map((e) => e.digit), ['A', 'A']);
  // Tone bursts that are not CAS-length get no answer.
  assert.equal(cpeEvents(new TypeTwoCpe({ standard: 'bell202' }), concat(alertToneSamples({ durationMs: 24 }), silence(200))).length, 0);
  assert.equal(cpeEvents(new TypeTwoCpe({ standard: 'bell202' }), concat(alertToneSamples({ durationMs: 400 }), silence(200))).length, 0);
});

function listen(listener: AckListener, signal: Int16Array): AckStatus {
  let status: AckStatus = { status: 'waiting' };
  for (let i = 0; i < signal.length && status.status === 'waiting'; i += 160) status = listener.process(signal.subarray(i, i + 160));
  return status;
}

test('ACK listener: D or A within 160 ms is an ACK; late, wrong or no digit is a timeout', () => {
  const ack = (digit: string, delayMs: number): Int16Array => concat(silence(delayMs), dtmfSamples(digit, { durationMs: 60, pauseMs: 0 }), silence(300));
  const d = listen(new AckListener(), ack('D', 40));
  assert.ok(d.status === 'ack' && d.digit === 'D');
  assert.ok(Math.abs(d.startSample - ms(40)) <= ms(3) && Math.abs(d.endSample - ms(100)) <= ms(3), JSON.stringify(d));
  assert.equal(listen(new AckListener(), ack('A', 120)).status, 'ack');
  assert.equal(listen(new AckListener({ digits: ['D'] }), ack('A', 40)).status, 'timeout');
  assert.equal(listen(new AckListener(), ack('D', 200)).status, 'timeout');
  assert.equal(listen(new AckListener(), ack('5', 40)).status, 'timeout');
  const none = new AckListener();
  assert.deepEqual(listen(none, silence(500)), { status: 'timeout' });
  // The timeout is decided 160 ms + 50 ms detection grace after the CAS, not later.
  const early = new AckListener();
  assert.equal(early.process(silence(200)).status, 'waiting');
  assert.equal(early.process(silence(20)).status, 'timeout');
});

for (const standard of ['bell202', 'v23'] as FskStandard[]) {
  test(`${standard}: full type II exchange, network and phone each hearing the other through a lossy line`, () => {
    const plan = offHookPlan(INFO, { standard });
    const cpe = new TypeTwoCpe({ standard });
    const listener = new AckListener({ digits: plan.ackDigits, timeoutMs: plan.ackTimeoutMs });
    const line = (s: Int16Array): Int16Array => gain(s, -6);
    // 1. The network plays the CAS, then silence; the phone hears it and decides to answer.
    const casEnd = ms(100) + plan.alert.length;
    const toPhone = concat(silence(100), plan.alert, silence(40));
    const phoneEvents = cpeEvents(cpe, line(toPhone));
    assert.ok(cpe.expectingData, 'the phone expects data after its ACK');
    // 2. The phone's ACK goes back; the network listens from the end of the CAS (no line delay).
    const ack = phoneEvents.find((e) => e.type === 'ack');
    assert.ok(ack?.type === 'ack');
    const uplink = silence(400);
    uplink.set(ack.samples, ack.atSample - casEnd);
    let status: AckStatus = { status: 'waiting' };
    let fed = 0;
    for (; fed < uplink.length && status.status === 'waiting'; fed += 160) status = listener.process(line(uplink.subarray(fed, fed + 160)));
    assert.ok(status.status === 'ack', status.status);
    assert.ok(status.startSample <= ms(plan.ackTimeoutMs), 'the ACK began within 160 ms of the end of CAS');
    // 3. The network sends the data `fskDelayMs` after the ACK ended (it knew by then); the phone decodes it.
    const fskStart = status.endSample + ms(plan.fskDelayMs);
    assert.ok(fed <= fskStart, 'the ACK was recognised before the data is due');
    phoneEvents.push(...cpeEvents(cpe, line(concat(new Int16Array(casEnd + fskStart - toPhone.length), plan.fsk, silence(100)))));
    const messages = phoneEvents.filter((e) => e.type === 'message');
    assert.equal(messages.length, 1);
    assert.deepEqual(messages[0]?.type === 'message' ? messages[0].message.info : undefined, INFO);
  });
}

test('the CPE ignores caller-ID data it did not ask for (no CAS first)', () => {
  const fsk = fskModulate(encodeCallerIdMessage(INFO), { standard: 'bell202', seizureBits: 0, markBits: 80 });
  const events = cpeEvents(new TypeTwoCpe({ standard: 'bell202' }), concat(silence(100), fsk, silence(100)));
  assert.deepEqual(events, []);
});
