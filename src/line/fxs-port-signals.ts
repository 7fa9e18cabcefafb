/**
 * The caller-ID and message-waiting audio of an FXS port (fxs-port.ts): what the
 * machine's `caller-id`, `caller-id-stop` and `mwi-indication` actions play,
 * through the port's LineAudio, on the port's own audio clock.
 *
 * - On-hook caller ID: the machine says when ('alerting', then 'data'); the
 *   samples come from the same planner the machine timed them with.
 * - Off-hook caller ID (type II; GR-30-CORE / SR-TSV-002476, EN 300 659-2):
 *   CAS (DT-AS), then listen to the phone for its DTMF ACK (the plan's digits,
 *   within `ackTimeoutMs` of the end of CAS, via AckListener); after an ACK,
 *   `fskDelayMs` from the end of the ACK (as silence samples, so it is on the
 *   audio clock), the FSK. No ACK: nothing more.
 * - Visual message waiting: an MDMF message-waiting message (0x82) with the
 *   visual indicator parameter (0x0B), modulated like on-hook caller ID
 *   (seizure, marks, data). In V.23 (ETSI) regions a DT-AS precedes it, as
 *   EN 300 659-1 announces data not associated with ringing with an alerting
 *   signal. Regions without FSK caller ID get none (stutter dial tone still tells).
 */
import { AckListener, type OffHookPlan } from '../../audio/caller-id/off-hook.js';
import { onHookFskPlan } from '../../audio/caller-id/on-hook.js';
import { alertToneSamples } from '../../audio/caller-id/alert-tone.js';
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { Logger } from '../log.js';
import { safePlan } from './fxs-config.js';
import type { CallerIdPlanner } from './fxs-types.js';
import type { LineAudio } from './line-audio.js';
import type { RegionProfile } from './types.js';

/** Silence between the DT-AS and the data of a message-waiting indication (EN 300 659-1: ≥ 45 ms). */
const MWI_ALERT_GAP_MS = 60;

type ExchangeStage = 'alert' | 'listening' | 'sending' | 'done';

/** One type II exchange: CAS, ACK, FSK. */
class TypeTwoExchange {
  private stage: ExchangeStage = 'alert';
  private listener: AckListener | undefined;
  private heardSamples = 0;
  private readonly sampleRate: number;

  constructor(
    private readonly plan: OffHookPlan,
    private readonly audio: LineAudio,
    private readonly log: Logger,
    sampleRate: number,
  ) {
    this.sampleRate = sampleRate;
    audio.playSamples(plan.alert, () => {
      if (this.stage !== 'alert') return;
      // Sample 0 of the listener is the first captured sample after the last CAS sample went out.
      this.stage = 'listening';
      this.listener = new AckListener({ digits: plan.ackDigits, timeoutMs: plan.ackTimeoutMs, sampleRate });
    });
  }

  /** Still has something queued or to decide (so media coming back cuts it off). */
  get active(): boolean {
    return this.stage !== 'done';
  }

  /** A frame captured from the phone. */
  captured(frame: Int16Array): void {
    if (this.stage !== 'listening' || this.listener === undefined) return;
    const r = this.listener.process(frame);
    this.heardSamples += frame.length;
    if (r.status === 'ack') {
      const delay = Math.max(0, Math.round((this.plan.fskDelayMs * this.sampleRate) / 1000) - (this.heardSamples - r.endSample));
      this.log.debug('type II caller ID acknowledged', { digit: r.digit });
      this.stage = 'sending';
      const out = new Int16Array(delay + this.plan.fsk.length);
      out.set(this.plan.fsk, delay);
      this.audio.playSamples(out, () => {
        this.stage = 'done';
      });
    } else if (r.status === 'timeout') {
      this.log.debug('type II caller ID: no acknowledgement from the phone');
      this.stage = 'done';
    }
  }

  abandon(): void {
    this.stage = 'done';
  }
}

export class CallerIdSignals {
  private exchange: TypeTwoExchange | undefined;

  constructor(
    private readonly audio: LineAudio,
    private readonly planner: CallerIdPlanner,
    private readonly profile: RegionProfile,
    private readonly log: Logger,
    private readonly sampleRate: number,
  ) {}

  /** True while a type II exchange is under way. */
  get typeTwoActive(): boolean {
    return this.exchange?.active === true;
  }

  /** On-hook caller ID: play the plan's alerting signal or its data. */
  onHook(part: 'alerting' | 'data', info: CallerIdInfo): void {
    const plan = safePlan(() => this.planner.onHook(info));
    if (plan === undefined) {
      this.log.warn('on-hook caller ID: no plan for this caller', { part });
      return;
    }
    const pcm = part === 'alerting' ? plan.alerting : 'fsk' in plan ? plan.fsk : plan.dtmf;
    if (pcm === undefined) return;
    this.audio.playSamples(pcm);
  }

  /** Off-hook caller ID: starts the type II exchange (replacing one under way). */
  offHook(info: CallerIdInfo): void {
    this.stop();
    const plan = safePlan(() => this.planner.offHook(info));
    if (plan === undefined) {
      this.log.debug('off-hook caller ID: no plan (region or caller)');
      return;
    }
    this.exchange = new TypeTwoExchange(plan, this.audio, this.log, this.sampleRate);
  }

  /** The visual message-waiting indication. */
  messageWaiting(waiting: boolean): void {
    const cid = this.profile.callerId;
    if (cid.standard !== 'bell202' && cid.standard !== 'v23') {
      this.log.debug('message-waiting indication: the region has no FSK signalling', { standard: cid.standard });
      return;
    }
    const standard = cid.standard;
    const plan = safePlan(() => onHookFskPlan({ messageWaiting: waiting }, { standard, format: 'mdmf', profile: cid.profile, sampleRate: this.sampleRate }));
    if (plan === undefined) return;
    if (standard === 'v23') {
      const alert = alertToneSamples({ durationMs: 100, sampleRate: this.sampleRate });
      const gap = Math.round((MWI_ALERT_GAP_MS * this.sampleRate) / 1000);
      const out = new Int16Array(alert.length + gap + plan.fsk.length);
      out.set(alert);
      out.set(plan.fsk, alert.length + gap);
      this.audio.playSamples(out);
    } else {
      this.audio.playSamples(plan.fsk);
    }
  }

  /** A frame captured from the phone (the type II ACK is listened for in it). */
  captured(frame: Int16Array): void {
    const x = this.exchange;
    if (x === undefined) return;
    x.captured(frame);
    if (!x.active && this.exchange === x) this.exchange = undefined;
  }

  /** `caller-id-stop`: drop whatever caller-ID or message-waiting signal is queued, abandon type II. */
  stop(): void {
    this.audio.cancelSamples();
    this.exchange?.abandon();
    this.exchange = undefined;
  }

  /** The call's media took the port back: a type II exchange still running is cut off (its samples would play later). */
  mediaOn(): void {
    if (this.exchange === undefined) return;
    if (this.exchange.active) {
      this.log.warn('type II caller ID cut off: the call audio came back first');
      this.audio.cancelSamples();
    }
    this.exchange.abandon();
    this.exchange = undefined;
  }
}
