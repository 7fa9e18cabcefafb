import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { LogRing, MAX_LINE_CHARS, teeStream } from './log-ring.js';
import { createRootLogger } from './log.js';

const line = (o: Record<string, unknown>): string => JSON.stringify({ pid: 1, hostname: 'box', time: 1_700_000_000_000, ...o });

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

test('entries are newest first, with the view of each line', () => {
  const ring = new LogRing(10);
  ring.push(line({ level: 30, msg: 'first', path: 'dialtone/sip', account: 'main' }));
  ring.push(line({ level: 'warn', time: '2024-05-01T10:00:00.000Z', msg: 'second', component: 'board', name: 'dialtone' }));
  ring.push(line({ level: 50, msg: 'third' }) + '\n');
  assert.deepEqual(ring.entries(), [
    { at: new Date(1_700_000_000_000).toISOString(), level: 'error', component: 'dialtone', message: 'third', fields: {} },
    { at: '2024-05-01T10:00:00.000Z', level: 'warn', component: 'board', message: 'second', fields: {} },
    { at: new Date(1_700_000_000_000).toISOString(), level: 'info', component: 'dialtone/sip', message: 'first', fields: { account: 'main' } },
  ]);
});

test('the path binding wins over a component binding, which then stays a field', () => {
  const ring = new LogRing();
  ring.push(line({ level: 30, msg: 'm', path: 'dialtone/web', component: 'http' }));
  assert.deepEqual(ring.entries()[0]?.component, 'dialtone/web');
  assert.deepEqual(ring.entries()[0]?.fields, { component: 'http' });
});

test('filters: lowest level, component prefix (with or without the root), limit', () => {
  const ring = new LogRing();
  ring.push(line({ level: 20, msg: 'debug sip', path: 'dialtone/sip' }));
  ring.push(line({ level: 30, msg: 'info reg', path: 'dialtone/sip/registration:main' }));
  ring.push(line({ level: 40, msg: 'warn web', path: 'dialtone/web' }));
  ring.push(line({ level: 60, msg: 'fatal root' }));
  const msgs = (q: Parameters<LogRing['entries']>[0]): string[] => ring.entries(q).map((e) => e.message);
  assert.deepEqual(msgs({}), ['fatal root', 'warn web', 'info reg', 'debug sip']);
  assert.deepEqual(msgs({ minLevel: 'info' }), ['fatal root', 'warn web', 'info reg']);
  assert.deepEqual(msgs({ minLevel: 'warn' }), ['fatal root', 'warn web']);
  assert.deepEqual(msgs({ component: 'dialtone/sip' }), ['info reg', 'debug sip']);
  assert.deepEqual(msgs({ component: 'sip' }), ['info reg', 'debug sip']);
  assert.deepEqual(msgs({ component: 'dialtone/sip/reg' }), ['info reg']);
  assert.deepEqual(msgs({ component: 'dialtone' }), ['fatal root', 'warn web', 'info reg', 'debug sip']);
  assert.deepEqual(msgs({ limit: 2 }), ['fatal root', 'warn web']);
  assert.deepEqual(msgs({ minLevel: 'debug', component: 'sip', limit: 1 }), ['info reg']);
});

test('the ring keeps only the last `capacity` lines', () => {
  const ring = new LogRing(3);
  for (let i = 1; i <= 7; i++) ring.push(line({ level: 30, msg: String(i) }));
  assert.equal(ring.size, 3);
  assert.deepEqual(ring.entries().map((e) => e.message), ['7', '6', '5']);
  assert.throws(() => new LogRing(0), RangeError);
});

test('a line over 4 KB is stored shortened, still readable', () => {
  const ring = new LogRing(2);
  ring.push(line({ level: 40, msg: 'x'.repeat(10_000), path: 'dialtone/sip', big: 'y'.repeat(10_000), small: 5 }));
  const [e] = ring.entries();
  assert.ok(e !== undefined);
  assert.equal(e.level, 'warn');
  assert.equal(e.component, 'dialtone/sip');
  assert.ok(e.message.startsWith('xxx') && e.message.length <= 1025);
  assert.equal(e.fields.small, 5);
  assert.equal(e.fields.truncated, true);
  assert.ok(String(e.fields.big).length <= 257);
  const stored = (ring as unknown as { slots: { line: string }[] }).slots[0]?.line ?? '';
  assert.ok(stored.length <= MAX_LINE_CHARS, `stored ${stored.length} chars`);
  // Many fields, each short: the fields go, the message stays.
  const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, 'v'.repeat(200)]));
  ring.push(line({ level: 30, msg: 'many', ...many }));
  assert.deepEqual(ring.entries()[0], { at: new Date(1_700_000_000_000).toISOString(), level: 'info', component: 'dialtone', message: 'many', fields: { truncated: true } });
});

test('a line that is not JSON is shown as an info message at the time it came', () => {
  const ring = new LogRing(5, () => Date.parse('2024-01-02T03:04:05.000Z'));
  ring.push('plain text');
  ring.push('');
  ring.push('z'.repeat(MAX_LINE_CHARS * 2));
  const [long, plain] = ring.entries();
  assert.deepEqual(plain, { at: '2024-01-02T03:04:05.000Z', level: 'info', component: 'dialtone', message: 'plain text', fields: {} });
  assert.ok((long?.message.length ?? 0) <= MAX_LINE_CHARS);
  assert.equal(ring.size, 2, 'blank lines are skipped');
});

test('teeStream passes chunks on unchanged and splits them into lines for the ring', async () => {
  const ring = new LogRing();
  const sink = new Sink();
  const tee = teeStream(ring, sink);
  const a = line({ level: 30, msg: 'a' });
  const b = line({ level: 30, msg: 'b' });
  tee.write(a.slice(0, 10));
  assert.equal(ring.size, 0, 'a partial line waits for its end');
  tee.write(`${a.slice(10)}\n${b}\n`);
  tee.write(Buffer.from('tail without newline'));
  await new Promise<void>((resolve) => tee.end(resolve));
  assert.equal(sink.text, `${a}\n${b}\ntail without newline`);
  assert.deepEqual(ring.entries().map((e) => e.message), ['tail without newline', 'b', 'a']);
});

test('the root logger writes through the tee: lines reach both the output and the ring, at once', () => {
  const ring = new LogRing();
  const sink = new Sink();
  const log = createRootLogger('info', teeStream(ring, sink));
  log.child({ path: 'dialtone/sip' }).warn('registration failed', { account: 'main', status: 403 });
  log.debug('not written');
  const [e] = ring.entries();
  assert.ok(e !== undefined, 'synchronously in the ring');
  assert.equal(e.level, 'warn');
  assert.equal(e.component, 'dialtone/sip');
  assert.equal(e.message, 'registration failed');
  assert.deepEqual(e.fields, { account: 'main', status: 403 });
  assert.match(e.at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(ring.size, 1);
  assert.match(sink.text, /"msg":"registration failed"/);
});
