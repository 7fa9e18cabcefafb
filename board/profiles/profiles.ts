/**
 * Board profiles: the JSON files beside this module (board/profiles/*.json), each
 * describing one kind of line-interface hardware (profile-types.ts). This module
 * finds them (from the source tree and from dist/), lists them, loads one by id and
 * checks it: the file's shape against profile-schema.ts, then what a schema cannot
 * say (ports numbered 1..n with FXS first, no GPIO line, sound card or modem used
 * twice, the ports fit the profile's board). Every problem is a `ProfileError`, a
 * ValidationError whose `fields` name the place (`ports[1].gpio.rm.offset`).
 *
 * `loadBoardProfile` is what the process calls for `--board gpio-slic|usb-modem`
 * with `--profile ID` and `--modem PATH`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError, type ErrorContext } from '../../src/errors.js';
import { describeError, fieldPath } from '../../src/config/schema-errors.js';
import type { GpioLineSpec } from '../gpio/gpio.js';
import type { BoardProfile, ModemPortSpec, PortSpec } from './profile-types.js';
import { ERROR_MESSAGE_KEY, PORT_SCHEMAS, ProfileFileSchema, PROFILE_BOARDS, type ProfileBoard } from './profile-schema.js';

export { PROFILE_BOARDS, type ProfileBoard } from './profile-schema.js';

/** The profile used when `--profile` is not given. */
export const DEFAULT_PROFILES: Readonly<Record<ProfileBoard, string>> = {
  'gpio-slic': 'ag1171-cm108',
  'usb-modem': 'usb-modem',
};

/** A profile that cannot be found or is not valid; `fields` say where (`profile`, `modem`, or a path in the file). */
export class ProfileError extends ValidationError {
  constructor(message: string, fields: Record<string, string>, context: ErrorContext = {}) {
    super(message, fields, context);
  }
}

export interface ProfileSummary {
  readonly id: string;
  readonly name: string;
  readonly board: ProfileBoard;
  /** The file's wiring notes, as one text. */
  readonly description: string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * The folder of profile files: beside this module (the source tree, or dist/ after
 * copy-profiles.js), else the source folder seen from dist/board/profiles.
 */
export function profilesDir(here: string = dirname(fileURLToPath(import.meta.url))): string {
  const candidates = [here, join(here, '..', '..', '..', 'board', 'profiles')];
  const marker = `${DEFAULT_PROFILES['gpio-slic']}.json`;
  const found = candidates.find((c) => existsSync(join(c, marker)));
  if (found === undefined) throw new ProfileError(`board profiles not found (looked in ${candidates.join(', ')})`, {}, { candidates });
  return found;
}

/** The ids of every profile file, sorted. */
export function profileIds(dir: string = profilesDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((id) => ID_PATTERN.test(id))
    .sort();
}

/** Every profile (of one board when `board` is given), checked. */
export function listProfiles(opts: { dir?: string; board?: ProfileBoard } = {}): ProfileSummary[] {
  const dir = opts.dir ?? profilesDir();
  const out: ProfileSummary[] = [];
  for (const id of profileIds(dir)) {
    const p = loadProfile(id, { dir });
    if (opts.board !== undefined && p.board !== opts.board) continue;
    out.push({ id: p.id, name: p.name, board: p.board, description: descriptions.get(p) ?? '' });
  }
  return out;
}

/** Wiring notes of the profiles loaded (BoardProfile has no field for them). */
const descriptions = new WeakMap<BoardProfile, string>();

/** Reads and checks one profile. */
export function loadProfile(id: string, opts: { dir?: string } = {}): BoardProfile {
  const dir = opts.dir ?? profilesDir();
  const known = profileIds(dir);
  if (!ID_PATTERN.test(id) || !known.includes(id)) {
    throw new ProfileError(`unknown board profile "${id}"; known profiles: ${known.join(', ')}`, { profile: `unknown; one of ${known.join(', ')}` }, { profile: id, known });
  }
  const file = join(dir, `${id}.json`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ProfileError(`board profile ${id} (${file}) cannot be read: ${why}`, { profile: `cannot be read: ${why}` }, { profile: id, file });
  }
  return checkProfile(id, value, file);
}

/** Checks a profile's contents (`id` is its file name); returns it typed, or throws a ProfileError naming every bad field. */
export function checkProfile(id: string, value: unknown, file = `${id}.json`): BoardProfile {
  const errors: Record<string, string> = {};
  const fail = (): never => {
    const list = Object.entries(errors).map(([k, m]) => `${k} ${m}`).join('; ');
    throw new ProfileError(`board profile ${id} (${file}) is not valid: ${list}`, errors, { profile: id, file });
  };
  collect(errors, ProfileFileSchema, value, '');
  if (Object.keys(errors).length > 0) fail();
  const doc = value as { id: string; name: string; board: ProfileBoard; description?: string[]; ports: { driver: keyof typeof PORT_SCHEMAS }[] };
  if (doc.id !== id) add(errors, 'id', `must be "${id}" (the file's name)`);
  doc.ports.forEach((p, i) => collect(errors, PORT_SCHEMAS[p.driver], p, `ports[${i}]`));
  if (Object.keys(errors).length > 0) fail();
  const profile: BoardProfile = { id: doc.id, name: doc.name, board: doc.board, ports: doc.ports as unknown as PortSpec[] };
  crossChecks(profile, errors);
  if (Object.keys(errors).length > 0) fail();
  descriptions.set(profile, (doc.description ?? []).join('\n'));
  return profile;
}

/**
 * The profile the process runs with on `board`: `profile` (default: the board's
 * default profile) with `modem` as the serial device of its USB modem port.
 * Throws a ProfileError with field `profile` (unknown, or of another board) or
 * `modem` (the profile has no modem port, or the path is not a device path).
 */
export function loadBoardProfile(board: ProfileBoard, opts: { profile?: string; modem?: string; dir?: string }): BoardProfile {
  if (!(PROFILE_BOARDS as readonly string[]).includes(board)) {
    throw new ProfileError(`the ${String(board)} board has no profiles`, { profile: `the ${String(board)} board has no profiles` });
  }
  const dir = opts.dir ?? profilesDir();
  const id = opts.profile ?? DEFAULT_PROFILES[board];
  const known = profileIds(dir);
  if (!ID_PATTERN.test(id) || !known.includes(id)) {
    const own = listProfiles({ dir, board }).map((p) => p.id);
    throw new ProfileError(`unknown board profile "${id}"; the ${board} board's profiles: ${own.join(', ')}`, { profile: `unknown; the ${board} board's profiles: ${own.join(', ')}` }, { profile: id, board });
  }
  const profile = loadProfile(id, { dir });
  if (profile.board !== board) {
    const own = listProfiles({ dir, board }).map((p) => p.id);
    const msg = `is for --board ${profile.board}, not ${board}; the ${board} board's profiles: ${own.join(', ')}`;
    throw new ProfileError(`board profile ${id} ${msg}`, { profile: msg }, { profile: id, board });
  }
  return opts.modem === undefined ? profile : withModemPath(profile, opts.modem);
}

/** The profile with `path` as its modem's device; the profile's usbId is dropped (the path names the device now). */
function withModemPath(profile: BoardProfile, path: string): BoardProfile {
  const fail = (msg: string): never => {
    throw new ProfileError(`--modem ${path}: ${msg}`, { modem: msg }, { profile: profile.id, modem: path });
  };
  if (!/^\/[!-~]+$/.test(path)) fail('must be an absolute device path, e.g. /dev/ttyACM0');
  const modems = profile.ports.filter((p): p is ModemPortSpec => p.driver === 'usb-modem');
  if (modems.length === 0) fail(`the ${profile.id} profile has no USB modem port (--modem is for --board usb-modem)`);
  if (modems.length > 1) fail(`the ${profile.id} profile has ${modems.length} USB modem ports; say which in a profile`);
  const ports = profile.ports.map((p): PortSpec => (p.driver === 'usb-modem' ? { ...p, modem: { type: p.modem.type, path } } : p));
  const out: BoardProfile = { ...profile, ports };
  descriptions.set(out, descriptions.get(profile) ?? '');
  return out;
}

function add(errors: Record<string, string>, path: string, message: string): void {
  if (!(path in errors)) errors[path] = message;
}

/** Field errors of `value` against `schema`, paths prefixed with `prefix`. */
function collect(errors: Record<string, string>, schema: TSchema, value: unknown, prefix: string): void {
  for (const e of Value.Errors(schema, value)) {
    const own: unknown = e.schema[ERROR_MESSAGE_KEY];
    const rel = fieldPath(e.path);
    const path = prefix === '' ? rel : rel === '' ? prefix : rel.startsWith('[') ? `${prefix}${rel}` : `${prefix}.${rel}`;
    add(errors, path === '' ? 'profile' : path, typeof own === 'string' ? own : describeError(e));
  }
}

/** Every label:offset a line spec may name (one per chip label). */
function lineKeys(spec: GpioLineSpec): string[] {
  const chips = typeof spec.chip === 'string' ? [spec.chip] : spec.chip;
  return chips.map((c) => `${c}:${spec.offset}`);
}

function gpioLines(port: PortSpec): [string, GpioLineSpec][] {
  if (port.driver === 'usb-modem') return [];
  return Object.entries(port.gpio).filter((e): e is [string, GpioLineSpec] => e[1] !== undefined);
}

/** The rules a schema cannot express. */
function crossChecks(profile: BoardProfile, errors: Record<string, string>): void {
  const lines = new Map<string, string>();
  const audio = new Map<string, string>();
  const modemPaths = new Map<string, string>();
  let sawFxo = false;
  profile.ports.forEach((port, i) => {
    const at = `ports[${i}]`;
    if (port.port !== i + 1) add(errors, `${at}.port`, `must be ${i + 1} (ports are numbered from 1, in order)`);
    if (port.kind === 'fxo') sawFxo = true;
    else if (sawFxo) add(errors, `${at}.kind`, 'FXS ports must come before FXO ports');
    if (profile.board === 'usb-modem' && port.driver !== 'usb-modem') add(errors, `${at}.driver`, 'must be usb-modem on the usb-modem board');
    for (const [name, spec] of gpioLines(port)) {
      for (const key of lineKeys(spec)) {
        const other = lines.get(key);
        if (other !== undefined) add(errors, `${at}.gpio.${name}`, `${key} is already used by ${other}`);
        else lines.set(key, `${at}.gpio.${name}`);
      }
    }
    if (port.driver !== 'usb-modem') {
      const other = audio.get(port.audio.device);
      if (other !== undefined) add(errors, `${at}.audio.device`, `${port.audio.device} is already used by ${other}`);
      else audio.set(port.audio.device, `${at}.audio`);
    } else {
      if (port.modem.path === undefined && port.modem.usbId === undefined) add(errors, `${at}.modem`, 'needs a path or a usbId');
      const path = port.modem.path;
      if (path !== undefined) {
        const other = modemPaths.get(path);
        if (other !== undefined) add(errors, `${at}.modem.path`, `${path} is already used by ${other}`);
        else modemPaths.set(path, `${at}.modem`);
      }
    }
  });
  if (profile.board === 'gpio-slic' && !profile.ports.some((p) => p.driver !== 'usb-modem')) {
    add(errors, 'board', 'a gpio-slic profile needs a GPIO port (gpio-slic or gpio-daa); a modem alone is the usb-modem board');
  }
}
