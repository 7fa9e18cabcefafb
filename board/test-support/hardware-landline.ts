/**
 * The telephone line (the central office and whoever calls through it) on the
 * FXO port of the hardware board, as the DAA module and its sound card see it
 * (for hardware-rig.ts):
 * - ringing: the DAA's ring-detect input toggled once per cycle of the ring
 *   voltage (20 Hz) in the region's cadence (board/sim/ring-signal.ts), with
 *   Bell 202 FSK caller ID in the card's capture stream 500 ms after the first
 *   ring (or none);
 * - seizure: seen on the DAA's hook relay output (polled at each rig tick);
 *   loop current (the loop-current input) flows while seized. An outgoing
 *   seizure gets dial tone until the first DTMF digit from the box; the digits
 *   are detected in the card's playback stream (`digitsDialed`);
 * - `hangup()`: stops ringing, or on a seized line drops loop current for
 *   CPC_MS (calling-party control), then gives busy tone until released.
 */
import { onHookFskPlan, type CallerIdInfo } from '../../audio/caller-id/index.js';
import type { TonePlan } from '../../audio/tones/index.js';
import type { Clock, Timer } from '../../src/clock.js';
import { lineKey, type FakeGpio } from '../gpio/test-support/fake-gpio.js';
import type { DaaPortSpec } from '../profiles/profile-types.js';
import { RingSignal } from '../sim/ring-signal.js';
import type { Hearing } from '../sim/types.js';
import { CPC_MS } from '../sim/virtual-landline.js';
import type { DeviceEnd } from './fake-sound-card.js';
import { CARD_RATE, Ear, Mic, sine48 } from './line-audio-io.js';

/** Silence after the first ring before caller ID (GR-30-CORE: at least 500 ms). */
const CID_WAIT_MS = 500;

export interface HardwareLandlineOptions {
  readonly spec: DaaPortSpec;
  readonly gpio: FakeGpio;
  readonly card: DeviceEnd;
  readonly clock: Clock;
  readonly plan: TonePlan;
  readonly ringFrequencyHz: number;
}

export class HardwareLandline {
  readonly port: number;
  readonly lines: { readonly hook: string; readonly ring: string; readonly loopCurrent: string | undefined };
  /** What the line carries toward the box while seized (far end, tones). */
  readonly voice = new Mic();
  /** What it carries on hook (caller ID). */
  private readonly onHook = new Mic();
  readonly ear: Ear;
  private readonly gpio: FakeGpio;
  private readonly clock: Clock;
  private readonly plan: TonePlan;
  private readonly ringer: RingSignal;
  private seizedNow = false;
  private alerting = false;
  private pendingCid: Int16Array | undefined;
  private cpc: Timer | undefined;
  /** Dial tone is on (an outgoing seizure, no digit yet). */
  private dialTone = false;

  constructor(opts: HardwareLandlineOptions) {
    this.port = opts.spec.port;
    this.gpio = opts.gpio;
    this.clock = opts.clock;
    this.plan = opts.plan;
    const g = opts.spec.gpio;
    this.lines = { hook: lineKey(g.hook), ring: lineKey(g.ring), loopCurrent: g.loopCurrent === undefined ? undefined : lineKey(g.loopCurrent) };
    this.ear = new Ear(opts.plan);
    this.ringer = new RingSignal({
      clock: opts.clock,
      cadence: opts.plan.ring.cadence,
      frequencyHz: opts.ringFrequencyHz,
      onDetect: (active) => this.gpio.set(this.lines.ring, active ? 1 : 0),
      onBurstEnd: (index) => this.onRingEnd(index),
    });
    opts.card.io = {
      captured: (n) => {
        const voice = this.voice.read(n);
        const cid = this.onHook.read(n);
        return this.seizedNow ? voice : cid;
      },
      played: (pcm) => this.ear.hear(pcm, this.seizedNow),
    };
  }

  /** The box holds the line (the DAA's hook relay is asserted), as of the last poll. */
  get seized(): boolean {
    return this.seizedNow;
  }

  /** The hook relay output now. */
  get relay(): boolean {
    return this.gpio.value(this.lines.hook) === 1;
  }

  get ringing(): boolean {
    return this.alerting;
  }

  /** DTMF digits the box sent since it last seized the line. */
  get digitsDialed(): string {
    return this.ear.digitsHeard;
  }

  get hearing(): Hearing {
    return this.ear.hearing;
  }

  /** A call arrives: ring bursts on the ring-detect input, caller ID (FSK) after the first one unless `callerId` is undefined. */
  ring(callerId?: { readonly number: string; readonly name?: string }): void {
    if (this.alerting || this.seizedNow) throw new Error(`landline ${this.port} is busy`);
    this.pendingCid = callerId === undefined ? undefined : this.fsk(callerId);
    this.alerting = true;
    this.ringer.start();
  }

  /** The far end speaks a tone toward the box. */
  speak(hz: number, ms: number): Promise<boolean> {
    return this.voice.say(sine48(hz, ms));
  }

  /** The caller gives up (ringing), or the far end clears a seized line: loop current drops for CPC_MS, then busy tone. */
  hangup(): void {
    if (this.alerting) {
      this.stopRinging();
      return;
    }
    if (!this.seizedNow || this.cpc !== undefined) return;
    this.voice.clear();
    this.setLoop(false);
    this.cpc = this.clock.setTimer(CPC_MS, () => {
      this.cpc = undefined;
      if (!this.seizedNow) return;
      this.setLoop(true);
      this.voice.setTone(this.plan.busy);
    });
  }

  /** Looks at the hook relay (the rig calls it every tick) and answers a change like an exchange. */
  poll(): void {
    const relay = this.gpio.isOpen(this.lines.hook) && this.relay;
    if (relay === this.seizedNow) {
      if (this.dialTone && this.ear.digitsHeard.length > 0) {
        // The first digit ends dial tone.
        this.dialTone = false;
        this.voice.setTone(undefined);
      }
      return;
    }
    this.seizedNow = relay;
    this.dialTone = false;
    if (relay) {
      const outgoing = !this.alerting;
      this.stopRinging();
      this.ear.restart();
      this.voice.clear();
      if (outgoing) {
        this.dialTone = true;
        this.voice.setTone(this.plan.dial);
      }
      this.setLoop(true);
    } else {
      if (this.cpc !== undefined) this.clock.cancelTimer(this.cpc);
      this.cpc = undefined;
      this.voice.clear();
      this.setLoop(false);
    }
  }

  private stopRinging(): void {
    this.alerting = false;
    this.pendingCid = undefined;
    this.ringer.stop();
    this.onHook.clear();
  }

  private onRingEnd(index: number): void {
    const burst = this.pendingCid;
    if (index !== 0 || burst === undefined) return;
    this.pendingCid = undefined;
    this.clock.setTimer(CID_WAIT_MS, () => {
      if (this.alerting && !this.seizedNow) void this.onHook.say(burst);
    });
  }

  private setLoop(present: boolean): void {
    if (this.lines.loopCurrent !== undefined) this.gpio.set(this.lines.loopCurrent, present ? 1 : 0);
  }

  private fsk(callerId: { readonly number: string; readonly name?: string }): Int16Array {
    const d = new Date(this.clock.wallTime());
    const info: CallerIdInfo = { number: callerId.number, time: { month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() } };
    if (callerId.name !== undefined) info.name = callerId.name;
    return onHookFskPlan(info, { standard: 'bell202', sampleRate: CARD_RATE }).fsk;
  }
}
