/**
 * What the configuration API routes (accounts, lines, dial plan, settings,
 * regions, presets, schema, factory reset) are given, and the small helpers they
 * share: the store or a 503 while it restarts, refusing unknown body keys,
 * renaming the field paths of a repository's errors.
 */
import { ConflictError, ValidationError } from '../../errors.js';
import type { ConfigStore } from '../../config/store.js';
import type { FieldErrors } from '../../config/validate.js';
import type { Logger } from '../../log.js';
import { HttpError } from '../http-error.js';
import type { SessionStore } from '../sessions.js';
import { objectBody } from './body.js';

export interface BoardPortInfo {
  port: number;
  kind: 'fxs' | 'fxo';
}

export interface ConfigApiDeps {
  /** The configuration store; undefined while the config part restarts (the API answers 503). */
  store: () => ConfigStore | undefined;
  /** The board's ports (empty while the board restarts). */
  boardPorts: () => BoardPortInfo[];
  /** Factory reset ends every session. */
  sessions: SessionStore;
  log: Logger;
}

/** The store, or 503 `unavailable` while the config part restarts. */
export function requireStore(deps: Pick<ConfigApiDeps, 'store'>): ConfigStore {
  const store = deps.store();
  if (store === undefined) {
    throw new HttpError(503, 'unavailable', 'the configuration is restarting; try again in a moment', undefined, { 'Retry-After': '2' });
  }
  return store;
}

/** The body as an object whose keys are all in `allowed`; refused with a field error per unknown key. */
export function bodyWithKeys(body: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  const obj = objectBody(body);
  const errors: FieldErrors = {};
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) errors[key] = 'unknown property';
  if (Object.keys(errors).length > 0) throw new ValidationError(`invalid ${what}`, errors);
  return obj;
}

/** Runs `fn`; a ValidationError from it comes out with every field path passed through `rename`. */
export function renamingFields<T>(fn: () => T, rename: (path: string) => string): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const fields = Object.fromEntries(Object.entries(err.fields).map(([path, message]) => [rename(path), message]));
    throw new ValidationError(err.message, fields, err.context);
  }
}

/**
 * Runs a removal; a ConflictError (something still uses what is removed) becomes
 * a 400 naming `field`, so the form shows why beside the item.
 */
export function removal(fn: () => void, field: string): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const usedBy = err.context.usedBy;
    const users = Array.isArray(usedBy) ? usedBy.map(String).join(', ') : '';
    throw new ValidationError(err.message, { [field]: users === '' ? err.message : `still used by ${users}` }, err.context);
  }
}

/** A path parameter that must be a whole number in [min, max]; refused as a field error otherwise. */
export function intParam(raw: string, field: string, min: number, max: number): number {
  const n = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new ValidationError(`invalid ${field}`, { [field]: `must be a whole number from ${min} to ${max}` });
  return n;
}
