/**
 * The call router on the hardware board, for tests: like src/calls/test-support/
 * router-rig.ts, but the Board is `openHardwareBoard` on the ag1171-cm108-cpc5622
 * profile — the real gpio-slic and gpio-daa drivers over the fake GPIO layer
 * (gpio/test-support/fake-gpio.ts), each port's real AlsaAudioPort over fake PCM
 * streams (fake-sound-card.ts), behind the real RecoveringAudioPort and
 * ResilientBoard. The lines and the router are built from a ConfigStore in a
 * temp directory as lines-service.ts builds them. No SIP.
 *
 * Time: a FakeClock; `run` moves it 20 ms at a time and, per step, delivers one
 * capture period to every sound card and runs its playback device as long, then
 * lets the landline look at its hook relay. The devices on the ports are
 * HardwarePhone (FXS) and HardwareLandline (FXO), which act and observe only
 * through GPIO lines and audio streams.
 */
import { FRAME_MS } from '../../audio/pcm.js';
import type { Line } from '../../src/config/provisioning-schema.js';
import { ConfigStore } from '../../src/config/index.js';
import { tempDir } from '../../src/config/test-support/fixtures.js';
import { buildLines } from '../../src/calls/build-lines.js';
import type { CallRouter } from '../../src/calls/call-router.js';
import { FakeClock, flushAsync } from '../../src/clock.js';
import type { FxoPort } from '../../src/line/fxo-port.js';
import type { FxsPort } from '../../src/line/fxs-port.js';
import { regionProfile } from '../../src/line/region-profile.js';
import type { RegionProfile } from '../../src/line/types.js';
import { MemoryLogger } from '../../src/log.js';
import { RtpPortAllocator } from '../../src/rtp/port-allocator.js';
import type { Board } from '../board.js';
import { FakeGpio } from '../gpio/test-support/fake-gpio.js';
import { openHardwareBoard } from '../hardware-board.js';
import type { BoardProfile } from '../profiles/profile-types.js';
import { loadProfile } from '../profiles/profiles.js';
import type { Backoff } from '../resilient-board.js';
import type { Hearing } from '../sim/types.js';
import { FakeSoundCards, type FakeSoundCard } from './fake-sound-card.js';
import { HardwareLandline } from './hardware-landline.js';
import { HardwarePhone } from './hardware-phone.js';

export const HARDWARE_PROFILE = 'ag1171-cm108-cpc5622';

/** Two extensions and the landline on prefix 9, as in the router's tests. */
export const DEFAULT_LINES: readonly Line[] = [
  { port: 1, kind: 'fxs', extension: '101', name: 'Kitchen' },
  { port: 2, kind: 'fxs', extension: '102' },
  { port: 3, kind: 'fxo', prefix: '9' },
];

export interface HardwareRigOptions {
  readonly region?: string;
  readonly lines?: readonly Line[];
  readonly backoff?: Backoff;
  /** Ports whose sound card is unplugged when the board opens. */
  readonly unplugged?: readonly number[];
}

export interface HardwareRig {
  readonly clock: FakeClock;
  readonly gpio: FakeGpio;
  readonly cards: FakeSoundCards;
  readonly board: Board;
  readonly hardware: BoardProfile;
  readonly store: ConfigStore;
  readonly router: CallRouter;
  readonly log: MemoryLogger;
  readonly profile: RegionProfile;
  readonly fxs: ReadonlyMap<number, FxsPort>;
  readonly fxo: ReadonlyMap<number, FxoPort>;
  phone(port: number): HardwarePhone;
  landline(): HardwareLandline;
  card(port: number): FakeSoundCard;
  /** Runs `ms` of fake time, 20 ms steps. */
  run(ms: number): void;
  /** Runs in 20 ms steps until `done()` holds (true) or `maxMs` has passed (false). */
  runUntil(done: () => boolean, maxMs: number): boolean;
  /** Like runUntil, letting promise callbacks run after each step (the resilient board reopens its driver asynchronously). */
  runUntilAsync(done: () => boolean, maxMs: number): Promise<boolean>;
  /** Dials by DTMF on a phone and runs the clock until the digits have been captured. */
  dial(port: number, digits: string): Promise<void>;
  /** Runs until the phone hears `hearing`; returns what it heard last. */
  until(port: number, hearing: Hearing, maxMs?: number): Hearing;
  /** Log entries at warn or above. */
  problems(): string[];
  close(): Promise<void>;
}

export async function hardwareRig(opts: HardwareRigOptions = {}): Promise<HardwareRig> {
  const region = opts.region ?? 'US';
  const profile = regionProfile(region);
  const hardware = loadProfile(HARDWARE_PROFILE);
  const clock = new FakeClock();
  const log = new MemoryLogger();
  const gpio = new FakeGpio(clock);
  const cards = new FakeSoundCards(log.child({ component: 'fake-cards' }));
  for (const spec of hardware.ports) if (spec.driver !== 'usb-modem') cards.card(spec.port, spec.audio.device);
  for (const port of opts.unplugged ?? []) cards.card(port).unplug();
  const board = await openHardwareBoard(hardware, {
    clock, log, gpio: () => gpio, openAudio: cards.openAudio,
    ...(opts.backoff !== undefined ? { backoff: opts.backoff } : {}),
  });

  const phones = new Map<number, HardwarePhone>();
  let landline: HardwareLandline | undefined;
  for (const spec of hardware.ports) {
    if (spec.driver === 'gpio-slic') phones.set(spec.port, new HardwarePhone(spec, gpio, cards.card(spec.port), clock, profile.tones));
    else if (spec.driver === 'gpio-daa') {
      landline = new HardwareLandline({ spec, gpio, card: cards.card(spec.port), clock, plan: profile.tones, ringFrequencyHz: profile.ringFrequencyHz });
    }
  }

  const tmp = tempDir();
  const store = ConfigStore.open({ dataDir: tmp.dir, log, clock });
  store.settings.setRegion(region);
  for (const l of opts.lines ?? DEFAULT_LINES) store.lines.upsert(l);
  const built = buildLines({ board, store, clock, log, sip: () => undefined, allocator: new RtpPortAllocator({ min: 20_100, max: 20_200 }) });

  const step = (): void => {
    clock.advance(FRAME_MS);
    cards.tick(FRAME_MS);
    landline?.poll();
  };
  const run = (ms: number): void => {
    for (let t = 0; t < ms; t += FRAME_MS) step();
  };
  const runUntil = (done: () => boolean, maxMs: number): boolean => {
    for (let t = 0; t < maxMs; t += FRAME_MS) {
      if (done()) return true;
      step();
    }
    return done();
  };
  const runUntilAsync = async (done: () => boolean, maxMs: number): Promise<boolean> => {
    for (let t = 0; t < maxMs; t += FRAME_MS) {
      if (done()) return true;
      step();
      await flushAsync();
    }
    return done();
  };
  const phone = (port: number): HardwarePhone => {
    const p = phones.get(port);
    if (p === undefined) throw new Error(`no phone on port ${port}`);
    return p;
  };
  let closed = false;
  return {
    clock, gpio, cards, board, hardware, store, log, profile,
    router: built.router, fxs: built.fxs, fxo: built.fxo,
    phone,
    landline: () => {
      if (landline === undefined) throw new Error('no landline port');
      return landline;
    },
    card: (port) => cards.card(port),
    run,
    runUntil,
    runUntilAsync,
    async dial(port, digits) {
      const done = phone(port).dial(digits);
      // 100 ms of tone and 100 ms of pause per digit, and the capture period the last one is in.
      run(digits.length * 200 + 100);
      assert(await done, `phone ${port} dialled ${digits}`);
    },
    until(port, hearing, maxMs = 8000) {
      const p = phone(port);
      runUntil(() => p.hearing === hearing, maxMs);
      return p.hearing;
    },
    problems: () => log.entries.filter((e) => e.level === 'warn' || e.level === 'error' || e.level === 'fatal').map((e) => `${e.level}: ${e.msg} ${JSON.stringify(e.fields)}`),
    async close() {
      if (closed) return;
      closed = true;
      built.close();
      await board.close();
      store.close();
      tmp.remove();
    },
  };
}

function assert(ok: boolean, what: string): void {
  if (!ok) throw new Error(`not done: ${what}`);
}
