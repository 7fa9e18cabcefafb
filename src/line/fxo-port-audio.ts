/**
 * The FXO runtime's ears (fxo-port.ts): what it makes of the audio captured
 * from the landline.
 *
 * - On hook: a caller-ID receiver for the region's standard (Bell 202 / V.23
 *   FSK, or DTMF caller ID), `callerIdListener`.
 * - Off hook: `LineToneTracker`, the call-progress tone heard on the line
 *   (dial tone to start dialling, busy / reorder as a disconnect signal),
 *   classified by audio/tones/classify.ts.
 *
 * Why the tracker looks the way it does (measured with the US, GB, DE, FR, AU
 * and JP plans, windows ending every 100 ms over 8 s of each tone):
 * - One window of `WINDOW_MS` (1 s): 0.5 s windows misread busy/reorder often
 *   enough to matter (US busy "unknown" at 10 % of windows, FR/JP busy "dial"
 *   at 14 %, GB reorder "busy" at a third) while 1 s windows hold a whole
 *   on or off segment of every busy and reorder cadence and read them right
 *   once past their first second; 1.5 s adds nothing for those. Ringback with
 *   a 4 s pause reads "silence" in its pause either way (the machine ignores
 *   silence). Cost: ~0.4–1.4 ms per classification.
 * - Re-evaluated every `EVERY_FRAMES` (5) frames, 100 ms: dial tone is seen
 *   within ~0.1–0.2 s of starting, at ≤ ~1.5 % of a core while seized.
 * - The window starts at the first audible sound since the seizure (as the
 *   simulated phone's hearing does): a window opening with the silence before
 *   the exchange's dial tone cannot be a continuous tone, and would read a
 *   single-frequency dial tone (425 Hz in most of Europe) as something else.
 * - "unknown" (too little clear tone to judge, e.g. a burst's ramp at the
 *   window's edge) is no news: the last classification stands, so one odd
 *   window never interrupts a disconnect tone being timed. "stutter" is a dial
 *   tone (message waiting); "callwaiting" is a tone in a call, "voice".
 */
import { CallerIdReceiver, DtmfCallerIdReceiver, type CallerIdInfo } from '../../audio/caller-id/index.js';
import { rmsForDbm0 } from '../../audio/levels.js';
import { SAMPLE_RATE } from '../../audio/pcm.js';
import { classifyCallProgress, SILENCE_DBM0, type CallProgress, type TonePlan } from '../../audio/tones/index.js';
import type { LineTone } from './fxo-types.js';
import type { CallerIdStandard } from './types.js';

export const WINDOW_MS = 1000;
export const EVERY_FRAMES = 5;
/** Audibility is judged per block of this many ms (as the classifier's silence test). */
const BLOCK_MS = 5;

const TONE_OF: Record<CallProgress, LineTone | undefined> = {
  dial: 'dial',
  stutter: 'dial',
  ringback: 'ringback',
  busy: 'busy',
  reorder: 'reorder',
  callwaiting: 'voice',
  voice: 'voice',
  silence: 'silence',
  unknown: undefined,
};

export interface LineToneTrackerOptions {
  readonly windowMs?: number;
  readonly everyFrames?: number;
  readonly sampleRate?: number;
}

/** Classifies the line audio over a sliding window; `push` returns the classification when it changes. */
export class LineToneTracker {
  private readonly buf: Int16Array;
  /** Samples kept since the first audible one (capped at the window). */
  private kept = 0;
  private at = 0;
  private heard = false;
  private frames = 0;
  private last: LineTone | undefined;
  private readonly everyFrames: number;
  private readonly block: number;
  private readonly floor: number;
  private readonly sampleRate: number;

  constructor(
    private readonly plan: TonePlan,
    opts: LineToneTrackerOptions = {},
  ) {
    const rate = opts.sampleRate ?? SAMPLE_RATE;
    this.buf = new Int16Array(Math.round(((opts.windowMs ?? WINDOW_MS) * rate) / 1000));
    this.everyFrames = Math.max(1, Math.round(opts.everyFrames ?? EVERY_FRAMES));
    this.block = Math.max(1, Math.round((BLOCK_MS * rate) / 1000));
    this.floor = this.block * rmsForDbm0(SILENCE_DBM0) ** 2;
    this.sampleRate = rate;
  }

  /** Listening starts afresh (a seizure): older audio is forgotten and the next classification is reported whatever it is. */
  restart(): void {
    this.kept = 0;
    this.at = 0;
    this.heard = false;
    this.frames = 0;
    this.last = undefined;
  }

  /** One captured frame; the new classification when it differs from the last one reported. */
  push(frame: Int16Array): LineTone | undefined {
    this.append(this.heard ? frame : this.fromFirstSound(frame));
    this.frames++;
    if (this.frames % this.everyFrames !== 0) return undefined;
    const tone = this.kept === 0 ? 'silence' : TONE_OF[classifyCallProgress(this.window(), this.plan, this.sampleRate)];
    if (tone === undefined || tone === this.last) return undefined;
    this.last = tone;
    return tone;
  }

  /** Until something is heard: the frame from one block past its first audible block (past a tone's rising ramp), or nothing. */
  private fromFirstSound(frame: Int16Array): Int16Array {
    for (let b = 0; b + this.block <= frame.length; b += this.block) {
      let e = 0;
      for (let i = b; i < b + this.block; i++) e += (frame[i] ?? 0) ** 2;
      if (e >= this.floor) {
        this.heard = true;
        return frame.subarray(b + this.block);
      }
    }
    return frame.subarray(frame.length);
  }

  private append(samples: Int16Array): void {
    const cap = this.buf.length;
    const src = samples.length > cap ? samples.subarray(samples.length - cap) : samples;
    for (let i = 0; i < src.length; ) {
      const n = Math.min(src.length - i, cap - this.at);
      this.buf.set(src.subarray(i, i + n), this.at);
      i += n;
      this.at = (this.at + n) % cap;
    }
    this.kept = Math.min(cap, this.kept + src.length);
  }

  /** The kept samples, oldest first. */
  private window(): Int16Array {
    const cap = this.buf.length;
    if (this.kept < cap) return this.buf.slice(this.at - this.kept, this.at);
    const out = new Int16Array(cap);
    out.set(this.buf.subarray(this.at), 0);
    out.set(this.buf.subarray(0, this.at), cap - this.at);
    return out;
  }
}

/** Why a caller-ID message was not decoded (for the log). */
export type CallerIdProblem = { readonly kind: string; readonly detail: string | undefined };

export interface CallerIdListener {
  /** Samples in; the caller ID decoded from them (usually none). */
  process(frame: Int16Array): CallerIdInfo[];
  reset(): void;
}

/** The on-hook caller-ID receiver for `standard` (undefined for 'none'); `onProblem` hears about undecodable messages. */
export function callerIdListener(standard: CallerIdStandard, sampleRate: number, onProblem: (p: CallerIdProblem) => void): CallerIdListener | undefined {
  switch (standard) {
    case 'none':
      return undefined;
    case 'dtmf': {
      const rx = new DtmfCallerIdReceiver({ sampleRate });
      return {
        process(frame) {
          const out: CallerIdInfo[] = [];
          for (const ev of rx.process(frame)) {
            if (ev.type === 'message') out.push(ev.value.info);
            else onProblem({ kind: ev.error.kind, detail: ev.error.detail });
          }
          return out;
        },
        reset: () => rx.reset(),
      };
    }
    default: {
      const rx = new CallerIdReceiver({ standard, sampleRate });
      return {
        process(frame) {
          const out: CallerIdInfo[] = [];
          for (const ev of rx.process(frame)) {
            if (ev.type === 'message') out.push(ev.message.info);
            else onProblem({ kind: ev.error.kind, detail: ev.error.detail });
          }
          return out;
        },
        reset: () => rx.reset(),
      };
    }
  }
}
