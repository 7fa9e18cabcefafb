/**
 * The line side of the appliance as supervised parts:
 *   board   the hardware driver (here the simulated board: virtual phones and a
 *           virtual landline on a virtual audio clock)
 *   lines   one runtime per port (FXS and FXO line state machines on the board's events
 *           and audio) and the call router that connects them to each other and to SIP
 * A fault in a line or a call restarts `lines` (the board keeps its state: a phone left
 * off hook stays off hook and gets fresh dial tone); a fault in the driver restarts both.
 *
 * `lines` starts before `sip` in the tree, so a restart of the SIP stack ends only the
 * SIP calls: the router reads the SIP parts when it needs them, and the SIP runtime
 * hands new INVITEs to whichever router is running (`incomingSip`).
 */
import { VirtualFrameClock } from '../audio/port/frame-clock.js';
import type { Board } from '../board/board.js';
import { SimBoard } from '../board/sim/sim-board.js';
import type { BoardKind } from './cli-options.js';
import { CallRouter, type SipParts } from './calls/call-router.js';
import { effectiveDigitMap } from './calls/dial-plan.js';
import type { ActiveCall } from './calls/call-record.js';
import type { ConfigStore } from './config/index.js';
import type { ConfigChange } from './config/types.js';
import { DigitMap } from './line/digit-map.js';
import { fxoConfig } from './line/fxo-config.js';
import { FxoPort, type FxoPortStatus } from './line/fxo-port.js';
import { FxsPort, type FxsPortStatus } from './line/fxs-port.js';
import { regionProfile } from './line/region-profile.js';
import type { RegionProfile } from './line/types.js';
import type { Line } from './config/provisioning-schema.js';
import { RtpPortAllocator } from './rtp/port-allocator.js';
import type { IncomingInvite } from './sip/ua/user-agent.js';
import type { ChildSpec } from './supervisor/index.js';
import { toError } from './errors.js';

export interface LinesRuntimeOptions {
  readonly board: BoardKind;
  store(): ConfigStore | undefined;
  sip(): SipParts | undefined;
}

export interface LineStatus {
  fxs: FxsPortStatus[];
  fxo: FxoPortStatus[];
}

/** Line settings that the line state machines are built from: a change rebuilds them (when no call is up). */
const REBUILDS = (change: ConfigChange): boolean => change.section === 'lines' || change.section === 'settings' || change.section === 'dialPlan';

export class LinesRuntime {
  board: Board | undefined;
  router: CallRouter | undefined;
  private fxs = new Map<number, FxsPort>();
  private fxo = new Map<number, FxoPort>();

  constructor(private readonly opts: LinesRuntimeOptions) {}

  /** The simulated board, for its control API (undefined on real hardware or while restarting). */
  simBoard(): SimBoard | undefined {
    return this.board instanceof SimBoard ? this.board : undefined;
  }

  status(): LineStatus {
    return { fxs: [...this.fxs.values()].map((l) => l.status()), fxo: [...this.fxo.values()].map((l) => l.status()) };
  }

  calls(): ActiveCall[] {
    return this.router?.active() ?? [];
  }

  /** A new INVITE for the phones (the SIP runtime's handler). */
  incomingSip(invite: IncomingInvite): boolean {
    if (this.router === undefined) return false;
    this.router.incomingSip(invite);
    return true;
  }

  boardChild(): ChildSpec {
    return {
      id: 'board',
      shutdownMs: 3000,
      start: (ctx) => {
        const store = this.requireStore();
        if (this.opts.board !== 'sim') throw new Error(`the ${this.opts.board} board driver is not available yet`);
        const profile = regionProfile(store.settings.region());
        const frameClock = new VirtualFrameClock(ctx.clock, { onError: (err) => ctx.log.error('audio frame failed', { err: toError(err).message }) });
        const board = new SimBoard({
          clock: ctx.clock,
          frameClock,
          plan: profile.tones,
          ringFrequencyHz: profile.ringFrequencyHz,
          callerIdStandard: profile.callerId.standard,
          onListenerError: (err) => ctx.log.error('board event listener failed', { err: toError(err).message }),
        });
        frameClock.start();
        this.board = board;
        ctx.log.info('board ready', { board: board.name, ports: board.ports.map((p) => `${p.port}:${p.kind}`).join(' ') });
        return {
          stop: async () => {
            if (this.board === board) this.board = undefined;
            frameClock.stop();
            await board.close();
          },
        };
      },
    };
  }

  linesChild(): ChildSpec {
    return {
      id: 'lines',
      shutdownMs: 3000,
      start: (ctx) => {
        const store = this.requireStore();
        const board = this.board;
        if (board === undefined) throw new Error('the board is not running');
        const rtp = store.settings.rtp();
        const allocator = new RtpPortAllocator({ min: rtp.portMin, max: rtp.portMax });
        const build = (): void => {
          const profile = regionProfile(store.settings.region());
          const fxs = new Map<number, FxsPort>();
          const fxo = new Map<number, FxoPort>();
          const lines = store.lines.list();
          const routes = store.dialPlan.list();
          for (const bp of board.ports) {
            const line = lines.find((l) => l.port === bp.port && l.kind === bp.kind);
            const p = lineProfile(profile, line);
            const log = ctx.log.child({ port: bp.port });
            if (bp.kind === 'fxs') {
              fxs.set(bp.port, new FxsPort({
                board, port: bp.port, clock: ctx.clock, log, flash: p.flash,
                config: { profile: p, digitMap: DigitMap.parse(effectiveDigitMap(bp.port, p.digitMap, lines, routes)), callWaiting: line?.features?.callWaiting ?? true, polarityReversal: bp.polarityReversal },
              }));
            } else {
              fxo.set(bp.port, new FxoPort({ board, port: bp.port, clock: ctx.clock, log, profile: p, config: fxoConfig(p) }));
            }
          }
          this.fxs = fxs;
          this.fxo = fxo;
          this.router = new CallRouter({ clock: ctx.clock, log: ctx.log, store, profile, fxs, fxo, sip: () => this.opts.sip(), allocator });
        };
        const teardown = (): void => {
          this.router?.stop();
          for (const l of [...this.fxs.values(), ...this.fxo.values()]) l.close();
          this.router = undefined;
          this.fxs = new Map();
          this.fxo = new Map();
        };
        build();
        // New line settings (digit map, caller-ID standard, region...) rebuild the line
        // runtimes once no call is up; features the router reads live apply at once.
        let rebuildWanted = false;
        let stopped = false;
        const rebuildWhenIdle = (): void => {
          if (stopped || !rebuildWanted || (this.router?.active().length ?? 0) > 0) return;
          rebuildWanted = false;
          ctx.log.info('line settings changed: rebuilding the lines');
          try {
            teardown();
            build();
          } catch (err) {
            ctx.fail(err);
          }
        };
        const onChange = (change: ConfigChange): void => {
          if (!REBUILDS(change)) return;
          rebuildWanted = true;
          // After the change's other listeners (one import changes several sections at once).
          setImmediate(rebuildWhenIdle);
        };
        store.on('change', onChange);
        const tick = (): void => {
          rebuildWhenIdle();
          timer = ctx.clock.setTimer(1000, tick);
        };
        let timer = ctx.clock.setTimer(1000, tick);
        return {
          stop: () => {
            stopped = true;
            ctx.clock.cancelTimer(timer);
            store.off('change', onChange);
            teardown();
          },
        };
      },
    };
  }

  private requireStore(): ConfigStore {
    const store = this.opts.store();
    if (store === undefined) throw new Error('the config store is not running');
    return store;
  }
}

/** A line's settings applied to the region's profile. */
function lineProfile(region: RegionProfile, line: Line | undefined): RegionProfile {
  return regionProfile(region.region, {
    ...(line?.digitMap !== undefined ? { digitMap: line.digitMap } : {}),
    ...(line?.callerIdStandard !== undefined ? { callerId: { standard: line.callerIdStandard } } : {}),
  });
}
