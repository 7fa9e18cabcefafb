import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../clock.js';
import { MemoryLogger } from '../log.js';
import { findUpward, SD_NOTIFY_ADDON } from './native.js';
import { createSystemdNotifier, findExecutable, singleLine, type ExecFileFn, type NotifySender } from './notify.js';

const SOCKET = '/run/systemd/notify';

function recorder(): { sent: { path: string; msg: string }[]; sender: NotifySender } {
  const sent: { path: string; msg: string }[] = [];
  return { sent, sender: (path, msg) => void sent.push({ path, msg }) };
}

describe('createSystemdNotifier', () => {
  test('is a no-op without NOTIFY_SOCKET, and never loads the addon', () => {
    for (const env of [{}, { NOTIFY_SOCKET: '' }]) {
      const { sent, sender } = recorder();
      const log = new MemoryLogger();
      const n = createSystemdNotifier({ env, log, sender, loadNative: () => assert.fail('loaded the addon') });
      assert.equal(n.enabled, false);
      assert.equal(n.transport, 'none');
      n.ready();
      n.status('x');
      n.watchdog();
      n.stopping();
      n.reloading?.();
      n.send({ STATUS: 'y' });
      assert.deepEqual(sent, []);
      assert.deepEqual(log.entries, []);
    }
  });

  test('is a no-op, with a warning, for a socket that is not a unix path', () => {
    const { sent, sender } = recorder();
    const log = new MemoryLogger();
    const n = createSystemdNotifier({ env: { NOTIFY_SOCKET: 'vsock:2:1234' }, log, sender });
    assert.equal(n.enabled, false);
    n.ready();
    assert.deepEqual(sent, []);
    assert.equal(log.entries[0]?.level, 'warn');
  });

  test('sends the exact sd_notify messages to NOTIFY_SOCKET', () => {
    const { sent, sender } = recorder();
    const n = createSystemdNotifier({ env: { NOTIFY_SOCKET: SOCKET }, log: new MemoryLogger(), sender, pid: 4242 });
    assert.equal(n.enabled, true);
    assert.equal(n.transport, 'injected');
    n.ready();
    n.status('serving http://localhost/');
    n.watchdog();
    n.stopping();
    n.send({ STATUS: 'a', ERRNO: '5' });
    assert.deepEqual(sent, [
      { path: SOCKET, msg: 'READY=1\nMAINPID=4242' },
      { path: SOCKET, msg: 'STATUS=serving http://localhost/' },
      { path: SOCKET, msg: 'WATCHDOG=1' },
      { path: SOCKET, msg: 'STOPPING=1' },
      { path: SOCKET, msg: 'STATUS=a\nERRNO=5' },
    ]);
  });

  test('passes an abstract socket name through unchanged', () => {
    const { sent, sender } = recorder();
    createSystemdNotifier({ env: { NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify/1' }, log: new MemoryLogger(), sender }).watchdog();
    assert.deepEqual(sent, [{ path: '@/org/freedesktop/systemd1/notify/1', msg: 'WATCHDOG=1' }]);
  });

  test('RELOADING=1 carries MONOTONIC_USEC', () => {
    const { sent, sender } = recorder();
    createSystemdNotifier({ env: { NOTIFY_SOCKET: SOCKET }, log: new MemoryLogger(), sender }).reloading?.();
    assert.match(sent[0]?.msg ?? '', /^RELOADING=1\nMONOTONIC_USEC=\d+$/);
  });

  test('STATUS is one line: no line breaks or control characters, bounded length', () => {
    const { sent, sender } = recorder();
    const n = createSystemdNotifier({ env: { NOTIFY_SOCKET: SOCKET }, log: new MemoryLogger(), sender });
    n.status('failed:\nline two\r\n  line\tthree\n');
    n.send({ STATUS: 'x\nREADY=1' });
    n.status('y'.repeat(5000));
    assert.equal(sent[0]?.msg, 'STATUS=failed: line two line three');
    assert.equal(sent[1]?.msg, 'STATUS=x READY=1');
    assert.ok((sent[2]?.msg.length ?? 0) <= 'STATUS='.length + 1000);
    assert.equal(singleLine('a\u2028b'), 'a b');
  });

  test('send() drops fields with invalid names and logs them', () => {
    const { sent, sender } = recorder();
    const log = new MemoryLogger();
    const n = createSystemdNotifier({ env: { NOTIFY_SOCKET: SOCKET }, log, sender });
    n.send({ 'BAD\nKEY': '1', lower: '2', OK_1: '3' });
    n.send({ 'x=y': '1' });
    assert.deepEqual(sent.map((s) => s.msg), ['OK_1=3']);
    assert.equal(log.entries.filter((e) => e.level === 'error').length, 3);
  });

  test('send failures are logged, rate-limited, never thrown; recovery is logged', () => {
    const clock = new FakeClock();
    const log = new MemoryLogger();
    let broken = true;
    const sender: NotifySender = () => {
      if (broken) throw Object.assign(new Error('sd_notify: sendto: Connection refused'), { code: 'ECONNREFUSED' });
    };
    const n = createSystemdNotifier({ env: { NOTIFY_SOCKET: SOCKET }, log, sender, clock });
    for (let i = 0; i < 5; i++) n.watchdog();
    const errors = (): typeof log.entries => log.entries.filter((e) => e.level === 'error');
    assert.equal(errors().length, 1);
    assert.deepEqual(errors()[0]?.fields, { message: 'WATCHDOG=1', err: 'sd_notify: sendto: Connection refused' });
    clock.advance(60_000);
    n.ready();
    assert.equal(errors().length, 2);
    assert.deepEqual(errors()[1]?.fields, { message: 'READY=1', err: 'sd_notify: sendto: Connection refused', suppressed: 4 });
    broken = false;
    n.watchdog();
    assert.equal(log.entries.at(-1)?.msg, 'systemd notifications work again');
    broken = true;
    n.watchdog(); // logged at once: the limiter was reset by the recovery
    assert.equal(errors().length, 3);
  });

  test('loads the real addon by default', () => {
    const log = new MemoryLogger();
    const n = createSystemdNotifier({ env: { NOTIFY_SOCKET: '/nonexistent/dialtone/notify' }, log });
    assert.equal(n.transport, 'native');
    n.ready(); // ENOENT: logged, not thrown
    assert.match(String(log.entries.find((e) => e.level === 'error')?.fields.err), /No such file or directory/);
  });

  describe('when the addon cannot be loaded', () => {
    const noAddon = (): NotifySender => {
      throw new Error('build/Release/sd_notify.node not found');
    };

    test('falls back to systemd-notify --pid, one run at a time, in order', () => {
      const log = new MemoryLogger();
      const calls: { file: string; args: readonly string[]; socket: string | undefined; done: (err: Error | null) => void }[] = [];
      const execFile: ExecFileFn = (file, args, options, done) => void calls.push({ file, args, socket: options.env.NOTIFY_SOCKET, done });
      const n = createSystemdNotifier({
        env: { NOTIFY_SOCKET: SOCKET }, log, pid: 77, loadNative: noAddon, systemdNotify: '/usr/bin/systemd-notify', execFile,
      });
      assert.equal(n.enabled, true);
      assert.equal(n.transport, 'systemd-notify');
      assert.equal(log.entries.filter((e) => e.level === 'error').length, 1);
      assert.match(log.entries[0]?.msg ?? '', /NotifyAccess=all/);
      n.ready();
      n.status('up');
      assert.equal(calls.length, 1, 'the second run waits for the first');
      assert.deepEqual(calls[0], { ...calls[0], file: '/usr/bin/systemd-notify', args: ['--pid=77', 'READY=1'], socket: SOCKET });
      calls[0]?.done(null);
      assert.deepEqual(calls[1]?.args, ['--pid=77', 'STATUS=up']);
      calls[1]?.done(new Error('Command failed: systemd-notify'));
      assert.equal(log.entries.at(-1)?.msg, 'systemd notification failed');
    });

    test('is a no-op, with one error, when systemd-notify is not there either', () => {
      const log = new MemoryLogger();
      const n = createSystemdNotifier({ env: { NOTIFY_SOCKET: SOCKET }, log, loadNative: noAddon, systemdNotify: false });
      assert.equal(n.enabled, false);
      n.ready();
      n.watchdog();
      assert.equal(log.entries.length, 1);
      assert.equal(log.entries[0]?.level, 'error');
    });
  });
});

test('findExecutable searches PATH', () => {
  assert.match(findExecutable('sh', { PATH: '/nonexistent:/usr/bin:/bin' }) ?? '', /\/sh$/);
  assert.equal(findExecutable('no-such-program-dialtone', { PATH: '/nonexistent' }), undefined);
});

test('the addon is found from src/systemd and from dist/src/systemd', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const expected = join(root, SD_NOTIFY_ADDON);
  assert.equal(findUpward(SD_NOTIFY_ADDON, join(root, 'src', 'systemd')), expected);
  assert.equal(findUpward(SD_NOTIFY_ADDON, join(root, 'dist', 'src', 'systemd')), expected);
  assert.equal(findUpward('no/such/file.node', join(root, 'src')), undefined);
});
