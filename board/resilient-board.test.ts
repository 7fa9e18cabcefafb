/**
 * The resilient board: absent hardware is a fault of the ports, retried with
 * backoff; a driver that fails is reopened; audio and events follow the driver of
 * the moment; nothing throws into the lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../src/clock.js';
import { MemoryLogger } from '../src/log.js';
import type { AudioPort } from '../audio/port/audio-port.js';
import type { Board, BoardEvent, BoardPort } from './board.js';
import { ResilientBoard } from './resilient-board.js';

const PORTS: BoardPort[] = [
  { port: 1, kind: 'fxs', polarityReversal: true, loopCurrentDetect: false },
  { port: 2, kind: 'fxo', polarityReversal: false, loopCurrentDetect: true },
];

class FakePort implements AudioPort {
  readonly sampleRate = 8000;
  readonly frameSamples = 160;
  readonly written: Int16Array[] = [];
  private readonly listeners = new Set<(f: Int16Array) => void>();
  queuedFrames = 0;
  onFrame(l: (f: Int16Array) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  write(f: Int16Array): void {
    this.written.push(f);
  }
  capture(value: number): void {
    for (const l of this.listeners) l(new Int16Array(160).fill(value));
  }
  close(): void {}
}

class FakeDriver implements Board {
  readonly name = 'fake';
  readonly ports = PORTS;
  readonly audioPorts = new Map([[1, new FakePort()], [2, new FakePort()]]);
  readonly calls: string[] = [];
  closed = false;
  throwOnRing = false;
  private readonly listeners = new Set<(e: BoardEvent) => void>();
  audio(port: number): AudioPort {
    return this.audioPorts.get(port)!;
  }
  onEvent(l: (e: BoardEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: BoardEvent): void {
    for (const l of this.listeners) l(e);
  }
  isOffHook(): boolean {
    return true;
  }
  setRinging(port: number, on: boolean): void {
    if (this.throwOnRing) throw new Error('GPIO write failed');
    this.calls.push(`ring ${port} ${on}`);
  }
  setPolarity(): void {}
  setSeized(port: number, seized: boolean): void {
    this.calls.push(`seize ${port} ${seized}`);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function rig(failFirst: number): { clock: FakeClock; opened: FakeDriver[]; events: BoardEvent[]; start: () => Promise<ResilientBoard> } {
  const clock = new FakeClock();
  const opened: FakeDriver[] = [];
  const events: BoardEvent[] = [];
  let attempts = 0;
  const start = async (): Promise<ResilientBoard> => {
    const board = await ResilientBoard.start({
      name: 'gpio-slic', ports: PORTS, clock, log: new MemoryLogger(),
      backoff: { initialMs: 1000, maxMs: 8000, resetAfterMs: 60_000 },
      open: () => {
        attempts += 1;
        if (attempts <= failFirst) throw new Error('no such GPIO chip: pinctrl-bcm2711');
        const d = new FakeDriver();
        opened.push(d);
        return d;
      },
    });
    board.onEvent((e) => events.push(e));
    return board;
  };
  return { clock, opened, events, start };
}

async function advance(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    await new Promise((r) => setImmediate(r));
  }
}

test('absent hardware: the board starts with its ports lost, retries 1 s, 2 s, 4 s, then reports them restored', async () => {
  const r = rig(3);
  const board = await r.start();
  assert.match(board.fault ?? '', /cannot open the gpio-slic hardware: no such GPIO chip/);
  await advance(r.clock, 100);
  assert.deepEqual(r.events.map((e) => e.type), ['device-lost'], 'a subscriber hears the hardware is away');
  assert.equal(board.isOffHook(1), false, 'commands while lost are harmless');
  board.setRinging(1, true, 20);
  await advance(r.clock, 1000 + 2000);
  assert.equal(r.opened.length, 0, 'two more attempts failed');
  await advance(r.clock, 4000);
  assert.equal(r.opened.length, 1, 'the fourth attempt, 7 s in, opened it');
  assert.deepEqual(r.events.map((e) => e.type), ['device-lost', 'device-restored']);
  assert.equal(board.fault, undefined);
  board.setRinging(1, true, 20);
  assert.deepEqual(r.opened[0]?.calls, ['ring 1 true']);
  await board.close();
  assert.equal(r.opened[0]?.closed, true);
});

test('a driver that loses its device or throws is closed and reopened after the backoff; audio follows the new driver', async () => {
  const r = rig(0);
  const board = await r.start();
  const heard: number[] = [];
  board.audio(1).onFrame((f) => heard.push(f[0] ?? 0));
  r.opened[0]?.audioPorts.get(1)?.capture(7);
  board.audio(1).write(new Int16Array(160));
  assert.equal(r.opened[0]?.audioPorts.get(1)?.written.length, 1);

  r.opened[0]?.emit({ type: 'device-lost', reason: 'GPIO chip gone', atMs: r.clock.now() });
  await advance(r.clock, 100);
  assert.equal(r.opened[0]?.closed, true, 'the failed driver is closed');
  assert.equal(board.fault, 'GPIO chip gone');
  r.opened[0]?.audioPorts.get(1)?.capture(8);
  await advance(r.clock, 1000);
  assert.equal(r.opened.length, 2, 'reopened after 1 s');
  r.opened[1]?.audioPorts.get(1)?.capture(9);
  assert.deepEqual(heard, [7, 9], 'frames of the old driver after it failed are not heard');

  r.opened[1]!.throwOnRing = true;
  board.setRinging(1, true, 20);
  assert.match(board.fault ?? '', /driver failed: GPIO write failed/);
  await advance(r.clock, 1900);
  assert.equal(r.opened.length, 2, 'the second failure in a row waits 2 s');
  await advance(r.clock, 200);
  assert.equal(r.opened.length, 3);
  const types = r.events.map((e) => e.type);
  assert.deepEqual(types, ['device-lost', 'device-restored', 'device-lost', 'device-restored']);
  await board.close();
});

test('port-level events pass through; close() stops the retries', async () => {
  const r = rig(100);
  const board = await r.start();
  await board.close();
  await advance(r.clock, 20_000);
  assert.equal(r.opened.length, 0);

  const ok = rig(0);
  const b2 = await ok.start();
  ok.opened[0]?.emit({ type: 'device-lost', port: 2, reason: 'USB sound card unplugged', atMs: 0 });
  ok.opened[0]?.emit({ type: 'hook', port: 1, offHook: true, atMs: 5 });
  assert.deepEqual(ok.events.map((e) => e.type), ['device-lost', 'hook']);
  assert.equal(b2.fault, undefined, 'one port lost is not the driver lost');
  assert.equal(ok.opened[0]?.closed, false);
  assert.throws(() => b2.setSeized(1, true), /port 1/, 'a wrong port kind is still the caller\'s error');
  await b2.close();
});

test('the voice direction goes to the driver when it has one; ignored while lost or without half duplex', async () => {
  const r = rig(0);
  const board = await r.start();
  const driver = r.opened[0]!;
  board.setVoiceDirection(2, 'transmit');
  assert.deepEqual(driver.calls, [], 'a full-duplex driver has none: nothing happens');
  const directions: string[] = [];
  Object.assign(driver, { setVoiceDirection: (port: number, d: string) => directions.push(`${port} ${d}`) });
  board.setVoiceDirection(2, 'receive');
  assert.deepEqual(directions, ['2 receive']);
  assert.throws(() => board.setVoiceDirection(1, 'receive'), /port 1/, 'an FXS port is the caller\'s error');
  await board.close();
});
