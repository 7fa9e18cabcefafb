/**
 * Structural checks against a TypeBox schema, reported as field errors with
 * messages for people: `{ "accounts[0].transport": "must be one of udp, tcp, tls" }`.
 */
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { addError, patternMessage, type FieldErrors } from './validate.js';

/** `/accounts/0/server` -> `accounts[0].server`. */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^(0|[1-9][0-9]*)$/.test(seg)) out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

function num(schema: TSchema, key: string): number | undefined {
  const v: unknown = schema[key];
  return typeof v === 'number' ? v : undefined;
}

function range(schema: TSchema): string {
  const min = num(schema, 'minimum');
  const max = num(schema, 'maximum');
  if (min !== undefined && max !== undefined) return `must be between ${min} and ${max}`;
  if (min !== undefined) return `must be at least ${min}`;
  return `must be at most ${max ?? '?'}`;
}

function constants(schema: TSchema): unknown[] | undefined {
  const anyOf: unknown = schema.anyOf;
  if (!Array.isArray(anyOf)) return undefined;
  const values: unknown[] = [];
  for (const s of anyOf) {
    if (typeof s !== 'object' || s === null || !('const' in s)) return undefined;
    values.push((s as { const: unknown }).const);
  }
  return values;
}

/** The message a person reads for one TypeBox error. */
export function describeError(e: ValueError): string {
  switch (e.type) {
    case ValueErrorType.ObjectAdditionalProperties: return 'unknown property';
    case ValueErrorType.ObjectRequiredProperty: return 'is required';
    case ValueErrorType.Object: return 'must be an object';
    case ValueErrorType.Array: return 'must be an array';
    case ValueErrorType.String: return 'must be a string';
    case ValueErrorType.Boolean: return 'must be true or false';
    case ValueErrorType.Integer: return 'must be an integer';
    case ValueErrorType.Number: return 'must be a number';
    case ValueErrorType.Literal: return `must be ${JSON.stringify(e.schema.const)}`;
    case ValueErrorType.Union: {
      const values = constants(e.schema);
      if (values !== undefined) return `must be one of ${values.map(String).join(', ')}`;
      // A nullable value (X | null): say what is wrong as an X.
      for (const variant of e.errors) {
        const first = variant.First();
        if (first !== undefined && first.type !== ValueErrorType.Null) return `${describeError(first)} (or null)`;
      }
      return 'is not a valid value';
    }
    case ValueErrorType.StringPattern: {
      const pattern: unknown = e.schema.pattern;
      return (typeof pattern === 'string' ? patternMessage(pattern) : undefined) ?? 'has an invalid format';
    }
    case ValueErrorType.StringMinLength: {
      const n = num(e.schema, 'minLength') ?? 0;
      return n === 1 ? 'must not be empty' : `must be at least ${n} characters`;
    }
    case ValueErrorType.StringMaxLength: return `must be at most ${num(e.schema, 'maxLength') ?? '?'} characters`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
      return range(e.schema);
    case ValueErrorType.ArrayMinItems: return `must have at least ${num(e.schema, 'minItems') ?? '?'} items`;
    case ValueErrorType.ArrayMaxItems: return `must have at most ${num(e.schema, 'maxItems') ?? '?'} items`;
    case ValueErrorType.ArrayUniqueItems: return 'must not repeat a value';
    default: return e.message;
  }
}

/** Every structural problem of `value` against `schema`, by field path (first problem per path). */
export function schemaErrors(schema: TSchema, value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  for (const e of Value.Errors(schema, value)) {
    addError(errors, fieldPath(e.path), describeError(e));
  }
  return errors;
}
