// The page's only way to the box: the JSON API (docs/api.md).

/** An error answer of the API: status, code, message and field-level errors. */
export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields ?? {};
  }
}

/** Sends a JSON request; resolves with the parsed answer (null for 204), or throws ApiError. */
export async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'The box does not answer. Is it on and on the network?');
  }
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('application/json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const e = data && typeof data === 'object' ? data.error : undefined;
    if (res.status === 401 && path !== '/api/session') window.dispatchEvent(new CustomEvent('dialtone:logged-out'));
    throw new ApiError(res.status, e?.code ?? 'http', e?.message ?? `HTTP ${res.status}`, e?.fields);
  }
  return data;
}

/**
 * Live status: one EventSource on /api/status/stream shared by every page.
 * subscribe(fn) calls fn with each status document (and the last one at once); returns unsubscribe.
 */
export function createStatusFeed() {
  const listeners = new Set();
  let last;
  let source;
  const open = () => {
    if (source !== undefined) return;
    source = new EventSource('/api/status/stream');
    source.addEventListener('status', (ev) => {
      last = JSON.parse(ev.data);
      for (const fn of listeners) fn(last);
    });
    source.onerror = () => {
      // The browser reconnects by itself; a 401 (logged out) closes it for good.
      if (source.readyState === EventSource.CLOSED) source = undefined;
    };
  };
  return {
    subscribe(fn) {
      listeners.add(fn);
      open();
      if (last !== undefined) fn(last);
      return () => listeners.delete(fn);
    },
    close() {
      source?.close();
      source = undefined;
      last = undefined;
    },
  };
}
