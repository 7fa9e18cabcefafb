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
import type { SimCallerIdStandard } from '../board/sim/types.js';
import type { TonePlan } from '../audio/tones/index.js';
import type { BoardKind } from './cli-options.js';
import type { CallRouter, SipParts } from './calls/call-router.js';
import { buildLines, type BuiltLines } from './calls/build-lines.js';
import { messageWaitingPorts } from './calls/message-waiting.js';
import { regionProfile } from './line/region-profile.js';
import type { ActiveCall } from './calls/call-record.js';
import type { ConfigStore } from './config/index.js';
import type { ConfigChange } from './config/types.js';
import type { FxoPort, FxoPortStatus } from './line/fxo-port.js';
import type { FxsPort, FxsPortStatus } from './line/fxs-port.js';
import { RtpPortAllocator } from './rtp/port-allocator.js';
import type { IncomingInvite } from './sip/ua/user-agent.js';
import type { ChildSpec } from './supervisor/index.js';
import type { Clock } from './clock.js';
import type { Logger } from './log.js';
import { toError } from './errors.js';

/** What the hardware opener is given at each start of the board part. */
export interface HardwareContext {
  readonly clock: Clock;
  readonly log: Logger;
  /** The hardware profile chosen on the page (the stored setting), read at this start; undefined when none. */
  readonly profileId: () => string | undefined;
}

/** The profile a hardware board was opened with. */
export interface HardwareProfileInUse {
  readonly id: string;
  readonly name: string;
  /** Given with --profile (it wins over the stored choice). */
  readonly fromCommandLine: boolean;
}

/** Opens the hardware board of a profile (main.ts: hardware-opener.ts); the sim board needs none. */
export type HardwareOpener = (ctx: HardwareContext) => Promise<{ board: Board; profile: HardwareProfileInUse }>;

export interface LinesRuntimeOptions {
  readonly board: BoardKind;
  readonly hardware?: HardwareOpener;
  store(): ConfigStore | undefined;
  sip(): SipParts | undefined;
}

export interface LineStatus {
  fxs: FxsPortStatus[];
  fxo: FxoPortStatus[];
}

/** Line settings that the line state machines are built from: a change rebuilds them (when no call is up). */
const REBUILDS = (change: ConfigChange): boolean => change.section === 'lines' || change.section === 'settings' || change.section === 'dialPlan';

/** What the simulated board models of a region: its tones and ring cadence, ring frequency and caller-ID standard. */
function simRegion(region: string): { plan: TonePlan; ringFrequencyHz: number; callerIdStandard: SimCallerIdStandard } {
  const profile = regionProfile(region);
  return { plan: profile.tones, ringFrequencyHz: profile.ringFrequencyHz, callerIdStandard: profile.callerId.standard };
}

/**
 * What the port runtimes are built from: the region, the dial plan and each line's
 * digit map, caller-ID standard, extension, prefix and call waiting. Features the
 * router reads live (DND, forwarding, hotline: *78 or *72 on a phone) are left out, so
 * setting them rebuilds nothing and the phone hears its confirmation tone whole.
 */
function buildInputs(store: ConfigStore): string {
  const lines = store.lines.list().map((l) => [l.port, l.kind, l.digitMap, l.callerIdStandard, l.extension, l.prefix, l.features?.callWaiting]);
  return JSON.stringify([store.settings.region(), store.dialPlan.list(), lines]);
}

export class LinesRuntime {
  board: Board | undefined;
  /** The profile the running hardware board was opened with (the last one while it restarts; undefined on the sim board). */
  hardwareProfile: HardwareProfileInUse | undefined;
  router: CallRouter | undefined;
  private fxs: ReadonlyMap<number, FxsPort> = new Map();
  private fxo: ReadonlyMap<number, FxoPort> = new Map();
  /**
   * Each account's last message-waiting state from its voicemail server. A server
   * notifies only when it changes, so every new router (a rebuild, a restart of the
   * lines) is told again; the phones' lamps and stutter tone do not go out with it.
   * The box's own unheard messages are read from the store each time.
   */
  private readonly waiting = new Map<string, boolean>();
  /** The region the simulated board models. */
  private simBoardRegion: string | undefined;

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

  /**
   * The simulated board models the region's phones and office (tones, ring cadence,
   * caller ID): when the region changed, it takes the new one as the lines are built.
   */
  private followRegion(board: Board, region: string, log: Logger): void {
    if (!(board instanceof SimBoard) || this.simBoardRegion === region) return;
    board.setRegion(simRegion(region));
    this.simBoardRegion = region;
    log.info('simulated phones and landline follow the region', { region });
  }

  /** The account's voicemail has (or no longer has) messages: kept, and shown on the phones. */
  messageWaiting(accountId: string, waiting: boolean): void {
    this.waiting.set(accountId, waiting);
    this.showMessageWaiting();
  }

  /** Message waiting on the phones, from the accounts' voicemail and the box's own unheard messages. */
  private showMessageWaiting(): void {
    const store = this.opts.store();
    if (store === undefined || this.router === undefined) return;
    this.router.showMessageWaiting(messageWaitingPorts(this.waiting, store.messages.landlinesWithUnheard(), store.lines.list()));
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
        if (this.opts.board !== 'sim') return this.startHardware(ctx, store);
        const region = store.settings.region();
        const frameClock = new VirtualFrameClock(ctx.clock, { onError: (err) => ctx.log.error('audio frame failed', { err: toError(err).message }) });
        const board = new SimBoard({
          clock: ctx.clock,
          frameClock,
          ...simRegion(region),
          onListenerError: (err) => ctx.log.error('board event listener failed', { err: toError(err).message }),
        });
        this.simBoardRegion = region;
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
        let built: BuiltLines | undefined;
        let inputs = '';
        const build = (): void => {
          inputs = buildInputs(store);
          this.followRegion(board, store.settings.region(), ctx.log);
          built = buildLines({ board, store, clock: ctx.clock, log: ctx.log, allocator, sip: () => this.opts.sip() });
          this.fxs = built.fxs;
          this.fxo = built.fxo;
          this.router = built.router;
          this.showMessageWaiting();
        };
        const teardown = (): void => {
          built?.close();
          built = undefined;
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
          // Which phones an account or a landline lights can change without a rebuild.
          if (change.section === 'lines') this.showMessageWaiting();
          if (!REBUILDS(change) || buildInputs(store) === inputs) return;
          rebuildWanted = true;
          // After the change's other listeners (one import changes several sections at once).
          setImmediate(rebuildWhenIdle);
        };
        store.on('change', onChange);
        const offMessages = store.messages.onChange(() => this.showMessageWaiting());
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
            offMessages();
            teardown();
          },
        };
      },
    };
  }

  /** A hardware board: absent or failing hardware shows as a fault of its ports, never a failed start. */
  private async startHardware(ctx: { clock: Clock; log: Logger }, store: ConfigStore): Promise<{ stop: () => Promise<void> }> {
    const open = this.opts.hardware;
    if (open === undefined) throw new Error(`no hardware profile was given for the ${this.opts.board} board`);
    const { board, profile } = await open({ clock: ctx.clock, log: ctx.log, profileId: () => store.settings.boardProfile() });
    this.board = board;
    this.hardwareProfile = profile;
    ctx.log.info('board ready', { board: board.name, profile: profile.id, ports: board.ports.map((p) => `${p.port}:${p.kind}`).join(' ') });
    return {
      stop: async () => {
        if (this.board === board) this.board = undefined;
        await board.close();
      },
    };
  }

  private requireStore(): ConfigStore {
    const store = this.opts.store();
    if (store === undefined) throw new Error('the config store is not running');
    return store;
  }
}

