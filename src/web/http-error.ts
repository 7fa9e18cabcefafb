/**
 * The one error shape of the API: `{"error":{"code","message","fields"}}`.
 * Route code throws HttpError or a DialtoneError; the server's error handler
 * renders either with the right status.
 */
import { DialtoneError, ValidationError } from '../errors.js';

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
};

/** Maps anything thrown by a route to a status and the stable error body. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof HttpError) {
    return { status: err.status, body: body(err.code, err.message, err.fields), headers: err.headers };
  }
  if (err instanceof ValidationError) {
    return { status: 400, body: body(err.code, err.message, err.fields), headers: {} };
  }
  if (err instanceof DialtoneError) {
    return { status: STATUS_BY_CODE[err.code] ?? 500, body: body(err.code, err.message), headers: {} };
  }
  // Fastify's own client errors (bad JSON, wrong content type, body too large) carry statusCode.
  const statusCode = typeof err === 'object' && err !== null && 'statusCode' in err ? Number(err.statusCode) : NaN;
  if (statusCode >= 400 && statusCode < 500) {
    const message = err instanceof Error ? err.message : 'bad request';
    return { status: statusCode, body: body(statusCode === 413 ? 'too_large' : 'bad_request', message), headers: {} };
  }
  return { status: 500, body: body('internal', 'internal error'), headers: {} };
}

function body(code: string, message: string, fields?: Record<string, string>): ErrorBody {
  return fields === undefined ? { error: { code, message } } : { error: { code, message, fields } };
}
