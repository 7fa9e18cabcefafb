/**
 * The appliance: the supervision tree and what it runs. `main.ts` turns the
 * command line into ApplianceOptions and wires systemd; tests start an
 * Appliance in process.
 *
 * Tree (rest_for_one: a part restarts together with everything that depends on it):
 *   dialtone
 *   ├─ config   the SQLite store
 *   ├─ board    the hardware driver (the simulated board with `--board sim`)
 *   ├─ lines    a runtime per port (FXS/FXO line state machines) and the call router
 *   ├─ sip      transports, transactions, the user agent core, the SIP trace
 *   ├─ accounts one child per enabled SIP account (server lookup, registration)
 *   └─ web      the HTTP API and page (takes the current store when it starts)
 * `lines` comes before `sip`: a restart of the SIP stack ends SIP calls only, and calls
 * between local phones go on.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock } from './clock.js';
import type { DnsClient } from './sip/resolve/index.js';
import type { BoardKind } from './cli-options.js';
import { ConfigStore } from './config/index.js';
import { FaultInjector } from './fault-injection.js';
import type { RootLogger } from './log.js';
import type { LogRing } from './log-ring.js';
import { registerProcessMetrics } from './metrics/process-metrics.js';
import { MetricsRegistry } from './metrics/registry.js';
import { SipRuntime } from './sip-service.js';
import { LinesRuntime, type HardwareOpener, type LineStatus } from './lines-service.js';
import type { ActiveCall } from './calls/call-record.js';
import { callsRoutes, statusStreamRoutes } from './web/routes/calls.js';
import { simRoutes } from './web/routes/sim.js';
import { simAudioRoutes } from './web/routes/sim-audio.js';
import type { AccountStatus } from './sip/ua/account-agent.js';
import { Supervisor, type ChildSpec, type SupervisorStatus } from './supervisor/index.js';
import { LoginLimiter } from './web/login-limiter.js';
import { listProfiles } from '../board/profiles/profiles.js';
import { boardRoutes, type BoardPortView } from './web/routes/board-api.js';
import { configApiRoutes } from './web/routes/config-api.js';
import { debugRoutes } from './web/routes/debug.js';
import { diagnosticsRoutes } from './web/routes/diagnostics.js';
import { sipTraceRoutes } from './web/routes/sip-trace.js';
import { logsRoutes } from './web/routes/logs.js';
import { messagesRoutes } from './web/routes/messages.js';
import { systemRoutes, type RestartPart } from './web/routes/system.js';
import { AdminHttps, type AdminHttpsStatus } from './web/admin-https.js';
import { createWebServer } from './web/server.js';
import { SessionStore } from './web/sessions.js';
import { VERSION } from './version.js';

export interface RestartIntensity {
  maxRestarts: number;
  withinMs: number;
}

export interface ApplianceOptions {
  board: BoardKind;
  dataDir: string;
  httpHost: string;
  /** 0 picks a free port (tests); the port first bound is kept across web restarts. */
  httpPort: number;
  /** `--https-port`: also serve the page over HTTPS with the admin certificate (0: a free port). */
  httpsPort?: number;
  sipPort: number;
  /** Address the SIP transports bind to (default: every address). */
  sipAddress?: string;
  /** DNS client for RFC 3263 lookups (tests inject one). */
  dns?: DnsClient;
  /** A provisioning document to apply before anything starts. */
  provision?: unknown;
  clock: Clock;
  log: RootLogger;
  /** Offer POST /api/debug/crash. */
  faultInjection: boolean;
  intensity?: RestartIntensity;
  /** The process log's last lines (GET /api/logs); main.ts tees the root logger into it. */
  logRing?: LogRing;
  /** Opens the hardware board (--board gpio-slic / usb-modem, from its profile). */
  hardware?: HardwareOpener;
  /** `--profile`: it wins over the hardware chosen on the page, which then cannot change it. */
  commandLineProfile?: string;
}

export interface ApplianceStatus {
  version: string;
  board: BoardKind;
  startedAt: string;
  uptimeSeconds: number;
  healthy: boolean;
  http: { port: number };
  /** null when HTTPS was not asked for. */
  https: AdminHttpsStatus | null;
  sip: { port: number; registrations: AccountStatus[] };
  lines: LineStatus;
  calls: ActiveCall[];
  supervision: SupervisorStatus;
}

/** OTP's default is 3 restarts in 5 s; a home box gets a little more room before it gives up. */
export const DEFAULT_INTENSITY: RestartIntensity = { maxRestarts: 5, withinMs: 30_000 };

export class Appliance {
  readonly metrics = new MetricsRegistry();
  readonly faults = new FaultInjector();
  private readonly tree: Supervisor;
  private readonly sessions: SessionStore;
  private readonly limiter: LoginLimiter;
  private store: ConfigStore | undefined;
  private boundHttpPort: number | undefined;
  private readonly adminHttps: AdminHttps | undefined;
  readonly sip: SipRuntime;
  readonly lines: LinesRuntime;
  private readonly startedAtWall: number;
  private readonly startedAt: number;
  private readonly failureListeners: ((err: Error) => void)[] = [];

  private constructor(private readonly opts: ApplianceOptions) {
    const { clock, log } = opts;
    this.startedAt = clock.now();
    this.startedAtWall = clock.wallTime();
    this.sessions = new SessionStore(clock);
    this.limiter = new LoginLimiter(clock);
    this.adminHttps = opts.httpsPort === undefined ? undefined : new AdminHttps({ port: opts.httpsPort, host: opts.httpHost, tlsDir: join(opts.dataDir, 'tls') });
    this.sip = new SipRuntime({
      port: opts.sipPort,
      ...(opts.sipAddress !== undefined ? { address: opts.sipAddress } : {}),
      metrics: this.metrics,
      userAgent: `Dialtone/${VERSION}`,
      store: () => this.store,
      ...(opts.dns !== undefined ? { dns: opts.dns } : {}),
      tlsDir: join(opts.dataDir, 'tls'),
      incomingCall: (invite) => this.lines.incomingSip(invite),
      messageWaiting: (account, waiting) => this.lines.messageWaiting(account, waiting),
    }, clock);
    this.lines = new LinesRuntime({
      board: opts.board,
      ...(opts.hardware !== undefined ? { hardware: opts.hardware } : {}),
      store: () => this.store,
      sip: () => (this.sip.ua !== undefined && this.sip.sessions !== undefined ? { ua: this.sip.ua, router: this.sip.sessions } : undefined),
    });
    this.tree = new Supervisor({
      id: 'dialtone',
      strategy: 'rest_for_one',
      intensity: opts.intensity ?? DEFAULT_INTENSITY,
      clock,
      log,
      children: [
        this.configChild(), this.lines.boardChild(), this.lines.linesChild(), this.sip.sipChild(), this.sip.accountsChild(), this.webChild(),
      ].map((c) => this.faults.wrap(c)),
    });
    const restarts = this.metrics.counter('dialtone_supervisor_restarts_total', 'Restarts of supervised children, by child path');
    const faults = this.metrics.counter('dialtone_supervisor_faults_total', 'Faults of supervised children, by child path');
    this.tree.onTreeEvent((event) => {
      if (event.type === 'childRestarted') restarts.inc({ child: event.path });
      if (event.type === 'childFailed') faults.inc({ child: event.path });
    });
    this.tree.on('failed', (err) => {
      for (const l of this.failureListeners) l(err);
    });
    registerProcessMetrics(this.metrics, clock, this.startedAtWall);
    const healthy = this.metrics.gauge('dialtone_healthy', '1 while the supervision tree is healthy');
    this.metrics.onCollect(() => healthy.set({}, this.healthy() ? 1 : 0));
  }

  /** Applies the provisioning document (if any), then starts the tree. */
  static async start(opts: ApplianceOptions): Promise<Appliance> {
    if (opts.provision !== undefined) {
      const store = ConfigStore.open({ dataDir: opts.dataDir, log: opts.log.child({ path: 'provision' }), clock: opts.clock });
      try {
        store.importDocument(opts.provision);
      } finally {
        store.close();
      }
      opts.log.info('provisioning document applied');
    }
    const app = new Appliance(opts);
    await app.tree.start();
    return app;
  }

  get httpPort(): number {
    return this.boundHttpPort ?? this.opts.httpPort;
  }

  /** The SIP port in use (the one first bound, kept across restarts of the SIP part). */
  get sipPort(): number {
    return this.sip.port;
  }

  healthy(): boolean {
    return this.tree.isHealthy();
  }

  /** Called when the root supervisor gives up (restart intensity exceeded). */
  onFailed(listener: (err: Error) => void): void {
    this.failureListeners.push(listener);
  }

  status(): ApplianceStatus {
    const { clock } = this.opts;
    return {
      version: VERSION,
      board: this.opts.board,
      startedAt: new Date(this.startedAtWall).toISOString(),
      uptimeSeconds: Math.floor((clock.now() - this.startedAt) / 1000),
      healthy: this.healthy(),
      http: { port: this.httpPort },
      https: this.adminHttps?.status() ?? null,
      sip: { port: this.sipPort, registrations: this.sip.registrations() },
      lines: this.lines.status(),
      calls: this.lines.calls(),
      supervision: this.tree.status(),
    };
  }

  /**
   * Restarts the whole tree (`all`) or one child with the children after it (rest_for_one),
   * on request: not counted toward the restart intensity.
   */
  async restart(part: RestartPart): Promise<void> {
    if (part === 'all') await this.tree.restartAll();
    else await this.tree.restartChild(part);
  }

  async stop(): Promise<void> {
    await this.tree.stop();
  }

  /** The board's ports, each with the fault its line reports. */
  private boardPorts(): BoardPortView[] {
    const { fxs, fxo } = this.lines.status();
    const faults = new Map<number, string | null>([...fxs, ...fxo].map((l) => [l.port, l.fault]));
    return (this.lines.board?.ports ?? []).map((p) => ({ port: p.port, kind: p.kind, fault: faults.get(p.port) ?? null }));
  }

  private configChild(): ChildSpec {
    return {
      id: 'config',
      start: (ctx) => {
        const store = ConfigStore.open({ dataDir: this.opts.dataDir, log: ctx.log, clock: ctx.clock });
        this.store = store;
        return {
          stop: () => {
            if (this.store === store) this.store = undefined;
            store.close();
          },
        };
      },
    };
  }

  private webChild(): ChildSpec {
    return {
      id: 'web',
      shutdownMs: 3000,
      start: async (ctx) => {
        const store = this.store;
        if (store === undefined) throw new Error('the config store is not running');
        const server: FastifyInstance = createWebServer({
          admin: store.admin,
          tokens: store.apiTokens,
          config: store,
          sessions: this.sessions,
          limiter: this.limiter,
          clock: ctx.clock,
          log: ctx.log,
          logLevel: this.opts.log,
          metrics: this.metrics,
          status: () => this.status(),
          plugins: [
            sipTraceRoutes(() => this.sip.traceSource()),
            callsRoutes(() => (this.store === undefined ? undefined : { active: () => this.lines.calls(), history: (page) => store.cdrs.list(page) })),
            statusStreamRoutes(() => this.status()),
            messagesRoutes({ messages: () => this.store?.messages, log: ctx.log }),
            logsRoutes(() => this.opts.logRing),
            systemRoutes({
              version: VERSION, board: this.opts.board, dataDir: this.opts.dataDir, log: ctx.log,
              https: () => this.adminHttps?.status() ?? null,
              uptimeSeconds: () => Math.floor((this.opts.clock.now() - this.startedAt) / 1000),
              restart: (part) => this.restart(part),
            }),
            diagnosticsRoutes(() => this.lines.router?.diagnostics),
            boardRoutes({
              board: this.opts.board, store: () => this.store, commandLineProfile: this.opts.commandLineProfile,
              profileInUse: () => this.lines.hardwareProfile, ports: () => this.boardPorts(), profiles: () => listProfiles(),
              restart: () => this.restart('board'), log: ctx.log,
            }),
            configApiRoutes({
              store: () => this.store,
              boardPorts: () => this.lines.board?.ports.map((p) => ({ port: p.port, kind: p.kind })) ?? [],
              sessions: this.sessions,
              log: ctx.log,
            }),
            ...(this.opts.board === 'sim' ? [simRoutes(() => this.lines.simBoard()), simAudioRoutes(() => this.lines.simBoard())] : []),
            ...(this.opts.faultInjection ? [debugRoutes(this.faults)] : []),
          ],
        });
        server.server.on('error', (err) => ctx.fail(err));
        await server.listen({ port: this.httpPort, host: this.opts.httpHost });
        const address = server.server.address();
        if (address !== null && typeof address === 'object') this.boundHttpPort = address.port;
        ctx.log.info('web server listening', { port: this.httpPort, host: this.opts.httpHost });
        const https = await this.adminHttps?.start(server, ctx.log);
        return {
          stop: async () => {
            await https?.close();
            this.adminHttps?.stopped();
            await server.close();
          },
        };
      },
    };
  }
}
