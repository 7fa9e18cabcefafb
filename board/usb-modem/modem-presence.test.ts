/**
 * A modem unplugged while the serial port stays silent about it: the device node
 * vanishing is enough for the board to report the modem lost within a second.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock.js';
import { MemoryLogger } from '../../src/log.js';
import type { BoardEvent } from '../board.js';
import { ModemBoard } from './modem-board.js';
import type { ModemTransport } from './serial-transport.js';

/** A transport that opens and then says nothing at all, even when its device is gone. */
function silentTransport(): ModemTransport {
  return {
    open: async () => {},
    write: () => {},
    onData: () => {},
    onLost: () => {},
    close: async () => {},
  };
}

test('the device node vanishing is a lost modem even when the serial port reports nothing', async () => {
  const clock = new FakeClock();
  let present = true;
  const board = new ModemBoard({
    clock, log: new MemoryLogger(),
    port: { port: 1, kind: 'fxo', driver: 'usb-modem', modem: { path: '/dev/ttyACM0', type: 'cx93001' } },
    transport: () => silentTransport(),
    findDevice: () => (present ? '/dev/ttyACM0' : undefined),
  });
  const events: BoardEvent[] = [];
  board.onEvent((e) => events.push(e));
  await clock.advanceAsync(100);
  await clock.advanceAsync(2000);
  assert.deepEqual(events.filter((e) => e.type === 'device-lost'), [], 'present: not lost');
  present = false;
  await clock.advanceAsync(1100);
  const lost = events.filter((e) => e.type === 'device-lost');
  assert.equal(lost.length, 1, 'reported lost within a second of the node going');
  await board.close();
});
