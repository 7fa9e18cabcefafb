/**
 * The command line (a DESIGN contract):
 * dialtone [--board sim|gpio-slic|usb-modem] [--data-dir DIR] [--http-port N]
 *          [--sip-port N] [--provision FILE] [--log-level L]
 */
import { parseArgs } from 'node:util';
import { ValidationError } from './errors.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.js';

export const BOARDS = ['sim', 'gpio-slic', 'usb-modem'] as const;
export type BoardKind = (typeof BOARDS)[number];

export interface CliOptions {
  board: BoardKind;
  dataDir: string;
  httpPort: number;
  /** The SIP port asked for; when not given explicitly, the next free port from 5060 is used. */
  sipPort: number;
  sipPortExplicit: boolean;
  provision: string | undefined;
  logLevel: LogLevel;
  /** Address the web server listens on. */
  httpHost: string;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: dialtone [options]

  --board sim|gpio-slic|usb-modem  line hardware (default: sim)
  --data-dir DIR                   database and logs (default: ./data)
  --http-port N                    web page and API port (default: 8080)
  --http-host ADDR                 address to listen on (default: all, "::")
  --sip-port N                     SIP port (default: 5060, or the next free one)
  --provision FILE                 apply this provisioning document at start
  --log-level L                    ${LOG_LEVELS.join('|')} (default: info)
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
        'http-host': { type: 'string', default: '::' },
        'sip-port': { type: 'string' },
        provision: { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
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
  const logLevel = v['log-level'] ?? 'info';
  if (!isLogLevel(logLevel)) fields['--log-level'] = `one of ${LOG_LEVELS.join(', ')}`;
  const dataDir = v['data-dir'] ?? './data';
  if (dataDir === '') fields['--data-dir'] = 'must not be empty';
  if (v.provision === '') fields['--provision'] = 'must name a file';
  if (Object.keys(fields).length > 0) {
    throw new ValidationError(`bad command line: ${Object.entries(fields).map(([k, m]) => `${k} ${m}`).join('; ')}`, fields);
  }
  return {
    board: board as BoardKind,
    dataDir,
    httpPort,
    sipPort,
    sipPortExplicit: v['sip-port'] !== undefined,
    provision: v.provision,
    logLevel: logLevel as LogLevel,
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
