/**
 * What `dialtone` does with its command line (src/main.ts is the process around
 * it): starts the appliance, tells systemd when it is ready, feeds the watchdog
 * while the tree is healthy, and shuts down in order on SIGTERM. A fault the tree
 * cannot absorb ends the process with a non-zero code, and systemd starts it again.
 *
 * `deps.hardwareOpener` replaces how the gpio-slic and usb-modem boards reach
 * their hardware (GPIO over sysfs, ALSA, serial): the end-to-end tests run this
 * same start-up over a fake GPIO layer (test/support/hardware-box-child.ts).
 */
import { readFileSync } from 'node:fs';
import { Appliance } from './app.js';
import { SystemClock } from './clock.js';
import { parseCliOptions, USAGE, type BoardKind, type CliOptions } from './cli-options.js';
import { ValidationError } from './errors.js';
import { firstFreeSipPort } from './free-sip-port.js';
import { createRootLogger, type RootLogger } from './log.js';
import { LogRing, teeStream } from './log-ring.js';
import { loadBoardProfile } from '../board/profiles/profiles.js';
import { hardwareOpener } from './hardware-opener.js';
import type { HardwareOpener } from './lines-service.js';
import { createSystemdNotifier } from './systemd/notify.js';
import { startWatchdog } from './systemd/watchdog.js';
import { VERSION } from './version.js';

const EXIT_USAGE = 2;
export const EXIT_FAILED = 1;

function out(text: string): void {
  process.stdout.write(text + '\n');
}

function fail(message: string, code: number): never {
  process.stderr.write(`dialtone: ${message}\n`);
  process.exit(code);
}

function describeValidation(err: ValidationError): string {
  const fields = Object.entries(err.fields).map(([k, v]) => `  ${k}: ${v}`);
  return [err.message, ...fields].join('\n');
}

function readProvisioning(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`--provision ${file}: cannot read it (${err instanceof Error ? err.message : String(err)})`, EXIT_USAGE);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    fail(`--provision ${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, EXIT_USAGE);
  }
}

export interface RunDeps {
  /** Opens the hardware of a non-sim board (default: hardwareOpener, the device's GPIO, ALSA and serial). */
  readonly hardwareOpener?: (board: Exclude<BoardKind, 'sim'>, opts: { profile?: string | undefined; modem?: string | undefined; gpioRoot?: string | undefined }) => HardwareOpener;
}

export async function runAppliance(argv: string[], deps: RunDeps = {}): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseCliOptions(argv);
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`, EXIT_USAGE);
  }
  if (opts.help) return out(USAGE);
  if (opts.version) return out(VERSION);
  if (opts.board !== 'sim') {
    // Refuse a bad --profile / --modem at once; which profile opens is decided at each board start (hardware-opener.ts).
    try {
      loadBoardProfile(opts.board, { ...(opts.profile !== undefined ? { profile: opts.profile } : {}), ...(opts.modem !== undefined ? { modem: opts.modem } : {}) });
    } catch (err) {
      fail(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`, EXIT_USAGE);
    }
  }

  // Every line goes to stdout (journald) and into the ring that GET /api/logs reads.
  const logRing = new LogRing();
  const log: RootLogger = createRootLogger(opts.logLevel, teeStream(logRing, process.stdout));
  const clock = new SystemClock();
  const notifier = createSystemdNotifier({ log: log.child({ path: 'systemd' }) });
  const provision = opts.provision === undefined ? undefined : readProvisioning(opts.provision);
  const sipPort = opts.sipPortExplicit ? opts.sipPort : await firstFreeSipPort(opts.sipPort);

  let app: Appliance;
  try {
    app = await Appliance.start({
      board: opts.board,
      dataDir: opts.dataDir,
      httpHost: opts.httpHost,
      httpPort: opts.httpPort,
      ...(opts.httpsPort !== undefined ? { httpsPort: opts.httpsPort } : {}),
      sipPort,
      provision,
      clock,
      log,
      logRing,
      ...(opts.board !== 'sim' ? { hardware: (deps.hardwareOpener ?? hardwareOpener)(opts.board, { profile: opts.profile, modem: opts.modem, gpioRoot: opts.gpioRoot }) } : {}),
      ...(opts.profile !== undefined ? { commandLineProfile: opts.profile } : {}),
      faultInjection: opts.board === 'sim' || process.env.DIALTONE_FAULT_INJECTION === '1',
    });
  } catch (err) {
    if (err instanceof ValidationError) fail(`--provision ${opts.provision ?? ''}: refused, nothing applied\n${describeValidation(err)}`, EXIT_USAGE);
    log.fatal('start failed', { err: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    fail(`start failed: ${err instanceof Error ? err.message : String(err)}`, EXIT_FAILED);
  }

  const watchdog = startWatchdog({ notifier, clock, healthy: () => app.healthy(), log: log.child({ path: 'watchdog' }) });
  let stopping = false;
  const shutdown = async (signal: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    notifier.stopping();
    watchdog.stop();
    await app.stop();
    log.info('stopped');
    process.exit(code);
  };
  app.onFailed((err) => {
    log.fatal('the supervision tree gave up', { err: err.message });
    notifier.status(`failed: ${err.message}`);
    void shutdown('tree-failed', EXIT_FAILED);
  });
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));

  const host = opts.httpHost === '::' || opts.httpHost === '0.0.0.0' ? 'localhost' : opts.httpHost;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${app.httpPort}/`;
  out(`Dialtone ${VERSION} is running on the ${opts.board} board. Open ${url} in a browser.`);
  const https = app.status().https;
  if (https !== null) {
    out(https.port !== null
      ? `Also over HTTPS: https://${host.includes(':') ? `[${host}]` : host}:${https.port}/ (certificate SHA-256 ${https.fingerprint ?? 'unknown'}).`
      : `HTTPS is off: ${https.error ?? 'not served'}.`);
  }
  out(`SIP port: ${app.sipPort} (UDP and TCP). Data: ${opts.dataDir}.`);
  notifier.ready();
  notifier.status(`serving ${url}`);
}
