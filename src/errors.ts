/**
 * Typed errors that carry a stable code and context. The web layer maps them to
 * `{"error":{"code","message","fields"}}` responses; logs print the context.
 */

export type ErrorContext = Record<string, unknown>;

export class DialtoneError extends Error {
  readonly code: string;
  readonly context: ErrorContext;

  constructor(code: string, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

/** A value was refused; `fields` maps a field path (e.g. `accounts[0].server`) to what is wrong with it. */
export class ValidationError extends DialtoneError {
  readonly fields: Record<string, string>;

  constructor(message: string, fields: Record<string, string>, context: ErrorContext = {}) {
    super('invalid', message, context);
    this.fields = fields;
  }
}

export class NotFoundError extends DialtoneError {
  constructor(what: string, context: ErrorContext = {}) {
    super('not_found', `${what} not found`, context);
  }
}

export class ConflictError extends DialtoneError {
  constructor(message: string, context: ErrorContext = {}) {
    super('conflict', message, context);
  }
}

/** A state machine or an object was asked to do something its state does not allow. */
export class InvalidStateError extends DialtoneError {
  constructor(message: string, context: ErrorContext = {}) {
    super('invalid_state', message, context);
  }
}

/** Renders any thrown value as an Error, so catch blocks never handle `unknown` by hand. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
