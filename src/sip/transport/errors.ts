/** Transport failures carry the endpoint and the system error code. */
import { DialtoneError } from '../../errors.js';
import { formatEndpoint, type Endpoint } from './types.js';

export class TransportError extends DialtoneError {
  /** The message without the endpoint. */
  readonly reason: string;
  /** The reason is in words a user can act on (e.g. an untrusted TLS certificate), not a system error. */
  readonly explained: boolean;

  constructor(message: string, readonly endpoint: Endpoint | undefined, readonly sysCode?: string, options?: { cause?: unknown; explained?: boolean }) {
    super('transport', endpoint === undefined ? message : `${message} (${formatEndpoint(endpoint)})`, { endpoint, sysCode }, options);
    this.reason = message;
    this.explained = options?.explained === true;
  }
}
