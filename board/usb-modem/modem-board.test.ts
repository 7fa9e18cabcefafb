/**
 * Integration tests of ModemBoard over a pseudo-terminal pair (test-support/modem-simulator.ts):
 * caller ID, RING, answer, voice both ways with DLE escapes, busy and NO CARRIER, unplug and re-plug.
 * Skipped when socat is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCallerIdMessage } from '../../audio/caller-id/message.js';
import { linearToMuLaw, muLawDecode, muLawToLinear } from '../../audio/g711/index.js';
import { SystemClock } from '../../src/clock.js';
import { MemoryLogger } from '../../src/log.js';
import type { BoardEvent } from '../board.js';
import { DLE } from './dle-codec.js';
import { ModemBoard } from './modem-board.js';
import { SerialTransport } from './serial-transport.js';
import { ModemSimulator, socatAvailable, type SimModel } from './test-support/modem-simulator.js';

const skip = socatAvailable() ? false : 'socat is not installed';

interface Rig {
  sim: ModemSimulator;
  board: ModemBoard;
  events: BoardEvent[];
  log: MemoryLogger;
  done: () => Promise<void>;
}

async function rig(model: SimModel): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-modem-'));
  const sim = await ModemSimulator.start(dir, model);
  const log = new MemoryLogger();
  const board = new ModemBoard({
    clock: new SystemClock(),
    port: { port: 1, kind: 'fxo', driver: 'usb-modem', modem: { path: sim.path, type: model === 'cx93001' ? 'cx93001' : 'usr5637' } },
    transport: (path) => new SerialTransport(path),
    log,
    findDevice: () => (existsSync(sim.path) ? sim.path : undefined),
    session: { commandTimeoutMs: 1000, callerIdSettleMs: 150 },
    reopenMs: 100,
  });
  const events: BoardEvent[] = [];
  board.onEvent((e) => events.push(e));
  await board.whenReady();
  return {
    sim,
    board,
    events,
    log,
    done: async () => {
      await board.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function until(what: string, pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const of = <T extends BoardEvent['type']>(events: BoardEvent[], type: T): Extract<BoardEvent, { type: T }>[] => events.filter((e): e is Extract<BoardEvent, { type: T }> => e.type === type);

test('CX93001: init, RING as a ring-detect burst, formatted caller ID', { skip }, async () => {
  const r = await rig('cx93001');
  try {
    assert.equal(r.board.name, 'usb-modem');
    assert.equal(r.board.fullDuplex, true);
    assert.deepEqual(r.board.modemInfo?.identity, { product: '56000', manufacturer: 'CONEXANT', model: 'CX93001-EIS_V0.2002-V92' });
    assert.deepEqual(r.sim.commands.slice(0, 4), ['ATZ', 'ATE0', 'AT+FCLASS=?', 'AT+FCLASS=8']);
    assert.ok(r.log.entries.some((e) => e.msg === 'modem ready' && e.fields['fullDuplex'] === true));
    r.sim.ring(['DATE = 0321', 'TIME = 1405', 'NMBR = 5551234567', 'NAME = SMITH JOHN']);
    await until('caller ID', () => of(r.events, 'caller-id').length === 1);
    assert.deepEqual(of(r.events, 'caller-id')[0]?.info, { number: '5551234567', name: 'SMITH JOHN', time: { month: 3, day: 21, hour: 14, minute: 5 } });
    await until('the ring burst', () => of(r.events, 'ring-detect').length >= 20);
    const edges = of(r.events, 'ring-detect');
    assert.equal(edges[0]?.active, true);
    assert.equal(edges.at(-1)?.active, false);
    assert.ok((edges.at(-1)?.atMs ?? 0) - (edges[0]?.atMs ?? 0) >= 400);
  } finally {
    await r.done();
  }
});

test('CX93001: unformatted caller ID (MESG hex)', { skip }, async () => {
  const r = await rig('cx93001');
  try {
    const hex = [...encodeCallerIdMessage({ number: '5559876543', numberAbsence: undefined, name: 'DOE JANE' })].map((b) => b.toString(16).padStart(2, '0')).join('');
    r.sim.ring([`MESG = ${hex}`]);
    r.sim.send('RING');
    await until('caller ID', () => of(r.events, 'caller-id').length === 1);
    assert.deepEqual(of(r.events, 'caller-id')[0]?.info, { number: '5559876543', name: 'DOE JANE' });
  } finally {
    await r.done();
  }
});

test('CX93001: answer in full duplex, µ-law both ways with DLE escapes, busy, hang-up', { skip }, async () => {
  const r = await rig('cx93001');
  try {
    const frames: Int16Array[] = [];
    r.board.audio(1).onFrame((f) => frames.push(f));
    r.sim.ring();
    await until('ring', () => of(r.events, 'ring-detect').length > 0);
    r.board.setSeized(1, true);
    await until('loop current', () => of(r.events, 'loop-current').some((e) => e.present));
    assert.deepEqual(r.sim.commands.slice(-4), ['AT+FCLASS=8', 'AT+VSM=131,8000', 'AT+VLS=1', 'AT+VTR']);
    // From the line: 320 µ-law bytes, several of them DLE (0x10).
    const line = new Uint8Array(320).map((_, i) => (i % 7 === 0 ? DLE : (i * 13) & 0xff));
    r.sim.sendAudio(line.subarray(0, 101));
    r.sim.sendAudio(line.subarray(101));
    await until('two frames', () => frames.length >= 2);
    assert.deepEqual([...frames[0]!, ...frames[1]!], [...muLawDecode(line)]);
    // Toward the line: a frame whose µ-law bytes are all DLE.
    const dleLevel = muLawToLinear(DLE);
    assert.equal(linearToMuLaw(dleLevel), DLE);
    r.board.audio(1).write(new Int16Array(160).fill(dleLevel));
    r.sim.sendAudio(new Uint8Array(160).fill(0xff));
    await until('the frame at the modem', () => r.sim.received.filter((b) => b === DLE).length >= 160);
    assert.equal(r.sim.received.length % 160, 0);
    r.sim.sendCode('b');
    await until('loop drop', () => of(r.events, 'loop-current').some((e) => !e.present));
    r.board.setSeized(1, false);
    await until('ATH', () => r.sim.commands.at(-1) === 'ATH');
    assert.deepEqual(r.sim.hostCodes, ['!']);
    assert.equal(r.sim.offHook, false);
  } finally {
    await r.done();
  }
});

test('half duplex (USR-like): receive, switch to transmit (8-bit linear), NO CARRIER', { skip }, async () => {
  const r = await rig('usr5637');
  try {
    assert.equal(r.board.fullDuplex, false);
    assert.equal(r.board.modemInfo?.format?.encoding, 'pcm8');
    const frames: Int16Array[] = [];
    r.board.audio(1).onFrame((f) => frames.push(f));
    r.sim.ring();
    await until('ring', () => of(r.events, 'ring-detect').length > 0);
    r.board.setSeized(1, true);
    await until('loop current', () => of(r.events, 'loop-current').some((e) => e.present));
    assert.equal(r.sim.commands.at(-1), 'AT+VRX');
    assert.equal(r.sim.voiceFormat, '128,8000');
    r.sim.sendAudio(new Uint8Array(160).fill(0x90));
    await until('a frame', () => frames.length === 1);
    assert.equal(frames[0]?.[0], 0x10 << 8);
    r.board.setVoiceDirection(1, 'transmit');
    await until('AT+VTX', () => r.sim.mode === 'transmit');
    r.board.audio(1).write(new Int16Array(160).fill(-0x7000));
    await until('the frame at the modem', () => r.sim.received.includes(0x10));
    r.sim.endStream();
    r.sim.send('NO CARRIER');
    await until('loop drop', () => of(r.events, 'loop-current').some((e) => !e.present));
    r.board.setSeized(1, false);
    await until('ATH', () => r.sim.commands.at(-1) === 'ATH');
  } finally {
    await r.done();
  }
});

test('half duplex: the box ends its own transmit stream (<DLE><ETX>); the modem\'s OK is read as text: back to receive, then on hook at once', { skip }, async () => {
  const r = await rig('usr5637');
  try {
    r.sim.ring();
    await until('ring', () => of(r.events, 'ring-detect').length > 0);
    r.board.setSeized(1, true);
    await until('loop current', () => of(r.events, 'loop-current').some((e) => e.present));
    r.board.setVoiceDirection(1, 'transmit');
    await until('AT+VTX', () => r.sim.mode === 'transmit');
    r.board.setVoiceDirection(1, 'receive');
    await until('AT+VRX again', () => r.sim.mode === 'receive' && r.sim.commands.filter((c) => c === 'AT+VRX').length === 2);
    r.board.setVoiceDirection(1, 'transmit');
    await until('AT+VTX again', () => r.sim.mode === 'transmit');
    r.board.setSeized(1, false);
    await until('ATH', () => r.sim.commands.at(-1) === 'ATH' && !r.sim.offHook);
    assert.deepEqual(r.sim.hostCodes, ['!', 'ETX', '!', 'ETX']);
    assert.deepEqual(r.log.entries.filter((e) => e.level === 'warn').map((e) => e.msg), [], 'no command went unanswered');
  } finally {
    await r.done();
  }
});

test('unplug: device-lost; re-plug: re-initialised, then device-restored', { skip }, async () => {
  const r = await rig('cx93001');
  try {
    await r.sim.unplug();
    await until('device-lost', () => of(r.events, 'device-lost').length === 1, 5000);
    assert.equal(of(r.events, 'device-lost')[0]?.port, 1);
    r.board.setSeized(1, true); // ignored while lost
    const before = r.sim.commands.length;
    await r.sim.replug();
    await until('device-restored', () => of(r.events, 'device-restored').length === 1, 5000);
    assert.deepEqual(r.sim.commands.slice(before, before + 2), ['ATZ', 'ATE0']);
    assert.ok(!r.sim.commands.includes('AT+VLS=1'));
    assert.equal(of(r.events, 'device-lost').length, 1);
    r.sim.ring(['NMBR = O']);
    await until('caller ID after re-plug', () => of(r.events, 'caller-id').length === 1);
    assert.deepEqual(of(r.events, 'caller-id')[0]?.info, { numberAbsence: 'unavailable' });
  } finally {
    await r.done();
  }
});
