/**
 * CompositeBoard: two fake drivers (SLIC ports 1-2, DAA port 3) seen as one board.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioPort } from '../audio/port/audio-port.js';
import { BoardError, portOf, type Board, type BoardEvent, type BoardPort, type PortKind } from './board.js';
import { CompositeBoard } from './composite-board.js';

/** A driver that records the commands it gets and emits the events a test gives it. */
class FakeBoard implements Board {
  readonly ports: readonly BoardPort[];
  readonly calls: string[] = [];
  closed = 0;
  closeError: Error | undefined;
  private readonly listeners = new Set<(e: BoardEvent) => void>();

  constructor(readonly name: string, ports: [number, PortKind][]) {
    this.ports = ports.map(([port, kind]) => ({ port, kind, polarityReversal: kind === 'fxs', loopCurrentDetect: kind === 'fxo' }));
  }

  audio(port: number): AudioPort {
    portOf(this, port);
    this.calls.push(`audio ${port}`);
    return { sampleRate: 8000, frameSamples: 160, queuedFrames: 0, onFrame: () => () => undefined, write: () => undefined, close: () => undefined };
  }
  onEvent(listener: (e: BoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  isOffHook(port: number): boolean {
    portOf(this, port, 'fxs');
    this.calls.push(`isOffHook ${port}`);
    return port === 2;
  }
  setRinging(port: number, on: boolean, frequencyHz?: number): void {
    portOf(this, port, 'fxs');
    this.calls.push(`ring ${port} ${on} ${frequencyHz ?? '-'}`);
  }
  setPolarity(port: number, reversed: boolean): void {
    portOf(this, port, 'fxs');
    this.calls.push(`polarity ${port} ${reversed}`);
  }
  setSeized(port: number, seized: boolean): void {
    portOf(this, port, 'fxo');
    this.calls.push(`seize ${port} ${seized}`);
  }
  async close(): Promise<void> {
    this.closed++;
    if (this.closeError !== undefined) throw this.closeError;
  }
  emit(e: BoardEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
  listenerCount(): number {
    return this.listeners.size;
  }
}

function make(): { slic: FakeBoard; daa: FakeBoard; board: CompositeBoard } {
  const slic = new FakeBoard('gpio-slic', [[2, 'fxs'], [1, 'fxs']]);
  const daa = new FakeBoard('gpio-daa', [[3, 'fxo']]);
  return { slic, daa, board: new CompositeBoard('gpio-slic', [daa, slic]) };
}

test('ports of every part, sorted by number', () => {
  const { board } = make();
  assert.equal(board.name, 'gpio-slic');
  assert.deepEqual(board.ports.map((p) => [p.port, p.kind]), [[1, 'fxs'], [2, 'fxs'], [3, 'fxo']]);
});

test('commands and audio go to the part that owns the port', () => {
  const { slic, daa, board } = make();
  board.setRinging(1, true, 20);
  board.setPolarity(2, true);
  assert.equal(board.isOffHook(2), true);
  board.setSeized(3, true);
  board.audio(3);
  board.audio(1);
  assert.deepEqual(slic.calls, ['ring 1 true 20', 'polarity 2 true', 'isOffHook 2', 'audio 1']);
  assert.deepEqual(daa.calls, ['seize 3 true', 'audio 3']);
});

test('an unknown port is a BoardError; a wrong kind is the owner\'s BoardError', () => {
  const { board } = make();
  assert.throws(() => board.isOffHook(4), (e: unknown) => e instanceof BoardError && /has no port 4/.test(e.message));
  assert.throws(() => board.setRinging(0, true), BoardError);
  assert.throws(() => board.setSeized(9, true), BoardError);
  assert.throws(() => board.audio(7), BoardError);
  assert.throws(() => board.setSeized(1, true), (e: unknown) => e instanceof BoardError && /FXS port, not FXO/.test(e.message));
  assert.throws(() => board.isOffHook(3), (e: unknown) => e instanceof BoardError && /FXO port, not FXS/.test(e.message));
});

test('a port on two parts, or no parts, is refused', () => {
  assert.throws(() => new CompositeBoard('x', [new FakeBoard('a', [[1, 'fxs']]), new FakeBoard('b', [[1, 'fxo']])]), /port 1 is on both the a and the b driver/);
  assert.throws(() => new CompositeBoard('x', []), BoardError);
});

test('events of every part are merged; a part\'s whole-device loss becomes one event per port it owns', () => {
  const { slic, daa, board } = make();
  const seen: BoardEvent[] = [];
  const off = board.onEvent((e) => seen.push(e));
  slic.emit({ type: 'hook', port: 2, offHook: true, atMs: 5 });
  daa.emit({ type: 'ring-detect', port: 3, active: true, atMs: 6 });
  slic.emit({ type: 'device-lost', reason: 'unplugged', atMs: 7 });
  daa.emit({ type: 'device-restored', port: 3, atMs: 8 });
  assert.deepEqual(seen, [
    { type: 'hook', port: 2, offHook: true, atMs: 5 },
    { type: 'ring-detect', port: 3, active: true, atMs: 6 },
    { type: 'device-lost', port: 2, reason: 'unplugged', atMs: 7 },
    { type: 'device-lost', port: 1, reason: 'unplugged', atMs: 7 },
    { type: 'device-restored', port: 3, atMs: 8 },
  ]);
  off();
  slic.emit({ type: 'hook', port: 1, offHook: true, atMs: 9 });
  assert.equal(seen.length, 5);
});

test('a failing listener does not keep the event from the others; the part hears the failure', () => {
  const { slic, board } = make();
  const seen: number[] = [];
  board.onEvent(() => { throw new Error('listener broke'); });
  board.onEvent((e) => seen.push(e.atMs));
  assert.throws(() => slic.emit({ type: 'hook', port: 1, offHook: true, atMs: 1 }), /listener broke/);
  assert.deepEqual(seen, [1]);
});

test('close() closes every part even when one fails, stops the events, and is idempotent', async () => {
  const { slic, daa, board } = make();
  daa.closeError = new Error('relay stuck');
  const seen: BoardEvent[] = [];
  board.onEvent((e) => seen.push(e));
  await assert.rejects(board.close(), (e: unknown) => e instanceof BoardError && /gpio-daa: relay stuck/.test(e.message));
  assert.equal(slic.closed, 1);
  assert.equal(daa.closed, 1);
  assert.equal(slic.listenerCount(), 0);
  slic.emit({ type: 'hook', port: 1, offHook: true, atMs: 1 });
  assert.deepEqual(seen, []);
  await assert.rejects(board.close());
  assert.equal(slic.closed, 1, 'closed once');

  const ok = make();
  await ok.board.close();
  assert.equal(ok.slic.closed + ok.daa.closed, 2);
});

test('the voice direction goes to the part that owns the port; a part without half duplex ignores it', () => {
  const { daa, board } = make();
  board.setVoiceDirection(3, 'transmit');
  assert.deepEqual(daa.calls, [], 'the DAA (full duplex) has no setVoiceDirection: nothing happens, nothing throws');
  const halfDuplex = Object.assign(daa, { setVoiceDirection: (port: number, d: string) => daa.calls.push(`direction ${port} ${d}`) });
  const withModem = new CompositeBoard('x', [halfDuplex]);
  withModem.setVoiceDirection(3, 'receive');
  assert.deepEqual(daa.calls, ['direction 3 receive']);
  assert.throws(() => board.setVoiceDirection(9, 'receive'), BoardError);
});
