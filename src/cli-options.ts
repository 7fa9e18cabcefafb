/**
 * The command line (a DESIGN contract):
 * dialtone [--board sim|gpio-slic|usb-modem] [--data-dir DIR] [--http-port N]
 *          [--sip-port N] [--provision FILE] [--log-level L]
 * and [--https-port N]: the page over HTTPS too, with the box's admin certificate.
 * and, for the hardware boards: [--profile ID] (board/profiles/ID.json, checked to
 * belong to the board), [--modem PATH] (the usb-modem board's serial device) and
 * [--gpio-root DIR] (where the gpio-slic board looks for sysfs, for tests).
 */
import { parseArgs } from 'node:util';
import { loadBoardProfile, ProfileError } from '../board/profiles/profiles.js';
import { ValidationError } from './errors.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.js';

export const BOARDS = ['sim', 'gpio-slic', 'usb-modem'] as const;
export type BoardKind = (typeof BOARDS)[number];

export interface CliOptions {
  board: BoardKind;
  dataDir: string;
  httpPort: number;
  /** `--https-port`: also serve the page over HTTPS (undefined: HTTP only). */
  httpsPort: number | undefined;
  /** The SIP port asked for; when not given explicitly, the next free port from 5060 is used. */
  sipPort: number;
  sipPortExplicit: boolean;
  provision: string | undefined;
  logLevel: LogLevel;
  /** The board profile asked for (undefined: the board's default); checked to exist and belong to the board. */
  profile: string | undefined;
  /** The usb-modem board's serial device, instead of the profile's. */
  modem: string | undefined;
  /** The gpio-slic board: the root of the sysfs tree its GPIO chips are read from (default "/"). */
  gpioRoot: string | undefined;
  /** Address the web server listens on. */
  httpHost: string;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: dialtone [options]

  --board sim|gpio-slic|usb-modem  line hardware (default: sim)
  --data-dir DIR                   database and logs (default: ./data)
  --http-port N                    web page and API port (default: 8080)
  --https-port N                   also serve the page over HTTPS on N, with the certificate
                                   in DIR/tls/admin.crt (made when missing; default: off)
  --http-host ADDR                 address to listen on (default: all, "::")
  --sip-port N                     SIP port (default: 5060, or the next free one)
  --provision FILE                 apply this provisioning document at start
  --log-level L                    ${LOG_LEVELS.join('|')} (default: info)
  --profile ID                     the board's hardware profile (gpio-slic: ag1171-cm108,
                                   usb-modem: usb-modem; board/profiles/ lists them all)
  --modem PATH                     usb-modem: the modem's serial device (default: /dev/ttyACM0)
  --gpio-root DIR                  gpio-slic: read GPIO chips under DIR/sys/class/gpio (tests)
  --help, --version
`;

export function parseCliOptions(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        board: { type: 'string', default: 'sim' },
        'data-dir': { type: 'string', default: './data' },
        'http-port': { type: 'string', default: '8080' },
        'https-port': { type: 'string' },
        'http-host': { type: 'string', default: '::' },
        'sip-port': { type: 'string' },
        provision: { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
        profile: { type: 'string' },
        modem: { type: 'string' },
        'gpio-root': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new ValidationError(err instanceof Error ? err.message : String(err), {});
  }
  const v = parsed.values;
  const fields: Record<string, string> = {};
  const board = v.board ?? 'sim';
  if (!(BOARDS as readonly string[]).includes(board)) fields['--board'] = `one of ${BOARDS.join(', ')}`;
  const httpPort = port(v['http-port'] ?? '8080', '--http-port', fields);
  const sipPort = port(v['sip-port'] ?? '5060', '--sip-port', fields);
  const httpsPort = v['https-port'] === undefined ? undefined : port(v['https-port'], '--https-port', fields);
  if (httpsPort !== undefined && httpsPort !== 0 && httpsPort === httpPort) fields['--https-port'] = 'must differ from --http-port';
  const logLevel = v['log-level'] ?? 'info';
  if (!isLogLevel(logLevel)) fields['--log-level'] = `one of ${LOG_LEVELS.join(', ')}`;
  const dataDir = v['data-dir'] ?? './data';
  if (dataDir === '') fields['--data-dir'] = 'must not be empty';
  if (v.provision === '') fields['--provision'] = 'must name a file';
  if (!('--board' in fields)) hardwareOptions(board as BoardKind, v.profile, v.modem, v['gpio-root'], fields);
  if (Object.keys(fields).length > 0) {
    throw new ValidationError(`bad command line: ${Object.entries(fields).map(([k, m]) => `${k} ${m}`).join('; ')}`, fields);
  }
  return {
    board: board as BoardKind,
    dataDir,
    httpPort,
    httpsPort,
    sipPort,
    sipPortExplicit: v['sip-port'] !== undefined,
    provision: v.provision,
    logLevel: logLevel as LogLevel,
    profile: v.profile,
    modem: v.modem,
    gpioRoot: v['gpio-root'],
    httpHost: v['http-host'] ?? '::',
    help: v.help ?? false,
    version: v.version ?? false,
  };
}

function port(text: string, flag: string, fields: Record<string, string>): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 0 || n > 65535) {
    fields[flag] = 'a port number from 0 to 65535';
    return 0;
  }
  return n;
}

/** --profile, --modem and --gpio-root: each only where its board uses it; the profile must exist and be the board's. */
function hardwareOptions(board: BoardKind, profile: string | undefined, modem: string | undefined, gpioRoot: string | undefined, fields: Record<string, string>): void {
  if (gpioRoot !== undefined && board !== 'gpio-slic') fields['--gpio-root'] = 'only for --board gpio-slic';
  else if (gpioRoot === '') fields['--gpio-root'] = 'must name a folder';
  if (board === 'sim') {
    if (profile !== undefined) fields['--profile'] = 'the sim board has no profiles (they are for --board gpio-slic and usb-modem)';
    if (modem !== undefined) fields['--modem'] = 'only for --board usb-modem';
    return;
  }
  try {
    loadBoardProfile(board, { profile, modem });
  } catch (err) {
    if (!(err instanceof ProfileError)) throw err;
    const entries = Object.entries(err.fields);
    if (entries.length === 0) fields['--profile'] = err.message;
    for (const [k, m] of entries) fields[k === 'modem' ? '--modem' : '--profile'] ??= k === 'modem' || k === 'profile' ? m : err.message;
  }
}
