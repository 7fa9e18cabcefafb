/**
 * The appliance on the usb-modem board, end to end: the real process started with
 * `--board usb-modem --modem <pty>` against the CX93001-like modem simulator
 * (board/usb-modem/test-support/modem-simulator.ts) and a provisioning document with
 * one FXO line and call screening. The box initialises the modem; a blocked caller is
 * answered and hung up on at once and is recorded as screened; an unknown caller (formatted and MESG
 * caller ID) is answered, hears the announcement and is hung up on; an unknown caller
 * hanging up during the announcement ends the call; an allowed caller with no phones
 * to ring is never answered and the call ends when the rings stop; unplugging the
 * modem shows a hardware fault, re-plugging clears it after a new ATZ.
 * A second box on the half-duplex (USR 5637-like) model: AT+VTR is refused, so the box
 * answers listening (AT+VRX) and must switch to AT+VTX before it plays anything: an
 * unknown caller hears the announcement; with `message` the box plays the greeting
 * (AT+VTX), turns back to AT+VRX, records what the modem sends and keeps it as a message.
 *
 * The simulator prints one RING per ring cycle (RING_PERIOD_MS, a little shorter
 * than the US 6 s cycle so that timer jitter never reaches the line's ring-stopped
 * time of 6 s after a 0.5 s synthetic burst) with the caller ID after the first one, and, like a real modem, streams voice (silence) every 20 ms while in
 * voice mode: the driver's duplex audio is clocked by what it receives.
 * Skipped when socat is missing.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCallerIdMessage } from '../audio/caller-id/message.js';
import { MU_LAW_SILENCE } from '../audio/g711/index.js';
import { rms } from '../audio/levels.js';
import { parseWav } from '../board/sim/wav.js';
import { ModemSimulator, socatAvailable } from '../board/usb-modem/test-support/modem-simulator.js';
import type { ApiClient, RunningAppliance } from './support/appliance-process.js';
import { startModemBox, type ModemBoxProcess } from './support/modem-box.js';
import { waitFor } from './support/wait-for.js';

const skip = socatAvailable() ? false : 'socat is not installed';

/** One RING line per ring cycle, as a modem prints them (a US cycle is 6 s: 2 s on, 4 s off). */
const RING_PERIOD_MS = 5000;
/** The line gives up on a call this long after the last ring burst (ringStoppedMs for US), plus slack. */
const RING_STOPPED_MS = 6000 + 3000;
const BLOCKED = '5550001111';
const ALLOWED = '2125550000';
const UNKNOWN = '5559876543';
const VOICE_COMMANDS = /^(ATA|AT\+VLS=1|AT\+VTR|AT\+VRX|AT\+VTX)$/i;

interface PortView { port: number; available: boolean; fault: string | null; phase: string }
interface StatusView { lines: { fxs: PortView[]; fxo: PortView[] }; calls: { id: number | string; from: string; state: string }[] }
interface CdrView { id: number; direction: string; from: string; disposition: string; hangupCause: string }
interface CallsView { active: unknown[]; calls: CdrView[] }

let box: ModemBoxProcess | undefined;
let sim: ModemSimulator;
let app: RunningAppliance;
let api: ApiClient;

/** A box and its modem: the full-duplex one by default, the half-duplex one in its own section below. */
interface ModemBox { readonly sim: ModemSimulator; readonly api: ApiClient }
const fullDuplex = (): ModemBox => ({ sim, api });

async function get<T>(path: string, b: ModemBox = fullDuplex()): Promise<T> {
  const r = await b.api.request('GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text}`);
  return r.json as T;
}

const status = (b?: ModemBox): Promise<StatusView> => get<StatusView>('/api/status', b);
const history = async (b?: ModemBox): Promise<CdrView[]> => (await get<CallsView>('/api/calls', b)).calls;

/** Rings like the exchange: RING with the caller ID, then RING every cycle until stopped (or the box answers). */
function ringer(callerId: readonly string[], s: ModemSimulator = sim): { stop(): void; rings(): number } {
  let rings = 1;
  s.ring(callerId);
  const timer = setInterval(() => {
    if (s.offHook) return;
    rings++;
    s.ring();
  }, RING_PERIOD_MS);
  return { stop: () => clearInterval(timer), rings: () => rings };
}

/** Waits until the history has a new record (beyond `known`) and returns it. */
async function nextCdr(known: number, timeoutMs: number, b?: ModemBox): Promise<CdrView> {
  return waitFor('a new call record', async () => {
    const calls = await history(b);
    return calls.length > known ? calls[0] : undefined;
  }, timeoutMs, 200);
}

async function idleLine(b: ModemBox = fullDuplex()): Promise<void> {
  await waitFor('the landline idle, no call', async () => {
    const s = await status(b);
    return s.calls.length === 0 && s.lines.fxo[0]?.phase === 'idle' && !b.sim.offHook ? true : undefined;
  }, 15_000, 200);
}

const nonSilent = (from: number): number => sim.received.slice(from).filter((b) => b !== MU_LAW_SILENCE && b !== 0x7f).length;

before(async () => {
  if (skip !== false) return;
  // A modem in voice mode streams samples continuously: 160 µ-law bytes of silence every 20 ms.
  box = await startModemBox('cx93001', {
    region: 'US',
    lines: [{ port: 1, kind: 'fxo', name: 'Landline' }],
    callScreening: { blocked: [BLOCKED], allowed: [ALLOWED], unknownCallers: 'announce' },
  }, (s) => {
    if (s.mode === 'duplex' || s.mode === 'receive') s.sendAudio(new Uint8Array(160).fill(MU_LAW_SILENCE));
  });
  ({ sim, app, api } = box);
});

after(async () => {
  await box?.stop();
});

test('the box initialises the modem and port 1 is available', { skip, timeout: 30_000 }, async () => {
  await sim.waitFor('the init commands', () => sim.commands.includes('AT+VTR=?'), 15_000);
  assert.deepEqual(sim.commands.slice(0, 5), ['ATZ', 'ATE0', 'AT+FCLASS=?', 'AT+FCLASS=8', 'AT+VCID=1']);
  const s = await waitFor('port 1 available', async () => {
    const st = await status();
    return st.lines.fxo[0]?.available === true ? st : undefined;
  }, 10_000, 200);
  assert.deepEqual(s.lines.fxs, []);
  assert.deepEqual(s.lines.fxo.map((p) => ({ port: p.port, available: p.available, fault: p.fault })), [{ port: 1, available: true, fault: null }]);
});

test('a blocked caller is answered and hung up on at once (a call blocker); the call history says screened', { skip, timeout: 60_000 }, async () => {
  await idleLine();
  const known = (await history()).length;
  const from = sim.commands.length;
  const ring = ringer(['DATE = 0321', 'TIME = 1405', `NMBR = ${BLOCKED}`, 'NAME = SPAMMER']);
  try {
    await sim.waitFor('the box answers', () => sim.commands.slice(from).some((c) => VOICE_COMMANDS.test(c)), 2 * RING_PERIOD_MS);
  } finally {
    ring.stop();
  }
  const answeredAt = Date.now();
  await sim.waitFor('ATH', () => sim.commands.at(-1) === 'ATH', 5000);
  const held = Date.now() - answeredAt;
  assert.ok(held < 4000, `hung up within a few seconds (${held} ms)`);
  const cdr = await nextCdr(known, 10_000);
  assert.deepEqual({ direction: cdr.direction, from: cdr.from, disposition: cdr.disposition, cause: cdr.hangupCause }, {
    direction: 'inbound', from: BLOCKED, disposition: 'screened', cause: 'screened: blocked number, answered and hung up',
  });
});

const mesg = (number: string, name: string): string =>
  `MESG = ${[...encodeCallerIdMessage({ number, numberAbsence: undefined, name })].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('')}`;

for (const [form, callerId] of [
  ['formatted', ['DATE = 0321', 'TIME = 1405', `NMBR = ${UNKNOWN}`, 'NAME = DOE JANE']],
  ['unformatted (MESG)', [mesg(UNKNOWN, 'DOE JANE')]],
] as const) {
  test(`an unknown caller (${form} caller ID) is answered, hears the announcement and is hung up on`, { skip, timeout: 60_000 }, async () => {
    await idleLine();
    const known = (await history()).length;
    const from = sim.commands.length;
    const ring = ringer(callerId);
    try {
      await sim.waitFor('voice mode', () => sim.mode === 'duplex', 2 * RING_PERIOD_MS);
    } finally {
      ring.stop();
    }
    const audioFrom = sim.received.length;
    assert.deepEqual(sim.commands.slice(from), ['AT+FCLASS=8', 'AT+VSM=131,8000', 'AT+VLS=1', 'AT+VTR']);
    // The announcement is 6.2 s: the box hangs up after it, ending the stream (<DLE>!) then ATH.
    await sim.waitFor('ATH', () => sim.commands.length > from + 4 && sim.commands.at(-1) === 'ATH', 20_000);
    assert.ok(sim.hostCodes.at(-1) === '!', `the stream was ended with <DLE>! (codes: ${sim.hostCodes.join(',')})`);
    const sent = sim.received.length - audioFrom;
    const loud = nonSilent(audioFrom);
    assert.ok(sent >= 40_000, `about 6 s of voice went to the line (${sent} bytes)`);
    assert.ok(loud >= 16_000, `the announcement is audible (${loud} non-silent bytes of ${sent})`);
    assert.equal(sim.offHook, false);
    const cdr = await nextCdr(known, 10_000);
    assert.deepEqual({ direction: cdr.direction, from: cdr.from, disposition: cdr.disposition, cause: cdr.hangupCause }, {
      direction: 'inbound', from: UNKNOWN, disposition: 'screened', cause: 'screened: unknown caller, announcement played',
    });
    await idleLine();
  });
}

test('an unknown caller hanging up during the announcement (<DLE>b) ends the call', { skip, timeout: 60_000 }, async () => {
  await idleLine();
  const known = (await history()).length;
  const from = sim.commands.length;
  const ring = ringer([`NMBR = ${UNKNOWN}`]);
  try {
    await sim.waitFor('voice mode', () => sim.mode === 'duplex', 2 * RING_PERIOD_MS);
  } finally {
    ring.stop();
  }
  const audioFrom = sim.received.length;
  await sim.waitFor('the announcement playing', () => nonSilent(audioFrom) > 2000, 5000);
  sim.sendCode('b');
  await sim.waitFor('ATH', () => sim.commands.at(-1) === 'ATH', 5000);
  assert.ok(sim.received.length - audioFrom < 40_000, 'hung up before the announcement ended');
  assert.ok(sim.commands.slice(from).includes('AT+VTR'));
  const cdr = await nextCdr(known, 10_000);
  assert.deepEqual({ disposition: cdr.disposition, cause: cdr.hangupCause }, { disposition: 'screened', cause: 'screened: unknown caller, announcement played' });
  await idleLine();
});

test('an allowed caller with no phone to ring is not answered; the call ends when the rings stop', { skip, timeout: 60_000 }, async () => {
  await idleLine();
  const known = (await history()).length;
  const from = sim.commands.length;
  const ring = ringer([`NMBR = ${ALLOWED}`]);
  try {
    const s = await waitFor('the call ringing on the box', async () => {
      const st = await status();
      return st.calls.length === 1 && st.calls[0]?.from === ALLOWED ? st : undefined;
    }, 5000, 100);
    assert.equal(s.calls[0]?.state, 'ringing');
    await waitFor('two ring cycles', async () => (ring.rings() >= 3 ? true : undefined), 3 * RING_PERIOD_MS, 100);
  } finally {
    ring.stop();
  }
  assert.deepEqual(sim.commands.slice(from).filter((c) => VOICE_COMMANDS.test(c)), [], 'the box did not answer');
  const cdr = await nextCdr(known, RING_STOPPED_MS + 5000);
  assert.deepEqual({ from: cdr.from, disposition: cdr.disposition, cause: cdr.hangupCause }, { from: ALLOWED, disposition: 'no_answer', cause: 'landline: caller-gave-up' });
  assert.deepEqual((await status()).calls, []);
});

test('unplug: port 1 shows a hardware fault; re-plug: the modem is re-initialised and the fault clears', { skip, timeout: 60_000 }, async () => {
  await idleLine();
  await sim.unplug();
  const fault = await waitFor('the hardware fault', async () => {
    const p = (await status()).lines.fxo[0];
    return p?.fault?.startsWith('hardware fault: ') === true ? p : undefined;
  }, 10_000, 200);
  assert.equal(fault.available, false);
  const from = sim.commands.length;
  await sim.replug();
  await waitFor('the fault cleared', async () => {
    const p = (await status()).lines.fxo[0];
    return p?.available === true && p.fault === null ? true : undefined;
  }, 15_000, 200);
  assert.deepEqual(sim.commands.slice(from, from + 2), ['ATZ', 'ATE0']);
  assert.ok(sim.commands.slice(from).includes('AT+VCID=1'));
  // And it takes calls again: a blocked caller rings and is screened.
  const known = (await history()).length;
  const ring = ringer([`NMBR = ${BLOCKED}`]);
  try {
    await waitFor('the call ringing on the box', async () => ((await status()).calls.length === 1 ? true : undefined), 5000, 100);
  } finally {
    ring.stop();
  }
  const cdr = await nextCdr(known, RING_STOPPED_MS + 5000);
  assert.equal(cdr.disposition, 'screened');
});

test('nothing went wrong in the box', { skip }, () => {
  assert.doesNotMatch(app.output(), /"level":"(error|fatal)"|"level":[56]0/, 'no errors logged');
});

describe('a half-duplex modem (USR 5637-like: no AT+VTR)', () => {
  let hbox: ModemBoxProcess | undefined;
  let hsim: ModemSimulator;
  let happ: RunningAppliance;
  let hapi: ApiClient;
  /** While true the caller speaks: the modem sends loud 8-bit samples instead of silence (0x80). */
  let speaking = false;
  const box = (): ModemBox => ({ sim: hsim, api: hapi });
  /** Bytes the box sent that are not 8-bit linear silence (0x80, ±1). */
  const loud = (from: number): number => hsim.received.slice(from).filter((b) => Math.abs(b - 0x80) > 1).length;
  const screening = async (unknownCallers: string): Promise<void> => {
    const r = await hapi.request('PUT', '/api/settings/call-screening', { allowed: [ALLOWED], unknownCallers });
    if (r.status !== 200) throw new Error(`PUT call-screening: ${r.status} ${r.text}`);
  };

  /** An unknown caller rings until the box answers and turns to transmit; the history length and command count before. */
  const unknownCallerAnswered = async (): Promise<{ known: number; from: number }> => {
    await idleLine(box());
    const known = (await history(box())).length;
    const from = hsim.commands.length;
    const ring = ringer([`NMBR = ${UNKNOWN}`, 'NAME = DOE JANE'], hsim);
    try {
      await hsim.waitFor('voice transmit', () => hsim.mode === 'transmit', 2 * RING_PERIOD_MS);
    } finally {
      ring.stop();
    }
    return { known, from };
  };

  before(async () => {
    if (skip !== false) return;
    let seed = 1;
    hbox = await startModemBox('usr5637', {
      region: 'US', lines: [{ port: 1, kind: 'fxo', name: 'Landline' }],
      callScreening: { allowed: [ALLOWED], unknownCallers: 'announce' },
    }, (s) => {
      if (s.mode !== 'receive') return;
      const frame = new Uint8Array(160).fill(0x80);
      if (speaking) {
        for (let i = 0; i < frame.length; i++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          frame[i] = 0x80 + ((seed >> 16) % 80) - 40;
        }
      }
      s.sendAudio(frame);
    });
    ({ sim: hsim, app: happ, api: hapi } = hbox);
    await hsim.waitFor('the init commands', () => hsim.commands.includes('AT+VTR=?'), 15_000);
  });

  after(async () => {
    await hbox?.stop();
  });

  test('an unknown caller hears the announcement: the box switches to AT+VTX before playing it', { skip, timeout: 60_000 }, async () => {
    await screening('announce');
    const { known, from } = await unknownCallerAnswered();
    const audioFrom = hsim.received.length;
    assert.deepEqual(hsim.commands.slice(from), ['AT+FCLASS=8', 'AT+VSM=128,8000', 'AT+VLS=1', 'AT+VRX', 'AT+VTX'], 'answered listening, then turned to transmit');
    await hsim.waitFor('ATH', () => hsim.commands.at(-1) === 'ATH', 20_000);
    const sent = hsim.received.length - audioFrom;
    assert.ok(sent >= 40_000, `about 6 s of voice went to the line (${sent} bytes)`);
    assert.ok(loud(audioFrom) >= 16_000, `the announcement is audible (${loud(audioFrom)} non-silent bytes of ${sent})`);
    const cdr = await nextCdr(known, 10_000, box());
    assert.deepEqual({ from: cdr.from, disposition: cdr.disposition, cause: cdr.hangupCause }, { from: UNKNOWN, disposition: 'screened', cause: 'screened: unknown caller, announcement played' });
  });

  test('message: the caller hears the greeting (AT+VTX), then the box listens (AT+VRX) and keeps what the modem sends', { skip, timeout: 90_000 }, async () => {
    await screening('message');
    const { known, from } = await unknownCallerAnswered();
    const audioFrom = hsim.received.length;
    await hsim.waitFor('back to AT+VRX after the greeting and the beep', () => hsim.commands.slice(from).filter((c) => c === 'AT+VRX').length === 2 && hsim.mode === 'receive', 20_000);
    assert.deepEqual(hsim.commands.slice(from), ['AT+FCLASS=8', 'AT+VSM=128,8000', 'AT+VLS=1', 'AT+VRX', 'AT+VTX', 'AT+VRX']);
    assert.ok(loud(audioFrom) >= 20_000, `the greeting and the beep were played (${loud(audioFrom)} non-silent bytes)`);
    speaking = true;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    speaking = false;
    // 5 s of silence after the caller spoke: the box hangs up by itself.
    await hsim.waitFor('ATH', () => hsim.commands.at(-1) === 'ATH', 12_000);
    const cdr = await nextCdr(known, 10_000, box());
    assert.deepEqual({ from: cdr.from, disposition: cdr.disposition, cause: cdr.hangupCause }, { from: UNKNOWN, disposition: 'screened', cause: 'screened: unknown caller, message recorded' });
    const list = await get<{ messages: { id: number; from: string; durationMs: number; audioUrl: string }[]; unheard: number }>('/api/messages', box());
    assert.equal(list.unheard, 1);
    const m = list.messages[0];
    assert.ok(m !== undefined);
    assert.equal(m.from, UNKNOWN);
    assert.ok(m.durationMs >= 2500 && m.durationMs <= 4500, `about the 3 s the caller spoke (${m.durationMs} ms)`);
    const samples = parseWav(await hapi.bytes(m.audioUrl));
    assert.ok(rms(samples) > 2000, `the message is what the modem sent (RMS ${rms(samples).toFixed(0)})`);
    await idleLine(box());
  });

  test('nothing went wrong in the half-duplex box', { skip }, () => {
    assert.doesNotMatch(happ.output(), /"level":"(error|fatal)"|"level":[56]0/, 'no errors logged');
  });
});
