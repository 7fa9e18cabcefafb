import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock, type Clock, type Timer } from '../clock.js';
import { MemoryLogger } from '../log.js';
import { createSystemdNotifier, type SystemdNotifier } from './notify.js';
import { startWatchdog, watchdogUsecFromEnv, type WatchdogOptions } from './watchdog.js';

const PID = 4242;

/** A FakeClock whose next timer callback runs `lateBy` ms after the timer was due. */
class LateClock implements Clock {
  private extra = 0;
  lateBy = 0;
  constructor(readonly fake = new FakeClock()) {}
  now(): number { return this.fake.now() + this.extra; }
  wallTime(): number { return this.fake.wallTime() + this.extra; }
  setTimer(ms: number, fn: () => void): Timer {
    return this.fake.setTimer(ms, () => {
      this.extra += this.lateBy;
      this.lateBy = 0;
      fn();
    });
  }
  cancelTimer(timer: Timer): void { this.fake.cancelTimer(timer); }
}

function setup(env: NodeJS.ProcessEnv, over: Partial<WatchdogOptions> = {}) {
  const sent: string[] = [];
  const log = new MemoryLogger();
  const clock = new LateClock();
  let healthy = true;
  const notifier = createSystemdNotifier({ env: { NOTIFY_SOCKET: '/run/notify' }, log, sender: (_p, m) => void sent.push(m) });
  const wd = startWatchdog({
    notifier, env, clock, log, pid: PID, healthy: () => healthy, monitorEventLoop: false, ...over,
  });
  const feeds = (): number => sent.filter((m) => m === 'WATCHDOG=1').length;
  return { sent, log, clock, wd, feeds, setHealthy: (h: boolean) => void (healthy = h) };
}

describe('startWatchdog', () => {
  test('does nothing without WATCHDOG_USEC', () => {
    const s = setup({});
    assert.equal(s.wd.enabled, false);
    assert.equal(s.clock.fake.pendingCount(), 0);
    s.clock.fake.advance(60_000);
    assert.deepEqual(s.sent, []);
    s.wd.stop();
  });

  test('does nothing when WATCHDOG_PID names another process', () => {
    const s = setup({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: String(PID + 1) });
    assert.equal(s.wd.enabled, false);
    assert.equal(s.clock.fake.pendingCount(), 0);
    assert.deepEqual(s.sent, []);
    assert.equal(setup({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: String(PID) }).wd.enabled, true);
  });

  test('ignores a malformed WATCHDOG_USEC', () => {
    for (const v of ['abc', '0', '-5', '1e6', '99999999999999999999']) {
      assert.ok('none' in watchdogUsecFromEnv({ WATCHDOG_USEC: v }, PID), v);
    }
    assert.deepEqual(watchdogUsecFromEnv({ WATCHDOG_USEC: '20000000' }, PID), { usec: 20_000_000 });
  });

  test('does nothing when the notifier is disabled', () => {
    const log = new MemoryLogger();
    const notifier: SystemdNotifier = createSystemdNotifier({ env: {}, log });
    const clock = new FakeClock();
    const wd = startWatchdog({ notifier, env: { WATCHDOG_USEC: '20000000' }, clock, log, healthy: () => true, monitorEventLoop: false });
    assert.equal(wd.enabled, false);
    assert.equal(clock.pendingCount(), 0);
  });

  test('feeds at start and then every WATCHDOG_USEC/2', () => {
    const s = setup({ WATCHDOG_USEC: '20000000' });
    assert.equal(s.wd.intervalMs, 10_000);
    assert.equal(s.feeds(), 1);
    assert.equal(s.wd.lastFedAt, 0);
    assert.equal(s.clock.fake.nextDueIn(), 10_000);
    s.clock.fake.advance(9_999);
    assert.equal(s.feeds(), 1);
    s.clock.fake.advance(1);
    assert.equal(s.feeds(), 2);
    assert.equal(s.wd.lastFedAt, 10_000);
    s.clock.fake.advance(30_000);
    assert.equal(s.feeds(), 5);
    assert.deepEqual(new Set(s.sent), new Set(['WATCHDOG=1']));
    assert.equal(s.wd.stats().fed, 5);
  });

  test('does not feed while unhealthy, logs that rate-limited, resumes when healthy', () => {
    const s = setup({ WATCHDOG_USEC: '2000000' }); // a tick every second
    s.setHealthy(false);
    s.clock.fake.advance(30_000);
    assert.equal(s.feeds(), 1, 'only the feed at start');
    assert.equal(s.wd.stats().skippedUnhealthy, 30);
    assert.equal(s.log.entries.filter((e) => e.msg.startsWith('unhealthy')).length, 1);
    s.setHealthy(true);
    s.clock.fake.advance(1_000);
    assert.equal(s.feeds(), 2);
    assert.ok(s.log.entries.some((e) => e.msg.startsWith('healthy again')));
  });

  test('does not feed at start when unhealthy, nor when healthy() throws', () => {
    const s = setup({ WATCHDOG_USEC: '2000000' }, { healthy: () => { throw new Error('boom'); } });
    s.clock.fake.advance(5_000);
    assert.equal(s.feeds(), 0);
    assert.equal(s.log.entries.find((e) => e.msg.startsWith('unhealthy'))?.fields.err, 'boom');
  });

  test('skips a tick that fires more than WATCHDOG_USEC/4 late', () => {
    const s = setup({ WATCHDOG_USEC: '20000000' });
    s.clock.lateBy = 5_001;
    s.clock.fake.advance(10_000);
    assert.equal(s.feeds(), 1, 'the late tick was not fed');
    assert.equal(s.wd.stats().skippedLate, 1);
    const warn = s.log.entries.find((e) => e.level === 'warn');
    assert.match(warn?.msg ?? '', /event loop was blocked/);
    assert.equal(warn?.fields.lagMs, 5001);
    // The next tick is a full interval after the late one, and on time.
    assert.equal(s.clock.fake.nextDueIn(), 10_000);
    s.clock.fake.advance(10_000);
    assert.equal(s.feeds(), 2);
    // Late, but within the limit: fed.
    s.clock.lateBy = 5_000;
    s.clock.fake.advance(10_000);
    assert.equal(s.feeds(), 3);
  });

  test('maxLoopLagMs overrides the lateness limit', () => {
    const s = setup({ WATCHDOG_USEC: '20000000' }, { maxLoopLagMs: 100 });
    s.clock.lateBy = 150;
    s.clock.fake.advance(10_000);
    assert.equal(s.feeds(), 1);
    assert.equal(s.wd.stats().lastLagMs, 150);
  });

  test('stop() cancels the timer', () => {
    const s = setup({ WATCHDOG_USEC: '20000000' });
    s.wd.stop();
    s.wd.stop();
    assert.equal(s.clock.fake.pendingCount(), 0);
    s.clock.fake.advance(60_000);
    assert.equal(s.feeds(), 1);
  });

  test('samples event-loop delay when asked, on the real loop', () => {
    const s = setup({ WATCHDOG_USEC: '20000000' }, { monitorEventLoop: true });
    s.clock.fake.advance(10_000);
    assert.equal(s.feeds(), 2);
    s.wd.stop();
  });
});
