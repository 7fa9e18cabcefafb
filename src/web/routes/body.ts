/** Small readers for JSON request bodies that name the field at fault. */
import { HttpError } from '../http-error.js';

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, name: string, opts: { maxLength?: number } = {}): string {
  const v = body[name];
  if (typeof v !== 'string' || v === '') {
    throw new HttpError(400, 'invalid', `${name} is required`, { [name]: 'required: a non-empty string' });
  }
  if (opts.maxLength !== undefined && v.length > opts.maxLength) {
    throw new HttpError(400, 'invalid', `${name} is too long`, { [name]: `at most ${opts.maxLength} characters` });
  }
  return v;
}
