/**
 * The admin page over HTTPS, when `--https-port` asks for it: the box's admin
 * certificate (tls-identity.ts; made by the image's first boot, or here) and a
 * listener beside the HTTP one. HTTPS is an addition: when the certificate
 * cannot be made or the port not bound, the page stays on HTTP, the error is
 * logged and shown under Settings → Network, and the next web restart tries again.
 */
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { toError } from '../errors.js';
import type { Logger } from '../log.js';
import { ADMIN_TLS_FILES, adminTlsNames, certificateFingerprint, loadOrCreateTlsIdentity } from '../tls-identity.js';
import { listenHttps, type HttpsListener } from './https-listener.js';

export interface AdminHttpsStatus {
  /** The port served, null while it is not. */
  port: number | null;
  /** The certificate's SHA-256 fingerprint, to compare with what the browser shows. */
  fingerprint: string | null;
  /** Why HTTPS is not served. */
  error: string | null;
}

export interface AdminHttpsOptions {
  /** 0 picks a free port (tests); the port first bound is kept across web restarts. */
  port: number;
  host: string;
  /** The data directory's tls/ folder. */
  tlsDir: string;
  /** The box's host name (default: the system's), for the certificate's names. */
  hostName?: () => string;
}

export class AdminHttps {
  private boundPort: number | undefined;
  private current: AdminHttpsStatus = { port: null, fingerprint: null, error: null };

  constructor(private readonly opts: AdminHttpsOptions) {}

  /** Serves `app` over HTTPS too; undefined (and the reason in status()) when it cannot. */
  async start(app: FastifyInstance, log: Logger): Promise<HttpsListener | undefined> {
    try {
      const names = adminTlsNames((this.opts.hostName ?? os.hostname)());
      const identity = await loadOrCreateTlsIdentity(this.opts.tlsDir, { ...ADMIN_TLS_FILES, names, purpose: 'admin page HTTPS' });
      const fingerprint = certificateFingerprint(identity.cert);
      if (identity.created) log.info('made the admin page\'s TLS certificate', { names, fingerprint });
      const listener = await listenHttps(app, {
        port: this.boundPort ?? this.opts.port, host: this.opts.host, cert: identity.cert, key: identity.key,
        onError: (err) => {
          log.error('the HTTPS listener failed', { err: err.message });
          this.current = { port: null, fingerprint, error: err.message };
        },
      });
      this.boundPort = listener.port;
      this.current = { port: listener.port, fingerprint, error: null };
      log.info('HTTPS listening', { port: listener.port, host: this.opts.host });
      return listener;
    } catch (err) {
      const message = toError(err).message;
      log.error('the admin page is not served over HTTPS', { port: this.boundPort ?? this.opts.port, err: message });
      this.current = { port: null, fingerprint: null, error: message };
      return undefined;
    }
  }

  /** After the listener closed (a web restart): not served until the next start. */
  stopped(): void {
    this.current = { ...this.current, port: null };
  }

  status(): AdminHttpsStatus {
    return { ...this.current };
  }
}
