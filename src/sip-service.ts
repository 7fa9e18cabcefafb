/**
 * The SIP side of the appliance as supervised parts:
 *   sip       the stack (UDP+TCP on the SIP port, TLS on the next), the user agent core
 *             and the SIP trace
 *   accounts  a supervisor with one child per enabled account ("account:<id>"), each an
 *             AccountAgent that resolves the server and keeps the registration; a change
 *             to an account restarts only that child (a new password re-registers that
 *             account; nothing else drops — DESIGN §5).
 * The live objects are kept in `SipRuntime` so the status page and the policy read them.
 */
import type { Account, ConfigStore } from './config/index.js';
import type { ConfigChange } from './config/types.js';
import { toError } from './errors.js';
import type { MetricsRegistry } from './metrics/registry.js';
import { cacheSeconds, localAddressFor, resolveServerWithTtl, systemDnsClient, type DnsClient } from './sip/resolve/index.js';
import type { Clock } from './clock.js';
import type { PolicyAccount } from './sip/policy/index.js';
import { SessionRouter } from './sip/session/index.js';
import { SipStack, type SipStackOptions } from './sip/stack/sip-stack.js';
import { loadOrCreateTlsIdentity, SIP_TLS_FILES } from './tls-identity.js';
import type { Logger } from './log.js';
import { TraceBuffer } from './sip/trace/index.js';
import { AccountAgent, type AccountStatus } from './sip/ua/account-agent.js';
import { UserAgent, type IncomingInvite, type NextHop } from './sip/ua/user-agent.js';
import { respond } from './calls/sip-leg.js';
import { Supervisor, type ChildSpec } from './supervisor/index.js';
import type { SipTraceSource } from './web/routes/sip-trace.js';
import type { Endpoint, TransportProtocol } from './sip/transport/types.js';

export interface SipRuntimeOptions {
  /** 0 = any free port; the first bound port is kept across restarts. */
  port: number;
  address?: string;
  metrics: MetricsRegistry;
  userAgent: string;
  store(): ConfigStore | undefined;
  /** DNS for RFC 3263 (tests inject one). */
  dns?: DnsClient;
  /** Where the box's SIP TLS key and certificate live; without it SIP runs without TLS. */
  tlsDir?: string;
  /** Takes a new INVITE that passed the inbound policy; false: nobody takes calls now (480). */
  incomingCall?: (invite: IncomingInvite) => boolean;
  /** Message waiting from an account's voicemail server (NOTIFY message-summary). */
  messageWaiting?: (accountId: string, waiting: boolean) => void;
}

/** The name in the box's own TLS certificate (the mDNS name it answers to). */
const TLS_HOST_NAME = 'dialtone.local';

/** The SIP parts' live objects, replaced when a part restarts. */
export class SipRuntime {
  stack: SipStack | undefined;
  ua: UserAgent | undefined;
  sessions: SessionRouter | undefined;
  readonly trace: TraceBuffer;
  /** Whether packets are kept in `trace` (on by default: bounded, and there when a ticket needs it). */
  traceEnabled = true;
  readonly agents = new Map<string, AccountAgent>();
  private boundPort: number | undefined;
  private boundTlsPort: number | undefined;
  private readonly dns: DnsClient;
  /** RFC 3263 answers by next hop, kept for their DNS TTL (clamped by cacheSeconds). */
  private readonly resolved = new Map<string, { endpoints: Endpoint[]; until: number }>();

  constructor(private readonly opts: SipRuntimeOptions, private readonly clock: Clock) {
    this.trace = new TraceBuffer({ clock });
    this.dns = opts.dns ?? systemDnsClient();
  }

  get port(): number {
    return this.boundPort ?? this.opts.port;
  }

  /** The trace as the web API reads and switches it. */
  traceSource(): SipTraceSource {
    return {
      isEnabled: () => this.traceEnabled,
      setEnabled: (on) => {
        this.traceEnabled = on;
      },
      lastMinutes: (n) => this.trace.lastMinutes(n),
      clear: () => this.trace.clear(),
    };
  }

  registrations(): AccountStatus[] {
    return [...this.agents.values()].map((a) => a.status());
  }

  async resolve(hop: NextHop): Promise<Endpoint[]> {
    const supported: TransportProtocol[] = (['udp', 'tcp', 'tls'] as const).filter((p) => this.stack?.local(p) !== undefined);
    const key = `${hop.host}|${hop.port ?? ''}|${hop.transport ?? ''}|${hop.secure}|${supported.join(',')}`;
    const now = this.clock.now();
    const hit = this.resolved.get(key);
    if (hit !== undefined && hit.until > now) return [...hit.endpoints];
    const result = await resolveServerWithTtl(
      { host: hop.host, ...(hop.port !== undefined ? { port: hop.port } : {}), ...(hop.transport !== undefined ? { transport: hop.transport } : {}), secure: hop.secure },
      { dns: this.dns, supported },
    );
    if (this.resolved.size > 256) this.resolved.clear();
    this.resolved.set(key, { endpoints: result.endpoints, until: now + cacheSeconds(result.ttl) * 1000 });
    return [...result.endpoints];
  }

  private policyAccounts(): PolicyAccount[] {
    const store = this.opts.store();
    if (store === undefined) return [];
    return [...this.agents.values()].flatMap((agent) => {
      const account = store.accounts.get(agent.status().id);
      if (account === undefined) return [];
      return [{ id: account.id, username: account.username, trustedSources: agent.trustedSources(), acceptFromAnywhere: account.acceptCallsFromAnyAddress === true }];
    });
  }

  /** The `sip` child: stack + UA core. */
  sipChild(): ChildSpec {
    return {
      id: 'sip',
      start: async (ctx) => {
        const tls = await this.tlsListener(ctx.log);
        const stack = await SipStack.start({
          port: this.port,
          ...(this.opts.address !== undefined ? { address: this.opts.address } : {}),
          clock: ctx.clock,
          log: ctx.log,
          metrics: this.opts.metrics,
          userAgent: this.opts.userAgent,
          packetSink: (p) => {
            if (this.traceEnabled) this.trace.add(p);
          },
          ...(tls !== undefined ? { tls } : {}),
        });
        const bound = stack.local('udp');
        this.boundPort = bound?.port;
        this.boundTlsPort = stack.local('tls')?.port;
        // New trust settings apply to the next TLS connection; nothing restarts.
        const store = this.opts.store();
        const onSettings = (change: ConfigChange): void => {
          if (change.section === 'settings') stack.setTlsTrust(this.tlsTrust());
        };
        store?.on('change', onSettings);
        const ua = new UserAgent({
          stack,
          clock: ctx.clock,
          log: ctx.log,
          userAgent: this.opts.userAgent,
          resolve: (hop) => this.resolve(hop),
          localAddressFor,
          defaultAddress: bound !== undefined && bound.address !== '::' && bound.address !== '0.0.0.0' ? bound.address : '127.0.0.1',
          policyAccounts: () => this.policyAccounts(),
        });
        const router = new SessionRouter(ua, {}, { findInviteTx: (cancel) => stack.layer.findInviteFor(cancel) });
        ua.setDialogLayer(router);
        ua.on('mwi', (e) => {
          if (e.accountId !== undefined) this.opts.messageWaiting?.(e.accountId, e.summary.waiting);
        });
        ua.onInvite((invite) => {
          if (this.opts.incomingCall?.(invite) === true) return;
          // No line runtime takes calls right now (it is restarting): the caller may try again.
          respond(invite, 480, 'Temporarily Unavailable', [['Warning', '399 dialtone "no phone line takes calls right now"']]);
        });
        stack.setCore(ua);
        this.stack = stack;
        this.ua = ua;
        this.sessions = router;
        ctx.log.info('SIP listening', { port: this.port, transports: stack.ports.map((p) => p.protocol) });
        return {
          stop: async () => {
            store?.off('change', onSettings);
            router.dispose();
            stack.setCore(undefined);
            if (this.ua === ua) this.ua = undefined;
            if (this.sessions === router) this.sessions = undefined;
            if (this.stack === stack) this.stack = undefined;
            await stack.stop();
          },
        };
      },
    };
  }

  /** Which SIP servers outgoing TLS trusts, from the settings. */
  private tlsTrust(): { ca?: string; verify: boolean } {
    const settings = this.opts.store()?.settings.sipTls();
    return { verify: settings?.verifyServer !== false, ...(settings?.trustedCertificates !== undefined ? { ca: settings.trustedCertificates } : {}) };
  }

  /**
   * The TLS listener's port, identity and trust: the SIP port + 1 (5061 beside 5060), the
   * port it had before a restart. Without an identity (no openssl) SIP runs without TLS,
   * and a TLS account says so in its status.
   */
  private async tlsListener(log: Logger): Promise<SipStackOptions['tls']> {
    if (this.opts.tlsDir === undefined) return undefined;
    let identity: { cert: Buffer; key: Buffer };
    try {
      identity = await loadOrCreateTlsIdentity(this.opts.tlsDir, { ...SIP_TLS_FILES, names: [TLS_HOST_NAME], purpose: 'SIP TLS' });
    } catch (err) {
      log.error('SIP over TLS is off: no TLS certificate', { err: toError(err).message });
      return undefined;
    }
    const port = this.boundTlsPort ?? (this.port === 0 ? 0 : this.port + 1);
    const trust = this.tlsTrust();
    return { port, cert: identity.cert, key: identity.key, verify: trust.verify, ...(trust.ca !== undefined ? { ca: trust.ca } : {}) };
  }

  /** The `accounts` child: a supervisor of account agents that follows configuration changes. */
  accountsChild(): ChildSpec {
    return {
      id: 'accounts',
      kind: 'supervisor',
      shutdownMs: 10_000,
      start: async (ctx) => {
        const store = this.opts.store();
        if (store === undefined) throw new Error('the config store is not running');
        const sup = new Supervisor({
          id: 'accounts', path: ctx.path, strategy: 'one_for_one', clock: ctx.clock, log: ctx.log,
          intensity: { maxRestarts: 10, withinMs: 60_000 },
          children: store.accounts.list().filter(active).map((a) => this.accountSpec(a.id)),
        });
        sup.onTreeEvent((event) => ctx.treeEvent(event));
        sup.on('failed', (err) => ctx.fail(err));
        await sup.start();
        let trust = JSON.stringify(store.settings.sipTls());
        const trustChanged = (): boolean => {
          const now = JSON.stringify(store.settings.sipTls());
          if (now === trust) return false;
          trust = now;
          return true;
        };
        const onChange = (change: ConfigChange): void => {
          const work = change.section === 'accounts' ? this.reconcile(sup, store, change)
            // New TLS trust (not any settings change, e.g. the region): accounts over TLS try again now, not at their next retry.
            : change.section === 'settings' && trustChanged() ? this.restartTlsAccounts(sup, store)
            : undefined;
          if (work !== undefined) ctx.watch(work).catch((err: unknown) => ctx.log.error('accounts not updated', { err: toError(err).message }));
        };
        store.on('change', onChange);
        return {
          stop: async () => {
            store.off('change', onChange);
            await sup.stop();
          },
          status: () => sup.status(),
          isHealthy: () => sup.isHealthy(),
        };
      },
    };
  }

  /** Restarts the children of changed accounts, starts new ones, stops removed ones. */
  private async reconcile(sup: Supervisor, store: ConfigStore, change: ConfigChange): Promise<void> {
    const wanted = new Map(store.accounts.list().filter(active).map((a) => [a.id, a]));
    const running = new Set(sup.status().children.map((c) => c.id.replace(/^account:/, '')));
    const ids = change.key === undefined || change.op === 'replace' ? new Set([...wanted.keys(), ...running]) : new Set([String(change.key)]);
    for (const id of ids) {
      if (running.has(id)) await sup.terminateChild(`account:${id}`);
      if (wanted.has(id)) await sup.startChild(this.accountSpec(id));
    }
  }

  private async restartTlsAccounts(sup: Supervisor, store: ConfigStore): Promise<void> {
    const running = new Set(sup.status().children.map((c) => c.id));
    for (const a of store.accounts.list().filter((x) => active(x) && x.transport === 'tls')) {
      if (!running.has(`account:${a.id}`)) continue;
      await sup.terminateChild(`account:${a.id}`);
      await sup.startChild(this.accountSpec(a.id));
    }
  }

  private accountSpec(id: string): ChildSpec {
    return {
      id: `account:${id}`,
      shutdownMs: 5000,
      start: (ctx) => {
        const account = this.opts.store()?.accounts.get(id);
        const ua = this.ua;
        const stack = this.stack;
        if (account === undefined) throw new Error(`account ${id} is not configured`);
        if (ua === undefined || stack === undefined) throw new Error('the SIP stack is not running');
        const agent = new AccountAgent({
          account: {
            id: account.id, server: account.server, username: account.username, password: account.password ?? '',
            register: account.register ?? true, registerExpires: account.registerExpires ?? 3600,
            ...(account.transport !== undefined ? { transport: account.transport } : {}),
            ...(account.authUsername !== undefined ? { authUsername: account.authUsername } : {}),
            ...(account.displayName !== undefined ? { displayName: account.displayName } : {}),
            ...(account.outboundProxy !== undefined ? { outboundProxy: account.outboundProxy } : {}),
          },
          layer: stack.layer,
          clock: ctx.clock,
          log: ctx.log,
          userAgent: this.opts.userAgent,
          resolve: (hop) => this.resolve(hop),
          localAddress: async (dest) => {
            const address = await ua.localAddress(dest);
            ua.advertisedAddress = address;
            return address;
          },
          localPort: (p) => stack.local(p)?.port,
          sendFailure: (dest) => stack.sendFailure(dest),
        });
        this.agents.set(id, agent);
        agent.start();
        return {
          stop: async () => {
            await agent.stop();
            if (this.agents.get(id) === agent) this.agents.delete(id);
          },
        };
      },
    };
  }
}

function active(a: Account): boolean {
  return a.enabled !== false;
}

