/**
 * Value checks shared by the provisioning schema and the repositories: the
 * patterns (each with the human message shown when a value does not match) and
 * the checks a regular expression cannot make well (port ranges, IP addresses,
 * digit maps).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { digitMapProblem as parsedDigitMapProblem } from '../line/digit-map.js';

/** Field path -> what is wrong with it (the shape of ValidationError.fields). */
export type FieldErrors = Record<string, string>;

/** Adds `message` for `path` unless that path already has one (the first problem found is the one shown). */
export function addError(errors: FieldErrors, path: string, message: string): void {
  if (!(path in errors)) errors[path] = message;
}

/** Copies `from` into `into` with every path prefixed (`server` -> `accounts[0].server`). */
export function mergeErrors(into: FieldErrors, from: FieldErrors, prefix = ''): void {
  for (const [path, message] of Object.entries(from)) {
    addError(into, prefix === '' ? path : path === '' ? prefix.replace(/\.$/, '') : `${prefix}${path}`, message);
  }
}

/** A pattern and the message for a value that does not match it. */
export interface NamedPattern {
  readonly pattern: string;
  readonly message: string;
}

function named(pattern: string, message: string): NamedPattern {
  return { pattern, message };
}

export const PATTERNS = {
  accountId: named('^[a-z0-9][a-z0-9_-]{0,31}$', "must be 1-32 lowercase letters, digits, '_' or '-', starting with a letter or digit"),
  hostPort: named(
    '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:[0-9]{1,5})?$',
    'must be host, host:port or [ipv6]:port',
  ),
  sipUser: named(
    "^([A-Za-z0-9_.!~*'()&=+$,;?/-]|%[0-9A-Fa-f]{2})+$",
    "must be a SIP user name: letters, digits, -_.!~*'()&=+$,;?/ or %XX escapes",
  ),
  text: named('^[^\\u0000-\\u001F\\u007F]*$', 'must not contain control characters'),
  extension: named('^[0-9]{1,6}$', 'must be 1-6 digits'),
  prefix: named('^[0-9]{1,4}$', 'must be 1-4 digits'),
  dialString: named('^[0-9*#+]{1,32}$', "must be 1-32 digits, '*', '#' or '+'"),
  callerNumber: named('^\\+?[0-9]{1,32}\\*?$', "must be a number of 1-32 digits (a leading '+' allowed), or a prefix ending in '*'"),
  featureCode: named('^[*#][0-9*#]{1,7}$', "must be 2-8 characters of digits, '*' or '#', starting with '*' or '#'"),
  digitMap: named('^[0-9*#xX.Tt|\\[\\]()<>:+-]+$', "must use only digits, * # x X . T [ ] - | ( ) < > : +"),
  route: named('^(account:[a-z0-9][a-z0-9_-]{0,31}|fxo|line:([1-9]|1[0-6]))$', 'must be account:<id>, fxo or line:<port>'),
  passwordHash: named(
    '^scrypt\\$[0-9]+\\$[0-9]+\\$[0-9]+\\$[A-Za-z0-9+/]+={0,2}\\$[A-Za-z0-9+/]+={0,2}$',
    'must be a scrypt$N$r$p$salt$hash string as exported with secrets',
  ),
} as const;

const MESSAGE_BY_PATTERN = new Map<string, string>(Object.values(PATTERNS).map((p) => [p.pattern, p.message]));

/** The message for a value that fails `pattern`, when the pattern is one of PATTERNS. */
export function patternMessage(pattern: string): string | undefined {
  return MESSAGE_BY_PATTERN.get(pattern);
}

const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * What is wrong with a `server` or `outboundProxy` value: a host name, an IPv4
 * address or a bracketed IPv6 address, with an optional port 1-65535.
 */
export function hostPortProblem(value: string): string | undefined {
  const general = PATTERNS.hostPort.message;
  let port: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return general;
    const inside = value.slice(1, close);
    const rest = value.slice(close + 1);
    if (!isIPv6(inside)) return `${general} ('${inside}' is not an IPv6 address)`;
    if (rest !== '' && !/^:[0-9]{1,5}$/.test(rest)) return general;
    port = rest === '' ? undefined : rest.slice(1);
  } else {
    const parts = value.split(':');
    if (parts.length > 2) return `${general} (write an IPv6 address in brackets)`;
    const host = parts[0] ?? '';
    port = parts[1];
    if (port !== undefined && !/^[0-9]{1,5}$/.test(port)) return general;
    if (host.length === 0 || host.length > 253) return general;
    const labels = host.split('.');
    if (labels.every((l) => /^[0-9]+$/.test(l))) {
      if (!isIPv4(host)) return `${general} ('${host}' is not an IPv4 address)`;
    } else if (!labels.every((l) => HOST_LABEL.test(l))) {
      return general;
    }
  }
  if (port !== undefined) {
    const n = Number(port);
    if (n < 1 || n > 65535) return 'port must be between 1 and 65535';
  }
  return undefined;
}

/**
 * What is wrong with a digit map (`[2-9]xxxxxxxxx|1xxxxxxxxxx|011xx.T|*xx|911`): checked
 * with the lines' own parser, so the store refuses exactly what a phone could not dial.
 */
export function digitMapProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (!new RegExp(PATTERNS.digitMap.pattern).test(value)) return PATTERNS.digitMap.message;
  return parsedDigitMapProblem(value);
}
