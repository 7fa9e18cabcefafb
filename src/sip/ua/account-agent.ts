/**
 * One SIP account at run time: finds its server (RFC 3263), knows which addresses may
 * send it calls (the inbound policy's trusted sources), and keeps it registered
 * (RegistrationAgent) with failover to the server's next address when one does not
 * answer (RFC 3263 §4.3). Its status speaks plain words for the status page.
 */
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../../clock.js';
import { toError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { SipMessage } from '../message/index.js';
import type { TransactionLayer } from '../transaction/index.js';
import { formatEndpoint, type Endpoint, type TransportProtocol } from '../transport/types.js';
import { RegistrationAgent, type RegistrationStatus } from './registration.js';
import type { NextHop } from './user-agent.js';

export interface AccountSettings {
  readonly id: string;
  /** host, host:port or [v6]:port. */
  readonly server: string;
  /** Undefined: RFC 3263 picks (NAPTR, then SRV for UDP, TCP, TLS). */
  readonly transport?: TransportProtocol;
  readonly username: string;
  readonly authUsername?: string;
  readonly password: string;
  readonly displayName?: string;
  readonly register: boolean;
  readonly outboundProxy?: string;
  readonly registerExpires: number;
}

export type AccountState = 'resolving' | 'registering' | 'registered' | 'failed' | 'not-registering' | 'stopped';

export interface AccountStatus {
  readonly id: string;
  readonly state: AccountState;
  readonly server: string;
  /** The address the account talks to (formatted endpoint). */
  readonly registrar?: string;
  readonly expiresAt?: string;
  readonly nextAttemptAt?: string;
  readonly lastStatus?: number;
  /** What is wrong, in plain words. */
  readonly error?: string;
}

export interface AccountAgentOptions {
  readonly account: AccountSettings;
  readonly layer: TransactionLayer<SipMessage, Endpoint>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly userAgent: string;
  resolve(hop: NextHop): Promise<Endpoint[]>;
  /** The local address toward an endpoint, for Via and Contact. */
  localAddress(dest: Endpoint): Promise<string>;
  /** Our listening port for a transport. */
  localPort(protocol: TransportProtocol): number | undefined;
  /** Why sending to an endpoint failed, when the transport knows (e.g. an untrusted TLS certificate). */
  sendFailure?(dest: Endpoint): string | undefined;
}

/** Retry delay when the server name does not resolve. */
export const RESOLVE_RETRY_MS = 30_000;

export class AccountAgent extends EventEmitter<{ status: [AccountStatus] }> {
  private readonly log: Logger;
  private targets: Endpoint[] = [];
  private proxyAddresses: string[] = [];
  private agent: RegistrationAgent | undefined;
  private timer: Timer | undefined;
  private current: AccountStatus;
  private running = false;
  /** Consecutive targets that did not answer in this round. */
  private unreachable = 0;

  constructor(private readonly opts: AccountAgentOptions) {
    super();
    this.log = opts.log.child({ account: opts.account.id });
    this.current = { id: opts.account.id, state: 'stopped', server: opts.account.server };
  }

  status(): AccountStatus {
    return this.current;
  }

  /** IP addresses of the account's server and outbound proxy (the policy's trusted sources). */
  trustedSources(): string[] {
    return [...new Set([...this.targets.map((t) => t.address), ...this.proxyAddresses])];
  }

  /** The endpoint requests of this account go to first. */
  get serverEndpoint(): Endpoint | undefined {
    return this.targets[0];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.resolveAndRegister();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer();
    const agent = this.agent;
    this.agent = undefined;
    if (agent !== undefined) {
      await agent.stop();
      agent.dispose();
    }
    this.update({ state: 'stopped' });
  }

  private async resolveAndRegister(): Promise<void> {
    const a = this.opts.account;
    this.update({ state: 'resolving' });
    try {
      const hop = parseHostPort(a.outboundProxy ?? a.server, a.transport);
      this.targets = await this.opts.resolve(hop);
      if (a.outboundProxy !== undefined) {
        const server = await this.opts.resolve(parseHostPort(a.server, a.transport)).catch(() => []);
        this.proxyAddresses = server.map((e) => e.address);
      }
    } catch (err) {
      if (!this.running) return;
      const message = toError(err).message;
      this.log.warn('account server could not be resolved', { server: a.server, err: message });
      this.update({ state: 'failed', error: message, nextAttemptAt: this.at(RESOLVE_RETRY_MS) });
      this.schedule(RESOLVE_RETRY_MS, () => void this.resolveAndRegister());
      return;
    }
    if (!this.running) return;
    if (!a.register) {
      this.update({ state: 'not-registering', registrar: this.targets[0] === undefined ? undefined : formatEndpoint(this.targets[0]) });
      return;
    }
    this.unreachable = 0;
    await this.registerWith(this.targets[0]);
  }

  private async registerWith(target: Endpoint | undefined): Promise<void> {
    if (target === undefined || !this.running) return;
    const a = this.opts.account;
    let host: string;
    try {
      host = await this.opts.localAddress(target);
    } catch (err) {
      this.update({ state: 'failed', registrar: formatEndpoint(target), error: `no route to the server: ${toError(err).message}` });
      this.schedule(RESOLVE_RETRY_MS, () => void this.resolveAndRegister());
      return;
    }
    if (!this.running) return;
    const agent = new RegistrationAgent({
      account: {
        id: a.id, username: a.username, password: a.password, domain: a.server,
        ...(a.authUsername !== undefined ? { authUsername: a.authUsername } : {}),
        ...(a.displayName !== undefined ? { displayName: a.displayName } : {}),
      },
      registrar: target,
      contact: { host, port: this.opts.localPort(target.protocol) ?? 5060, transport: target.protocol },
      expiresS: a.registerExpires,
      layer: this.opts.layer,
      clock: this.opts.clock,
      log: this.log,
      userAgent: this.opts.userAgent,
    });
    this.agent = agent;
    agent.on('state', (s) => this.onRegistration(agent, target, s));
    agent.start();
  }

  private onRegistration(agent: RegistrationAgent, target: Endpoint, s: RegistrationStatus): void {
    if (agent !== this.agent) return;
    const noAnswer = s.state === 'failed' && s.reason !== undefined && /timeout|transport|send failed/.test(s.reason);
    if (noAnswer && this.targets.length > 1 && this.unreachable < this.targets.length - 1) {
      // RFC 3263 §4.3: the next address of the server, at once.
      this.unreachable++;
      this.log.info('registrar address did not answer, trying the next one', { failed: formatEndpoint(target) });
      agent.dispose();
      this.targets.push(this.targets.shift() as Endpoint);
      void this.registerWith(this.targets[0]);
      return;
    }
    if (s.state === 'registered') this.unreachable = 0;
    const transportWords = s.state === 'failed' && /transport/.test(s.reason ?? '') ? this.opts.sendFailure?.(target) : undefined;
    const error = s.state === 'failed' ? transportWords ?? plainWords(s) : undefined;
    this.update({
      state: s.state === 'unregistered' ? 'stopped' : s.state,
      registrar: formatEndpoint(target),
      ...(s.expiresAt !== undefined ? { expiresAt: this.wall(s.expiresAt) } : {}),
      ...(s.nextAttemptAt !== undefined ? { nextAttemptAt: this.wall(s.nextAttemptAt) } : {}),
      ...(s.lastStatus !== undefined ? { lastStatus: s.lastStatus } : {}),
      ...(error !== undefined ? { error } : {}),
    });
  }

  private update(fields: Omit<AccountStatus, 'id' | 'server'>): void {
    this.current = { id: this.opts.account.id, server: this.opts.account.server, ...fields };
    this.emit('status', this.current);
  }

  private schedule(ms: number, fn: () => void): void {
    this.cancelTimer();
    this.timer = this.opts.clock.setTimer(ms, () => {
      this.timer = undefined;
      if (this.running) fn();
    });
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.opts.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }

  private at(inMs: number): string {
    return new Date(this.opts.clock.wallTime() + inMs).toISOString();
  }

  private wall(monotonicMs: number): string {
    return this.at(monotonicMs - this.opts.clock.now());
  }
}

/** A registration failure as a user reads it. */
export function plainWords(s: RegistrationStatus): string {
  const reason = s.reason ?? '';
  if (reason.startsWith('authentication failed')) return 'wrong user name or password';
  if (/timeout/.test(reason)) return 'server not reachable (no answer)';
  if (/transport|send failed/.test(reason)) return 'server not reachable (connection failed)';
  switch (s.lastStatus) {
    case 403: return 'refused by the server (403 Forbidden): check the user name and password';
    case 404: return 'the server does not know this user (404 Not Found)';
    case 503: return 'the server is not available right now (503)';
    default: return reason === '' ? 'registration failed' : reason;
  }
}

/** "host", "host:port", "[v6]:port" → a next hop with the account's transport. */
export function parseHostPort(text: string, transport: TransportProtocol | undefined): NextHop {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  if (m === null) throw new Error(`not a host or host:port: ${text}`);
  return {
    host: m[1] as string,
    ...(m[2] !== undefined ? { port: Number(m[2]) } : {}),
    ...(transport !== undefined ? { transport } : {}),
    secure: transport === 'tls',
  };
}
