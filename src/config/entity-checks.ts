/**
 * Validation of one account, line, dial-plan route or admin section on its own:
 * the schema's structural checks plus the rules a schema does not express
 * (host and port ranges, digit-map brackets, fields that belong to one kind of
 * line). Paths are relative to the value (`server`, `features.hotline`).
 * References between values are checked in references.ts.
 */
import type { TSchema } from '@sinclair/typebox';
import { parsePasswordHash } from './password-hash.js';
import { AccountSchema, AdminSchema, DialPlanRouteSchema, LineSchema } from './provisioning-schema.js';
import { schemaErrors } from './schema-errors.js';
import { addError, digitMapProblem, hostPortProblem, type FieldErrors } from './validate.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkString(errors: FieldErrors, obj: Record<string, unknown>, key: string, check: (s: string) => string | undefined): void {
  const v = obj[key];
  if (typeof v !== 'string') return;
  const problem = check(v);
  if (problem !== undefined) addError(errors, key, problem);
}

/** The semantic part of an account check (the value need not be structurally valid). */
export function accountRules(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!isObject(value)) return errors;
  checkString(errors, value, 'server', hostPortProblem);
  checkString(errors, value, 'outboundProxy', hostPortProblem);
  return errors;
}

const FXS_ONLY: Record<string, string> = {
  extension: 'only an FXS line has an extension',
  features: 'only an FXS line has calling features',
};
const FXO_ONLY: Record<string, string> = {
  prefix: 'only an FXO line has a landline prefix',
  ringsOnFxs: 'only an FXO line rings FXS ports',
  sipTarget: 'only an FXO line sends its calls to a SIP number',
};

export function lineRules(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!isObject(value)) return errors;
  const wrongKind = value.kind === 'fxo' ? FXS_ONLY : value.kind === 'fxs' ? FXO_ONLY : {};
  for (const [key, message] of Object.entries(wrongKind)) {
    if (value[key] !== undefined) addError(errors, key, message);
  }
  checkString(errors, value, 'digitMap', digitMapProblem);
  return errors;
}

export function routeRules(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!isObject(value)) return errors;
  checkString(errors, value, 'pattern', digitMapProblem);
  return errors;
}

export function adminRules(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!isObject(value)) return errors;
  const hasPassword = value.password !== undefined;
  const hasHash = value.passwordHash !== undefined;
  if (hasPassword && hasHash) addError(errors, 'passwordHash', 'give password or passwordHash, not both');
  if (!hasPassword && !hasHash) addError(errors, 'password', 'is required (or passwordHash)');
  checkString(errors, value, 'passwordHash', (h) => {
    const parsed = parsePasswordHash(h);
    return typeof parsed === 'string' ? parsed : undefined;
  });
  return errors;
}

/** The rules' messages first: where both find a problem in one field, the rule's message is the more precise. */
function both(schema: TSchema, rules: (v: unknown) => FieldErrors, value: unknown): FieldErrors {
  const errors = rules(value);
  for (const [path, message] of Object.entries(schemaErrors(schema, value))) addError(errors, path, message);
  return errors;
}

/** Everything wrong with an account on its own. */
export function accountErrors(value: unknown): FieldErrors {
  return both(AccountSchema, accountRules, value);
}

/** Everything wrong with a line on its own. */
export function lineErrors(value: unknown): FieldErrors {
  return both(LineSchema, lineRules, value);
}

/** Everything wrong with a dial-plan route on its own. */
export function routeErrors(value: unknown): FieldErrors {
  return both(DialPlanRouteSchema, routeRules, value);
}

/** Everything wrong with an admin section on its own. */
export function adminErrors(value: unknown): FieldErrors {
  return both(AdminSchema, adminRules, value);
}
