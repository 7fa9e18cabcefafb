import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goertzelAmplitude } from '../goertzel.js';
import { onHookDtmfPlan, onHookFskPlan } from './on-hook.js';
import { CallerIdReceiver } from './receiver.js';
import { DtmfCallerIdReceiver } from './dtmf-caller-id-receiver.js';
import { AlertToneDetector } from './alert-tone.js';
import { fskModulate } from './fsk-modulator.js';
import { encodeCallerIdMessage, type CallerIdInfo } from './message.js';
import { concat, silence } from './test-support/channel.js';

const INFO: CallerIdInfo = { time: { month: 6, day: 1, hour: 8, minute: 15 }, number: '3125550199', name: 'SOMEONE CALLING' };
const LONGEST: CallerIdInfo = { time: { month: 12, day: 31, hour: 23, minute: 59 }, number: '123456789012345', name: 'ABCDEFGHIJKLMNO' };

test('Bell on-hook: FSK after the first ring, ≥ 500 ms after it, MDMF with seizure and 180 marks', () => {
  const plan = onHookFskPlan(INFO, { standard: 'bell202' });
  assert.equal(plan.method, 'after-first-ring');
  assert.ok(plan.waitMs >= 500);
  assert.ok(plan.ringAfterMs >= 200);
  assert.equal(plan.lineReversal, false);
  assert.equal(plan.alerting, undefined);
  assert.deepEqual(plan.fsk, fskModulate(encodeCallerIdMessage(INFO), { standard: 'bell202' }));
  const events = new CallerIdReceiver({ standard: 'bell202' }).process(concat(plan.fsk, silence(100)));
  assert.deepEqual(events.map((e) => (e.type === 'message' ? e.message.info : e.error)), [INFO]);
});

test('Bell on-hook: the longest MDMF fits the 4 s silence of the US cadence with the GR-30 margins', () => {
  const plan = onHookFskPlan(LONGEST, { standard: 'bell202' });
  const fskMs = (plan.fsk.length * 1000) / 8000;
  assert.ok(plan.waitMs + fskMs + plan.ringAfterMs <= 4000, `${plan.waitMs} + ${fskMs} + ${plan.ringAfterMs} ms`);
});

test('ETSI on-hook after the first ring: V.23, ETSI limits, 500 ms wait', () => {
  const name = 'A name longer than fifteen characters';
  const plan = onHookFskPlan({ ...INFO, name }, { standard: 'v23' });
  assert.equal(plan.waitMs, 500);
  const events = new CallerIdReceiver({ standard: 'v23' }).process(concat(plan.fsk, silence(100)));
  assert.equal(events[0]?.type === 'message' ? events[0].message.info.name : undefined, name);
});

test('ETSI before ringing with DT-AS: 100 ms 2130 + 2750 Hz, then FSK after ≥ 45 ms, ring ≥ 200 ms later', () => {
  const plan = onHookFskPlan(INFO, { standard: 'v23', method: 'dt-as', lineReversal: true });
  assert.equal(plan.lineReversal, true);
  assert.ok(plan.reversalLeadMs >= 100);
  assert.ok(plan.alerting !== undefined);
  assert.equal(plan.alerting.length, 800);
  assert.ok(goertzelAmplitude(2130, 8000, plan.alerting) > 1000 && goertzelAmplitude(2750, 8000, plan.alerting) > 1000);
  assert.ok(plan.waitMs >= 45 && plan.ringAfterMs >= 200);
  // The whole sequence as the phone hears it: DT-AS, the wait, the FSK.
  const line = concat(plan.alerting, silence(plan.waitMs), plan.fsk, silence(100));
  assert.deepEqual(new AlertToneDetector().process(line).map((e) => e.type), ['start', 'end']);
  const events = new CallerIdReceiver({ standard: 'v23' }).process(line);
  assert.deepEqual(events.map((e) => (e.type === 'message' ? e.message.info : e.error)), [INFO]);
});

test('ETSI before ringing with RP-AS: a 200–300 ms ring pulse, FSK 500–2000 ms later', () => {
  const plan = onHookFskPlan(INFO, { standard: 'v23', method: 'rp-as' });
  assert.ok(plan.ringPulseMs !== undefined && plan.ringPulseMs >= 200 && plan.ringPulseMs <= 300);
  assert.ok(plan.waitMs >= 500 && plan.waitMs <= 2000);
  assert.equal(plan.alerting, undefined);
});

test('message waiting without ringing: MDMF 0x82 after DT-AS', () => {
  const plan = onHookFskPlan({ messageWaiting: true }, { standard: 'v23', method: 'dt-as' });
  const events = new CallerIdReceiver({ standard: 'v23' }).process(concat(plan.fsk, silence(100)));
  assert.deepEqual(events.map((e) => (e.type === 'message' ? e.message.info : e.error)), [{ messageWaiting: true }]);
});

test('DTMF on-hook: line reversal, a pause, the digits before the first ring', () => {
  const plan = onHookDtmfPlan({ number: '4533221100' }, { variant: 'a-hash' });
  assert.equal(plan.method, 'line-reversal');
  assert.equal(plan.lineReversal, true);
  assert.ok(plan.reversalLeadMs + plan.waitMs >= 200);
  assert.equal(plan.dtmf.length, 12 * 140 * 8, '12 digits of 70 ms tone + 70 ms pause');
  const events = new DtmfCallerIdReceiver().process(concat(silence(plan.waitMs), plan.dtmf, silence(100)));
  assert.deepEqual(events.map((e) => (e.type === 'message' ? e.value.info : e.error)), [{ number: '4533221100' }]);
});
