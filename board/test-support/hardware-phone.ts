/**
 * An analog phone on an FXS port of the hardware board, as the SLIC module and its
 * sound card see it (for hardware-rig.ts):
 * - the switch hook is the port's SHK input on the fake GPIO layer (asserted off hook);
 * - the microphone is the card's capture stream (speech, DTMF dialling at 48 kHz);
 *   the loop is open on hook, so the card then captures silence;
 * - the earpiece is the card's playback stream (Ear: hearing, DTMF, caller ID;
 *   on hook only the caller-ID unit listens);
 * - the ringer follows the SLIC's RM and F/R outputs in the fake GPIO history:
 *   ringing while RM is asserted and F/R keeps toggling.
 */
import { dtmfSamples } from '../../audio/dtmf/index.js';
import type { TonePlan } from '../../audio/tones/index.js';
import type { Clock } from '../../src/clock.js';
import { lineKey, type FakeGpio, type LineChange } from '../gpio/test-support/fake-gpio.js';
import type { SlicPortSpec } from '../profiles/profile-types.js';
import type { Hearing } from '../sim/types.js';
import type { DeviceEnd } from './fake-sound-card.js';
import { CARD_RATE, Ear, Mic, sine48 } from './line-audio-io.js';

export class HardwarePhone {
  readonly port: number;
  /** "chip:offset" of the port's lines, as the fake GPIO layer names them. */
  readonly lines: { readonly shk: string; readonly rm: string; readonly fr: string };
  readonly mic = new Mic();
  readonly ear: Ear;
  private offHook = false;

  constructor(
    spec: SlicPortSpec,
    private readonly gpio: FakeGpio,
    card: DeviceEnd,
    private readonly clock: Clock,
    plan: TonePlan,
  ) {
    this.port = spec.port;
    this.lines = { shk: lineKey(spec.gpio.shk), rm: lineKey(spec.gpio.rm), fr: lineKey(spec.gpio.fr) };
    this.ear = new Ear(plan);
    card.io = {
      captured: (n) => {
        const x = this.mic.read(n);
        return this.offHook ? x : new Int16Array(n);
      },
      played: (pcm) => this.ear.hear(pcm, this.offHook),
    };
  }

  get isOffHook(): boolean {
    return this.offHook;
  }

  /** Lifts the handset: SHK asserted; the earpiece listens afresh. */
  lift(): void {
    this.offHook = true;
    this.ear.restart();
    this.gpio.set(this.lines.shk, 1);
  }

  /** Hangs up: SHK de-asserted; whatever the phone was still saying is dropped. */
  hangUp(): void {
    this.offHook = false;
    this.mic.clear();
    this.gpio.set(this.lines.shk, 0);
  }

  /** Dials by DTMF (100 ms tone, 100 ms pause per digit); resolves once the last digit has been captured. */
  dial(digits: string): Promise<boolean> {
    return this.mic.say(dtmfSamples(digits, { sampleRate: CARD_RATE }));
  }

  /** A tone into the microphone. */
  speak(hz: number, ms: number): Promise<boolean> {
    return this.mic.say(sine48(hz, ms));
  }

  get hearing(): Hearing {
    return this.ear.hearing;
  }

  /** RM is asserted now. */
  get ringMode(): boolean {
    return this.gpio.value(this.lines.rm) === 1;
  }

  /** Ring voltage now: RM asserted and F/R toggled within the last `withinMs` (two half cycles of 20 Hz and a little). */
  ringing(withinMs = 60): boolean {
    const last = this.frChanges().at(-1);
    return this.ringMode && last !== undefined && this.clock.now() - last.atMs <= withinMs;
  }

  /** F/R changes (optionally from `sinceMs` on). */
  frChanges(sinceMs = Number.NEGATIVE_INFINITY): LineChange[] {
    return this.gpio.history(this.lines.fr).filter((c) => c.atMs >= sinceMs);
  }

  /** RM changes (optionally from `sinceMs` on). */
  rmChanges(sinceMs = Number.NEGATIVE_INFINITY): LineChange[] {
    return this.gpio.history(this.lines.rm).filter((c) => c.atMs >= sinceMs);
  }

  /** The ring frequency F/R showed over the last `windowMs` (one toggle per half cycle), or 0 without three toggles. */
  ringHz(windowMs = 500): number {
    const toggles = this.frChanges(this.clock.now() - windowMs);
    if (toggles.length < 3) return 0;
    const first = toggles[0];
    const last = toggles.at(-1);
    if (first === undefined || last === undefined || last.atMs === first.atMs) return 0;
    const halfMs = (last.atMs - first.atMs) / (toggles.length - 1);
    return 1000 / (2 * halfMs);
  }
}
