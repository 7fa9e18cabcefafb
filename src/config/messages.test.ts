/** The answering machine's messages: rows in the database, WAV files in <dataDir>/messages/. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWav } from '../../board/sim/wav.js';
import { FakeClock } from '../clock.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { MemoryLogger } from '../log.js';
import { MessageAudioError, type MessageLimits, type NewMessage } from './messages-repository.js';
import { ConfigStore } from './store.js';
import { minimalDocument, tempDir } from './test-support/fixtures.js';

interface Rig { store: ConfigStore; log: MemoryLogger; dir: string; files(): string[]; close(): void }

function rig(limits: Partial<MessageLimits> = {}): Rig {
  const tmp = tempDir();
  const log = new MemoryLogger();
  const store = ConfigStore.open({ dataDir: tmp.dir, log, clock: new FakeClock(), messageLimits: limits });
  const dir = join(tmp.dir, 'messages');
  return {
    store, log, dir,
    files: () => (existsSync(dir) ? readdirSync(dir).sort() : []),
    close: () => {
      store.close();
      tmp.remove();
    },
  };
}

function message(n: number, seconds = 1): NewMessage {
  return {
    receivedAt: 1_700_000_000_000 + n, from: `555000${n}`, callerName: `CALLER ${n}`, port: 3,
    samples: Int16Array.from({ length: seconds * 8000 }, (_, i) => Math.round(3000 * Math.sin(i / 3))),
  };
}

test('a message is kept as a row and an 8 kHz WAV file; the list is newest first with its unheard count', (t) => {
  const r = rig();
  t.after(() => r.close());
  const first = r.store.messages.add(message(1, 2));
  const second = r.store.messages.add(message(2));
  assert.deepEqual(first, { id: first.id, receivedAt: 1_700_000_000_001, from: '5550001', callerName: 'CALLER 1', port: 3, durationMs: 2000, heard: false, file: first.file });
  assert.deepEqual(r.store.messages.list().map((m) => m.id), [second.id, first.id]);
  assert.deepEqual(r.files(), [first.file, second.file].sort());
  const samples = parseWav(r.store.messages.audio(first.id));
  assert.equal(samples.length, 16_000);
  assert.equal(samples[5], message(1, 2).samples[5]);
  const unheard = (): number => r.store.messages.list().filter((m) => !m.heard).length;
  assert.equal(unheard(), 2);
  assert.equal(r.store.messages.setHeard(first.id, true).heard, true);
  assert.equal(unheard(), 1);
  assert.equal(r.store.messages.setHeard(first.id, false).heard, false);
});

test('a withheld number is kept as null; a bad message is refused naming the field, and nothing is written', (t) => {
  const r = rig();
  t.after(() => r.close());
  assert.equal(r.store.messages.add({ ...message(1), from: null, callerName: null }).from, null);
  assert.throws(() => r.store.messages.add({ ...message(2), port: 0 }), (err: unknown) => err instanceof ValidationError && 'port' in err.fields);
  assert.throws(() => r.store.messages.add({ ...message(2), samples: new Int16Array(0) }), (err: unknown) => err instanceof ValidationError && 'samples' in err.fields);
  assert.throws(() => r.store.messages.setHeard(r.store.messages.list()[0]!.id, 'yes' as unknown as boolean), ValidationError);
  assert.equal(r.store.messages.list().length, 1);
  assert.equal(r.files().length, 1);
});

test('at most maxMessages are kept: the oldest is dropped with its file, and the log says so', (t) => {
  const r = rig({ maxMessages: 3 });
  t.after(() => r.close());
  const ids = [1, 2, 3, 4, 5].map((n) => r.store.messages.add(message(n)).id);
  assert.deepEqual(r.store.messages.list().map((m) => m.id), ids.slice(2).reverse());
  assert.deepEqual(r.files(), ids.slice(2).map((id) => `message-${id}.wav`).sort());
  assert.equal(r.log.entries.filter((e) => e.msg === 'message store full: the oldest message was dropped').length, 2);
});

test('at most maxBytes of audio are kept: older messages go until the new one fits', (t) => {
  // 1 s of audio is 16 044 bytes as WAV: room for three.
  const r = rig({ maxBytes: 50_000 });
  t.after(() => r.close());
  const ids = [1, 2, 3, 4].map((n) => r.store.messages.add(message(n)).id);
  assert.deepEqual(r.store.messages.list().map((m) => m.id), ids.slice(1).reverse());
  const big = r.store.messages.add(message(5, 2));
  assert.deepEqual(r.store.messages.list().map((m) => m.id), [big.id, ids[3]]);
});

test('delete removes the row and the file; an unknown id is NotFoundError', (t) => {
  const r = rig();
  t.after(() => r.close());
  const m = r.store.messages.add(message(1));
  r.store.messages.delete(m.id);
  assert.deepEqual(r.store.messages.list(), []);
  assert.deepEqual(r.files(), []);
  for (const op of [() => r.store.messages.delete(m.id), () => r.store.messages.audio(m.id), () => r.store.messages.setHeard(m.id, true), () => r.store.messages.get(99)]) {
    assert.throws(op, NotFoundError);
  }
});

test('a missing or corrupt audio file is a MessageAudioError saying which; the message is still listed and can be deleted', (t) => {
  const r = rig();
  t.after(() => r.close());
  const gone = r.store.messages.add(message(1));
  const broken = r.store.messages.add(message(2));
  rmSync(join(r.dir, gone.file));
  writeFileSync(join(r.dir, broken.file), 'not a wav file');
  assert.throws(() => r.store.messages.audio(gone.id), (err: unknown) => err instanceof MessageAudioError && /is missing \(messages\/message-\d+\.wav\)/.test(err.message));
  assert.throws(() => r.store.messages.audio(broken.id), (err: unknown) => err instanceof MessageAudioError && /is corrupt/.test(err.message));
  assert.equal(r.store.messages.list().length, 2);
  r.store.messages.delete(gone.id);
  r.store.messages.delete(broken.id);
  assert.deepEqual(r.files(), []);
});

test('factory reset deletes every message and its file; backups (the exported document) never hold messages', (t) => {
  const r = rig();
  t.after(() => r.close());
  r.store.importDocument(minimalDocument());
  r.store.messages.add(message(1));
  r.store.messages.add(message(2));
  assert.equal(JSON.stringify(r.store.exportDocument({ includeSecrets: true })).includes('message'), false);
  r.store.factoryReset();
  assert.deepEqual(r.store.messages.list(), []);
  assert.deepEqual(r.files(), []);
  assert.equal(r.store.messages.add(message(3)).heard, false, 'messages are kept again after the reset');
});

test('messages survive a restart (the database and the files are on the data directory)', (t) => {
  const tmp = tempDir();
  t.after(() => tmp.remove());
  const open = (): ConfigStore => ConfigStore.open({ dataDir: tmp.dir, log: new MemoryLogger(), clock: new FakeClock() });
  const first = open();
  const m = first.messages.add(message(1));
  first.close();
  const again = open();
  assert.deepEqual(again.messages.list(), [m]);
  assert.equal(parseWav(again.messages.audio(m.id)).length, 8000);
  again.close();
});

test('an in-memory store keeps no messages', () => {
  const store = ConfigStore.openFile({ file: ':memory:', log: new MemoryLogger(), clock: new FakeClock() });
  assert.throws(() => store.messages.add(message(1)), /no data directory/);
  assert.deepEqual(store.messages.list(), []);
  store.close();
});

test('listeners hear every change; the landlines with unheard messages follow what is heard and deleted', (t) => {
  const r = rig({ maxMessages: 2 });
  t.after(() => r.close());
  let changes = 0;
  const off = r.store.messages.onChange(() => {
    changes += 1;
  });
  r.store.messages.onChange(() => {
    throw new Error('a broken listener');
  });
  const a = r.store.messages.add(message(1));
  const b = r.store.messages.add({ ...message(2), port: 4 });
  assert.deepEqual([...r.store.messages.landlinesWithUnheard()].sort(), [3, 4]);
  r.store.messages.setHeard(a.id, true);
  assert.deepEqual([...r.store.messages.landlinesWithUnheard()], [4]);
  r.store.messages.delete(b.id);
  assert.deepEqual([...r.store.messages.landlinesWithUnheard()], []);
  r.store.messages.add(message(3));
  assert.equal(changes, 5, 'add, add, heard, delete, add');
  assert.ok(r.log.entries.some((e) => e.msg === 'a messages listener failed'), 'a throwing listener is logged, the write stands');
  off();
  r.store.messages.add(message(4));
  assert.equal(changes, 5, 'unsubscribed');
});
