/**
 * A child process for real-socket.test.ts: the real notifier (native addon) and
 * watchdog with the SystemClock, pointed by the test at a python fake
 * NOTIFY_SOCKET. Sends READY=1 and a STATUS line, feeds the watchdog for
 * CHILD_RUN_MS, then (if CHILD_BLOCK_MS > 0) blocks its event loop that long
 * between X_TEST_PHASE=block-begin / block-end markers and runs CHILD_AFTER_MS
 * more, then sends STOPPING=1 and prints the watchdog's stats as JSON on stdout.
 * CHILD_HEALTHY=0 makes healthy() false. Logs go to stderr.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SystemClock } from '../../clock.js';
import { createRootLogger } from '../../log.js';
import { createSystemdNotifier } from '../notify.js';
import { startWatchdog } from '../watchdog.js';

const env = process.env;
const healthy = env.CHILD_HEALTHY !== '0';
const runMs = Number(env.CHILD_RUN_MS ?? '600');
const blockMs = Number(env.CHILD_BLOCK_MS ?? '0');
const afterMs = Number(env.CHILD_AFTER_MS ?? '300');

const log = createRootLogger('info', process.stderr);
const notifier = createSystemdNotifier({ log });
if (notifier.transport !== 'native') {
  console.error(`notify-child: expected the native transport, got ${notifier.transport}`);
  process.exit(3);
}
notifier.ready();
notifier.status('child running\nsecond line');
const watchdog = startWatchdog({ notifier, clock: new SystemClock(), healthy: () => healthy, log });
await sleep(runMs);
if (blockMs > 0) {
  notifier.send({ X_TEST_PHASE: 'block-begin' });
  const end = performance.now() + blockMs;
  let spins = 0;
  while (performance.now() < end) spins++;
  notifier.send({ X_TEST_PHASE: 'block-end', X_TEST_SPINS: String(spins) });
  await sleep(afterMs);
}
notifier.stopping();
watchdog.stop();
process.stdout.write(JSON.stringify(watchdog.stats()) + '\n');
