/** Types shared across the config store's files. */

/** The parts of the configuration a change event can name. */
export type ConfigSection = 'admin' | 'accounts' | 'lines' | 'dialPlan' | 'settings' | 'apiTokens';

/**
 * What changed, emitted after the transaction commits. `key` is the account id,
 * the line's port, the API token's id or the setting's name; an import emits one
 * `replace` (without key) per section it changed.
 */
export interface ConfigChange {
  section: ConfigSection;
  op: 'insert' | 'update' | 'delete' | 'replace';
  key?: string | number;
}

/** Turns a row value that may be NULL into an optional field (NULL = never set). */
export function compact<T extends object>(obj: { [K in keyof T]: T[K] | null | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out as T;
}

/** 1/0/NULL in SQLite -> boolean/undefined. */
export function toBool(v: number | null): boolean | undefined {
  return v === null ? undefined : v === 1;
}

/** boolean/undefined -> 1/0/NULL for SQLite. */
export function fromBool(v: boolean | undefined): number | null {
  return v === undefined ? null : v ? 1 : 0;
}

/** Parses a JSON column written by this store (NULL -> undefined). */
export function fromJson<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** Whether two plain JSON values are equal (used to skip writes and events that change nothing). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
