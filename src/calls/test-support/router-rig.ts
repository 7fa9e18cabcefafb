/**
 * The call router on the simulated board, for tests: a Harness (fake clock and
 * manual frame clock), a SimBoard, a ConfigStore in a temp directory, and the FXS
 * and FXO port runtimes built from the store the way lines-service.ts builds them
 * (line profile, effectiveDigitMap, fxoConfig). No SIP.
 */
import { FRAME_MS } from '../../../audio/pcm.js';
import type { SimBoard } from '../../../board/sim/sim-board.js';
import { Harness, simSetup } from '../../../board/sim/test-support/harness.js';
import type { Hearing } from '../../../board/sim/types.js';
import type { VirtualLandline } from '../../../board/sim/virtual-landline.js';
import type { VirtualPhone } from '../../../board/sim/virtual-phone.js';
import { flushAsync } from '../../clock.js';
import { tempDir } from '../../config/test-support/fixtures.js';
import { ConfigStore } from '../../config/index.js';
import type { Account, DialPlanRoute, Line } from '../../config/provisioning-schema.js';
import type { FxoPort } from '../../line/fxo-port.js';
import type { FxsPort } from '../../line/fxs-port.js';
import { regionProfile } from '../../line/region-profile.js';
import type { RegionProfile } from '../../line/types.js';
import { MemoryLogger } from '../../log.js';
import { RtpPortAllocator } from '../../rtp/port-allocator.js';
import type { CallRouter } from '../call-router.js';
import { buildLines } from '../build-lines.js';

export interface RouterRigOptions {
  readonly region?: string;
  readonly lines: readonly Line[];
  readonly routes?: readonly DialPlanRoute[];
  readonly accounts?: readonly Account[];
}

export interface RouterRig {
  readonly h: Harness;
  readonly board: SimBoard;
  readonly store: ConfigStore;
  readonly router: CallRouter;
  readonly log: MemoryLogger;
  readonly profile: RegionProfile;
  readonly fxs: ReadonlyMap<number, FxsPort>;
  readonly fxo: ReadonlyMap<number, FxoPort>;
  phone(port: number): VirtualPhone;
  landline(port?: number): VirtualLandline;
  /** Runs `ms` of fake time. */
  run(ms: number): void;
  /** Runs time in frames until `done()` holds (true) or `maxMs` has passed (false). */
  runUntil(done: () => boolean, maxMs: number): boolean;
  /** Dials on a phone (the dial starts on a later microtask) and runs the clock until the digits are out. */
  dial(port: number, digits: string): Promise<void>;
  /** Runs until the phone hears `hearing`; returns what it heard last. */
  until(port: number, hearing: Hearing, maxMs?: number): Hearing;
  /** Log entries at warn or above. */
  problems(): string[];
  close(): Promise<void>;
}

/** Builds the rig; the lines, routes and accounts go into the store first. */
export function routerRig(opts: RouterRigOptions): RouterRig {
  const region = opts.region ?? 'US';
  const profile = regionProfile(region);
  const { h, board } = simSetup(profile.tones, { callerIdStandard: profile.callerId.standard, ringFrequencyHz: profile.ringFrequencyHz });
  const log = new MemoryLogger();
  const tmp = tempDir();
  const store = ConfigStore.open({ dataDir: tmp.dir, log, clock: h.clock });
  store.settings.setRegion(region);
  for (const a of opts.accounts ?? []) store.accounts.upsert(a);
  for (const l of opts.lines) store.lines.upsert(l);
  if (opts.routes !== undefined) store.dialPlan.replace([...opts.routes]);

  const built = buildLines({
    board, store, clock: h.clock, log, sip: () => undefined, allocator: new RtpPortAllocator({ min: 20_000, max: 20_100 }),
  });
  const { fxs, fxo, router } = built;

  const runUntil = (done: () => boolean, maxMs: number): boolean => {
    for (let t = 0; t < maxMs; t += FRAME_MS) {
      if (done()) return true;
      h.run(FRAME_MS);
    }
    return done();
  };
  let closed = false;
  return {
    h, board, store, router, log, profile, fxs, fxo,
    phone: (port) => board.phone(port),
    landline: (port) => board.landline(port ?? [...fxo.keys()][0] ?? 0),
    run: (ms) => h.run(ms),
    runUntil,
    async dial(port, digits) {
      const done = board.phone(port).dial(digits, 'dtmf');
      await flushAsync();
      // DTMF: 100 ms of tone and 100 ms of pause per digit.
      h.run(digits.length * 200 + 100);
      await done;
    },
    until(port, hearing, maxMs = 8000) {
      const phone = board.phone(port);
      runUntil(() => phone.state().hearing === hearing, maxMs);
      return phone.state().hearing;
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

/** A sine tone, 8 kHz. */
export function sine(hz: number, ms: number, amplitude = 6000): Int16Array {
  return Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

/** The share (0..1) of the signal's power at `hz` (Goertzel over the whole block, 8 kHz). */
export function shareAt(samples: Int16Array, hz: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const k = (2 * Math.cos((2 * Math.PI * hz) / 8000));
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  if (total === 0) return 0;
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  // A pure sine of amplitude A over n samples: power ≈ (A n / 2)², total ≈ A² n / 2.
  return (2 * power) / (n * total);
}
