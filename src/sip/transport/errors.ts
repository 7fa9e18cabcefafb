/** Transport failures carry the endpoint and the system error code. */
import { DialtoneError } from '../../errors.js';
import { formatEndpoint, type Endpoint } from './types.js';

export class TransportError extends DialtoneError {
  constructor(message: string, readonly endpoint: Endpoint | undefined, readonly sysCode?: string, options?: { cause?: unknown }) {
    super('transport', endpoint === undefined ? message : `${message} (${formatEndpoint(endpoint)})`, { endpoint, sysCode }, options);
  }
}
