/**
 * The lines' local calls again, on the hardware board: `openHardwareBoard` on the
 * ag1171-cm108-cpc5622 profile (two AG1171 FXS ports, a CPC5622 FXO port, a CM108
 * sound card each), i.e. the real gpio-slic and gpio-daa drivers over the fake
 * GPIO layer and the real ALSA audio ports over fake PCM streams at 48 kHz, behind
 * the resilient board; the lines and the call router on top as the box builds them
 * (board/test-support/hardware-rig.ts). Every call is checked by what the hardware
 * shows: SHK/RM/F-R and the DAA's hook relay, ring-detect and loop-current lines,
 * and the audio the sound cards captured and played. Then the faults: a sound card
 * unplugged and plugged back, and the GPIO driver failing while a card is away.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { shareAt } from '../src/calls/test-support/router-rig.js';
import { hardwareRig, type HardwareRig } from '../board/test-support/hardware-rig.js';
import type { Ear } from '../board/test-support/line-audio-io.js';

/** Long enough for the hook decoder to take an on-hook as a hang-up (US flash window up to 1.1 s). */
const HANG_UP_MS = 1500;
const MIC_HZ = 700;
const FAR_HZ = 1000;
const ALICE = { number: '5551234', name: 'ALICE' };

const rigs: HardwareRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(): Promise<HardwareRig> {
  const r = await hardwareRig();
  rigs.push(r);
  return r;
}

/** Lifts phone `port`'s handset, waits for dial tone in its earpiece, dials by DTMF. */
async function call(r: HardwareRig, port: number, digits: string): Promise<void> {
  r.phone(port).lift();
  assert.equal(r.until(port, 'dial', 1500), 'dial', `phone ${port} hears dial tone`);
  await r.dial(port, digits);
}

function hangUp(r: HardwareRig, port: number): void {
  r.phone(port).hangUp();
  r.run(HANG_UP_MS);
}

/** `speak` says `hz` into its microphone; the other end hears it as voice, mostly at `hz`. */
function assertHeard(r: HardwareRig, speak: () => Promise<boolean>, ear: Ear, hz: number, what: string): void {
  void speak();
  r.run(1000);
  assert.equal(ear.hearing, 'voice', `${what}: heard as voice`);
  const share = shareAt(ear.recording(0.5), hz);
  assert.ok(share > 0.5, `${what}: ${hz} Hz is ${share.toFixed(2)} of the power`);
  r.run(1000);
}

/** Every line at rest: no ring mode, F/R forward, the relay on hook, no call, every port idle. */
function assertIdle(r: HardwareRig): void {
  for (const p of [1, 2]) {
    assert.equal(r.phone(p).ringMode, false, `RM of port ${p} is off`);
    assert.equal(r.gpio.value(r.phone(p).lines.fr), 0, `F/R of port ${p} is forward`);
    assert.equal(r.fxs.get(p)?.status().phase, 'idle', `port ${p} is idle`);
  }
  assert.equal(r.landline().relay, false, 'the hook relay is released');
  // After a release the FXO port waits out its release guard (1.5 s) before it is idle.
  assert.ok(r.runUntil(() => r.fxo.get(3)?.status().phase === 'idle', 2000), `the FXO port is idle: ${r.fxo.get(3)?.status().phase}`);
  assert.deepEqual(r.router.active(), []);
}

test('phone to phone: 102 rings port 2 (RM, F/R at 20 Hz), lifting trips the ring, audio both ways, the disconnect tone, all idle', async () => {
  const r = await rig();
  const p1 = r.phone(1);
  const p2 = r.phone(2);
  await call(r, 1, '102');
  assert.ok(r.runUntil(() => p2.ringing(), 4000), 'port 2 rings');
  r.run(500); // into the burst
  assert.equal(p2.ringMode, true, 'RM is asserted');
  const hz = p2.ringHz(400);
  assert.ok(Math.abs(hz - r.profile.ringFrequencyHz) < 0.5, `F/R toggles at ${hz.toFixed(2)} Hz`);
  assert.equal(p1.ringMode, false, 'the caller does not ring');
  assert.equal(r.until(1, 'ringback', 3000), 'ringback', 'phone 1 hears ringback');

  assert.ok(r.runUntil(() => p2.ringing(), 6000), 'port 2 rings again');
  r.run(200);
  const lifted = r.clock.now();
  p2.lift();
  const cycleMs = 1000 / r.profile.ringFrequencyHz;
  r.run(1000);
  const rmOff = p2.rmChanges(lifted).find((c) => c.value === 0);
  assert.ok(rmOff !== undefined && rmOff.atMs - lifted <= cycleMs, `RM released ${rmOff === undefined ? 'never' : `${rmOff.atMs - lifted} ms`} after the lift`);
  assert.ok(p2.frChanges(lifted + cycleMs).length <= 1, `F/R stops toggling: ${JSON.stringify(p2.frChanges(lifted))}`);
  assert.equal(p2.ringing(), false);
  assert.equal(r.router.active()[0]?.state, 'connected');
  assert.equal(r.until(1, 'silence', 2000), 'silence', 'ringback stops on answer');
  assert.equal(r.until(2, 'silence', 2000), 'silence', 'phone 2 hears nothing before phone 1 speaks');

  assertHeard(r, () => p1.speak(MIC_HZ, 1500), p2.ear, MIC_HZ, 'phone 2 hears phone 1');
  assertHeard(r, () => p2.speak(FAR_HZ, 1500), p1.ear, FAR_HZ, 'phone 1 hears phone 2');

  hangUp(r, 2);
  assert.equal(r.until(1, 'reorder', 4000), 'reorder', 'phone 1 hears the US disconnect tone (reorder)');
  assert.deepEqual(r.router.active(), []);
  hangUp(r, 1);
  assertIdle(r);
  assert.deepEqual(r.store.cdrs.list().map((c) => [c.direction, c.disposition, c.from, c.to]), [['internal', 'answered', '101', '102']]);
  assert.deepEqual(r.problems(), []);
});

test('landline in: ring-detect bursts ring both phones with the FSK caller ID, phone 1 answers, the relay seizes, audio both ways, CPC ends the call', async () => {
  const r = await rig();
  const landline = r.landline();
  const p1 = r.phone(1);
  const p2 = r.phone(2);
  landline.ring(ALICE);
  assert.ok(r.runUntil(() => r.fxo.get(3)?.status().rings === 1, 3000), 'the DAA port counts the first ring');
  assert.ok(r.runUntil(() => p1.ringing() && p2.ringing(), 12_000), 'both phones ring');
  assert.ok(r.runUntil(() => p1.ear.callerId !== undefined && p2.ear.callerId !== undefined, 8000), 'both phones got caller ID');
  assert.equal(r.fxo.get(3)?.status().callerId?.number, ALICE.number, 'the FXO port decoded the caller ID from its capture stream');
  for (const p of [p1, p2]) assert.deepEqual([p.ear.callerId?.number, p.ear.callerId?.name], [ALICE.number, ALICE.name], `phone ${p.port}'s caller ID`);
  assert.equal(landline.relay, false, 'not seized while ringing');

  assert.ok(r.runUntil(() => p1.ringing(), 6000));
  p1.lift();
  assert.ok(r.runUntil(() => landline.relay, 500), 'answering asserts the hook relay');
  r.run(300);
  assert.equal(p1.ringing(), false);
  assert.equal(p2.ringing(), false, 'phone 2 stops ringing');
  assert.equal(landline.ringing, false, 'the office stops ringing once seized');
  r.run(1000);
  const up = r.router.active()[0];
  assert.deepEqual([up?.direction, up?.via, up?.state, up?.port, up?.from], ['inbound', 'landline', 'connected', 1, ALICE.number]);
  assert.equal(r.until(1, 'silence', 3000), 'silence');

  assertHeard(r, () => landline.speak(FAR_HZ, 1500), p1.ear, FAR_HZ, 'phone 1 hears the landline');
  assertHeard(r, () => p1.speak(MIC_HZ, 1500), landline.ear, MIC_HZ, 'the landline hears phone 1');
  assert.equal(p2.ear.history.last(8000).some((x) => x !== 0), false, 'phone 2, on hook, heard nothing');

  landline.hangup();
  assert.equal(r.gpio.value(landline.lines.loopCurrent ?? ''), 0, 'loop current dropped');
  assert.ok(r.runUntil(() => !landline.relay, 1000), 'the relay is released after the loop-current drop');
  assert.equal(r.until(1, 'reorder', 5000), 'reorder', 'phone 1 hears the disconnect tone');
  assert.deepEqual(r.router.active(), []);
  hangUp(r, 1);
  assertIdle(r);
  assert.deepEqual(r.store.cdrs.list().map((c) => [c.direction, c.disposition, c.port, c.from]), [['inbound', 'answered', 1, ALICE.number]]);
  assert.deepEqual(r.problems(), []);
});

/** Phone `port` dials 9 and a number: the relay seizes on the office's dial tone and the number goes out as DTMF. */
async function dialOut(r: HardwareRig, port: number, number: string): Promise<void> {
  const landline = r.landline();
  await call(r, port, `9${number}`);
  assert.equal(landline.relay, false, 'not seized before the interdigit timer');
  assert.ok(r.runUntil(() => landline.relay, 5000), 'the hook relay seizes the landline');
  assert.ok(r.runUntil(() => landline.digitsDialed.length >= number.length, 5000), `digits sent: ${landline.digitsDialed}`);
  r.run(1000);
  assert.equal(landline.digitsDialed, number, 'the number, without the prefix, in the FXO port\'s playback stream');
  const up = r.router.active()[0];
  assert.deepEqual([up?.direction, up?.via, up?.to, up?.port, up?.state], ['outbound', 'landline', number, port, 'connected']);
}

test('landline out: 9 5551234 seizes the relay, the digits go out as DTMF in the FXO playback, audio both ways, hanging up releases', async () => {
  const r = await rig();
  await dialOut(r, 1, '5551234');
  assertHeard(r, () => r.landline().speak(FAR_HZ, 1500), r.phone(1).ear, FAR_HZ, 'phone 1 hears the landline');
  assertHeard(r, () => r.phone(1).speak(MIC_HZ, 1500), r.landline().ear, MIC_HZ, 'the landline hears phone 1');
  hangUp(r, 1);
  assertIdle(r);
  assert.deepEqual(r.store.cdrs.list().map((c) => [c.direction, c.disposition, c.port, c.to]), [['outbound', 'answered', 1, '5551234']]);
  assert.deepEqual(r.problems(), []);
});

test('port 2\'s sound card unplugged: port 2 shows a hardware fault, port 1 still calls the landline; plugged back, the fault clears and port 2 works', async () => {
  const r = await rig();
  const card2 = r.card(2);
  assert.equal(card2.opens, 1);
  card2.unplug();
  r.run(100);
  const fault = r.fxs.get(2)?.status().fault;
  assert.match(fault ?? '', /^hardware fault: sound card plughw:CARD=Device_1,DEV=0: capture: ENODEV/, `port 2's status: ${fault}`);
  for (const p of [1, 3]) assert.equal((p === 3 ? r.fxo.get(p) : r.fxs.get(p))?.status().fault, null, `port ${p} is fine`);

  await dialOut(r, 1, '5550000');
  assertHeard(r, () => r.landline().speak(FAR_HZ, 1500), r.phone(1).ear, FAR_HZ, 'phone 1 hears the landline');
  assert.ok(card2.refusedOpens >= 1, 'the card is retried while away');
  assert.match(r.fxs.get(2)?.status().fault ?? '', /^hardware fault: /, 'still faulted while unplugged');
  hangUp(r, 1);

  // A landline call meanwhile rings phone 1 only: a port that cannot hear its phone is not rung.
  r.landline().ring(ALICE);
  assert.ok(r.runUntil(() => r.phone(1).ringing(), 15_000), 'phone 1 rings for the landline');
  r.run(3000);
  assert.equal(r.phone(2).ringing(), false, 'phone 2, whose card is away, does not ring');
  assert.equal(r.fxs.get(2)?.status().ringing, false);
  r.landline().hangup();
  assert.ok(r.runUntil(() => !r.phone(1).ringing() && r.router.active().length === 0, 15_000), 'the caller gave up');

  card2.plug();
  assert.ok(r.runUntil(() => r.fxs.get(2)?.status().fault === null, 20_000), `the fault clears once the card reopens: ${r.fxs.get(2)?.status().fault}`);
  assert.equal(card2.opens, 2, 'a fresh card was opened');
  assert.equal(card2.live, true);
  await call(r, 2, '101');
  assert.ok(r.runUntil(() => r.phone(1).ringing(), 4000), 'port 2 calls port 1 through its new card');
  hangUp(r, 2);
  r.run(1000);
  assertIdle(r);
});

test('the GPIO chip fails while port 2\'s card is unplugged: the driver is reopened, port 2 keeps its sound-card fault until the card is back', async () => {
  const r = await rig();
  const card2 = r.card(2);
  card2.unplug();
  r.run(100);
  assert.match(r.fxs.get(2)?.status().fault ?? '', /^hardware fault: sound card /);
  // The GPIO chip goes away (every line freed under the drivers): the lines' next command makes the driver fail.
  r.gpio.releaseAll();
  r.board.setPolarity(1, false);
  r.run(100);
  assert.match(r.fxs.get(1)?.status().fault ?? '', /^hardware fault: the gpio-slic driver failed/, 'the whole board is lost');
  assert.ok(await r.runUntilAsync(() => r.fxs.get(1)?.status().fault === null, 3000), 'the driver is reopened (the chip is back)');
  assert.equal(r.fxo.get(3)?.status().fault, null);
  assert.match(r.fxs.get(2)?.status().fault ?? '', /^hardware fault: sound card plughw:CARD=Device_1,DEV=0/, 'port 2\'s card is still away');
  assert.equal(card2.live, false);

  card2.plug();
  assert.ok(await r.runUntilAsync(() => r.fxs.get(2)?.status().fault === null, 20_000), 'the fault clears once the card reopens');
  r.phone(2).lift();
  assert.equal(r.until(2, 'dial', 1500), 'dial', 'phone 2 hears dial tone through its card');
  hangUp(r, 2);

  // Unplugged and back at once, then the chip fails again before the card's retry: the reopened driver's card works,
  // and lines that subscribe now (rebuilt after a settings change) hear of no lost port.
  card2.unplug();
  r.run(100);
  card2.plug();
  r.gpio.releaseAll();
  r.board.setPolarity(1, false);
  assert.ok(await r.runUntilAsync(() => r.fxs.get(1)?.status().fault === null && card2.live, 5000), 'the driver and port 2\'s card are back');
  const heard: string[] = [];
  const off = r.board.onEvent((e) => heard.push(e.type));
  r.run(100);
  off();
  assert.deepEqual(heard, [], 'no stale device-lost for port 2');
  assert.equal(r.fxs.get(2)?.status().fault, null);
  assertIdle(r);
});
