/**
 * `HearingClassifier`: what a listener on a simulated line hears (DESIGN §7
 * `hearing`), from an `AudioHistory`, against the region's tone plan
 * (audio/tones/classify.ts).
 *
 * Two questions, two windows:
 * - Audible at all? The last 0.5 s (`AUDIBLE_MS`, DESIGN §7's "~0.5 s"):
 *   nothing above −45 dBm0 there is "silence", so the answer follows the line
 *   within half a second, and the silent part of a cadence (e.g. ringback's
 *   4 s pause) reads "silence", as a person would describe it.
 * - Which tone? 0.5 s cannot tell cadenced tones apart where they share
 *   frequencies (everything at 425 Hz in most of Europe; busy vs reorder
 *   everywhere): the classifier documents that 0.5 s of steady tone reads
 *   "dial" even in a ringback burst, and that ~3 s windows nearly always hold a
 *   decisive on/off segment. So the classifier is asked about windows ending
 *   now of 6 s, 3 s, 1.5 s and 0.5 s (`WINDOWS_MS`), each clipped to the audio
 *   since the listening started (off hook / seizure), and the longest window
 *   that comes out as a call-progress tone wins. A longer window that still
 *   holds an earlier, different sound (dial tone before busy, speech before a
 *   tone) fits no tone's frequencies or cadence ("voice" / "unknown"), so the
 *   answer falls to a shorter window that holds only the new sound; the 0.5 s
 *   window decides when none names a tone: "voice" when audible ("unknown" is
 *   a sound we cannot name, which DESIGN §7 calls voice).
 *   Silence between the start of listening and the first audible sound is
 *   left out (the box takes a frame or two to start its dial tone; a window
 *   opening with silence would rule out a continuous tone and read a German
 *   dial tone as a 1 s ringback burst for its first second).
 *   The measurements behind these numbers are in hearing.test.ts.
 * - Cost: one classification is ~1–3 ms of CPU for the four windows, so it is
 *   done on demand and cached until `REFRESH_MS` (100 ms) more audio has
 *   arrived: `current()` is cheap to poll.
 */
import { SAMPLE_RATE } from '../../audio/pcm.js';
import { rmsForDbm0 } from '../../audio/levels.js';
import { analyzeCallProgress, SILENCE_DBM0, type CallProgress, type TonePlan } from '../../audio/tones/index.js';
import type { AudioHistory } from './audio-history.js';
import type { Hearing } from './types.js';

export const AUDIBLE_MS = 500;
export const WINDOWS_MS: readonly number[] = [6000, 3000, 1500];
export const REFRESH_MS = 100;

const TONES: ReadonlySet<CallProgress> = new Set(['dial', 'ringback', 'busy', 'reorder', 'stutter', 'callwaiting']);

/** Classifies `samples` (ending now) the way DESIGN §7 reports it. */
export function classifyHearing(samples: Int16Array, plan: TonePlan, sampleRate = SAMPLE_RATE): Hearing {
  const audibleLen = Math.round((AUDIBLE_MS * sampleRate) / 1000);
  const recent = samples.subarray(Math.max(0, samples.length - audibleLen));
  const short = analyzeCallProgress(recent, plan, sampleRate).result;
  if (short === 'silence') return 'silence';
  let previous = -1;
  for (const ms of WINDOWS_MS) {
    const len = Math.min(samples.length, Math.round((ms * sampleRate) / 1000));
    // Windows clipped to the same length, or no longer than the 0.5 s one, add nothing.
    if (len === previous || len <= recent.length) continue;
    previous = len;
    const r = analyzeCallProgress(samples.subarray(samples.length - len), plan, sampleRate).result;
    if (TONES.has(r)) return r as Hearing;
  }
  return TONES.has(short) ? (short as Hearing) : 'voice';
}

export class HearingClassifier {
  private from = 0;
  /** Whether anything audible has been heard since `restart` (until then `from` follows the silence). */
  private heard = false;
  private cachedAt = -Infinity;
  private cached: Hearing = 'silence';
  private readonly longest: number;
  private readonly refresh: number;

  constructor(
    private readonly plan: TonePlan,
    private readonly history: AudioHistory,
    private readonly sampleRate = SAMPLE_RATE,
  ) {
    this.longest = Math.round((Math.max(AUDIBLE_MS, ...WINDOWS_MS) * sampleRate) / 1000);
    this.refresh = Math.round((REFRESH_MS * sampleRate) / 1000);
  }

  /** Listening starts afresh now (off hook, seizure): older audio is not part of what is heard. */
  restart(): void {
    this.from = this.history.total;
    this.heard = false;
    this.cachedAt = -Infinity;
  }

  current(): Hearing {
    const total = this.history.total;
    if (total - this.cachedAt < this.refresh) return this.cached;
    if (!this.heard) this.skipSilence();
    const n = Math.min(this.longest, total - this.from);
    this.cached = n <= 0 ? 'silence' : classifyHearing(this.history.last(n), this.plan, this.sampleRate);
    this.cachedAt = total;
    return this.cached;
  }

  /** Moves `from` up to just before the first audible 5 ms block since it (or to now if there is none). */
  private skipSilence(): void {
    const block = Math.round(this.sampleRate / 200);
    const floor = block * rmsForDbm0(SILENCE_DBM0) ** 2;
    const start = Math.max(this.from, this.history.total - this.history.capacity);
    const x = this.history.since(start);
    for (let b = 0; b + block <= x.length; b += block) {
      let e = 0;
      for (let i = b; i < b + block; i++) e += (x[i] ?? 0) ** 2;
      if (e >= floor) {
        // Start one block later, past a tone's rising edge (4 ms ramp): a window that opens with even
        // 5 ms of near-silence rules out a continuous tone.
        this.from = start + b + block;
        this.heard = true;
        return;
      }
    }
    this.from = start + x.length - (x.length % block);
  }
}
