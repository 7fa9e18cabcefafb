/**
 * The FXO line state machine: the logic of the landline port (DESIGN §4 `line`).
 * Pure: `fxoStep(state, input) -> { state, actions }`, the time carried in the
 * inputs (`atMs`), no timers, clock or I/O of its own. A thin runtime feeds it
 * the board's FXO events, the line-audio analysis (caller ID, call-progress
 * tones), fired timers and the call layer's commands, and carries out the
 * actions (Board.setSeized, DTMF playout, media bridging, Clock timers,
 * events to the call layer).
 *
 * Phases (fxo-types.ts FxoPhase):
 *   idle ──ring burst──▶ ringing ──answer──▶ seized-incoming ──settled──▶ connected
 *     │                     └─no ring for ringStoppedMs─▶ idle (ring-stopped)
 *     └─dial──▶ seizing-outgoing ──dial tone / delay──▶ dialing ──last digit──▶ connected
 *                     └─no dial tone─▶ releasing (dial-tone-missing)
 *   any seized phase ──hangup / disconnect signal──▶ releasing ──releaseGuardMs──▶ idle
 *   any ──device-lost──▶ unavailable ──device-restored──▶ idle
 *
 * Choices (documented here because the call layer relies on them):
 * - Raw 'ring-detect' edges are the input; the machine runs the ring detector
 *   (ring-detector.ts) itself and asks for a 'ring-detector' timer when a burst
 *   end is pending. One input stream, one place that knows the line is seized
 *   (ring-detect edges while off hook are ring-trip remnants, not rings).
 * - A ring is reported at the START of each validated burst (`ring`), so
 *   phones can ring at once; `ring-end` follows. Rings are counted from 1, a
 *   double ring (GB 0.4/0.2/0.4/2 s) counting once: its second burst is
 *   `burst: 2` of the same `n`. `cadenceMatched`
 *   says whether the pattern fits the region's cadence; a foreign cadence
 *   (distinctive ring, a PBX) is reported all the same.
 * - Caller ID: received while ringing, it is merged and reported (`caller-id`)
 *   and carried on every later `ring`. Received on the idle line (ETSI EN 300
 *   659-1 data before ringing: DT-AS, RP-AS, line reversal), it is kept and
 *   attached to the first ring if that comes within `callerIdBeforeRingMs`. A
 *   message holding only the message-waiting indicator is `message-waiting`.
 *   While off hook it is ignored (no off-hook / type II caller ID here).
 * - Answer delay is the call layer's: it sends `answer` after as many rings as
 *   it likes; `answer` is accepted any time in ringing (also between bursts).
 * - `hangup` in ringing cannot reject an analog call (only answering would
 *   stop it): the machine stops reporting that call and waits, quietly, for the
 *   ringing to stop. A later `answer` still takes it.
 * - `dial` is refused with `busy` (no seize) while an extension is off hook
 *   (`line-in-use`), while ringing, when not idle (also during the release
 *   guard) or with bad digits. Digits go out one `dtmf` action at a time.
 * - Outgoing calls are `connected` once dialled: an analog line gives no answer
 *   signal, unless the exchange reverses polarity on answer (`far-end-answered`).
 * - `line-in-use` reports are taken only while on hook (board.ts: the line
 *   voltage drop can only be seen then); an extension lifting its receiver
 *   while this port rings means the call was answered elsewhere.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { FxoConfig } from './fxo-config.js';
import { FxoDraft, isTimerName } from './fxo-draft.js';
import { answer, isSeizedPhase, normaliseDialString, onLineTone, onLoopCurrent, onPolarity, onSeizedTimer, release, seizeForDial } from './fxo-seized.js';
import type { FxoInput, FxoState, FxoStepResult, FxoTimerName } from './fxo-types.js';
import { initialRingDetector, resetRingDetector, ringDetectorDeadline, ringDetectorEdge, ringDetectorPoll, type RingDetectorEvent } from './ring-detector.js';

/** A line at rest: idle, on hook, nothing known about the line yet. Throws RangeError for an unusable ring detector configuration. */
export function createFxoLine(config: FxoConfig): FxoState {
  return {
    config,
    phase: 'idle',
    detector: initialRingDetector(config.ringDetector),
    timers: {},
    seized: false,
    media: false,
    lineInUse: false,
    loop: 'unknown',
    reversed: undefined,
    ringing: undefined,
    pendingCallerId: undefined,
    dialing: undefined,
    direction: undefined,
    farEndAnswered: false,
    disconnectTone: undefined,
  };
}

/** One input: the next state and what to do. Every input is accepted in every phase (ignored where it means nothing); it never throws. */
export function fxoStep(state: FxoState, input: FxoInput): FxoStepResult {
  if (!Number.isFinite(input.atMs)) return { state, actions: [] };
  const d = new FxoDraft(state, input.atMs);
  handle(d, input);
  syncDetectorTimer(d);
  return d.result();
}

/** The ring detector runs only while on hook and present; its deadline is mirrored as the 'ring-detector' timer. */
function detectorRuns(d: FxoDraft): boolean {
  return d.s.phase === 'idle' || d.s.phase === 'ringing' || d.s.phase === 'releasing';
}

function syncDetectorTimer(d: FxoDraft): void {
  const deadline = detectorRuns(d) ? ringDetectorDeadline(d.s.detector) : undefined;
  if (deadline === undefined) d.cancel('ring-detector');
  else if (d.timers['ring-detector'] !== deadline) d.arm('ring-detector', deadline);
}

function handle(d: FxoDraft, input: FxoInput): void {
  switch (input.type) {
    case 'ring-detect': {
      if (!detectorRuns(d)) return;
      const r = ringDetectorEdge(d.s.detector, input);
      d.s.detector = r.state;
      for (const ev of r.events) onRing(d, ev);
      return;
    }
    case 'timer':
      if (isTimerName(input.name) && d.takeTimer(input.name, input.atMs)) onTimer(d, input.name);
      return;
    case 'loop-current':
      onLoopCurrent(d, input.present);
      return;
    case 'line-polarity':
      if (d.s.phase !== 'unavailable') onPolarity(d, input.reversed);
      return;
    case 'line-tone':
      onLineTone(d, input.tone);
      return;
    case 'line-in-use':
      onLineInUse(d, input.inUse);
      return;
    case 'caller-id':
      onCallerId(d, input.info);
      return;
    case 'device-lost':
      if (d.s.phase === 'unavailable') return;
      teardown(d);
      d.s.phase = 'unavailable';
      d.emit({ type: 'device', available: false, reason: input.reason, atMs: d.now });
      return;
    case 'device-restored': {
      const wasLost = d.s.phase === 'unavailable';
      teardown(d);
      d.s.phase = 'idle';
      if (wasLost) d.emit({ type: 'device', available: true, reason: undefined, atMs: d.now });
      return;
    }
    case 'answer':
      if (d.s.phase === 'ringing' && !d.s.lineInUse) answer(d);
      return;
    case 'dial':
      onDial(d, input.digits);
      return;
    case 'hangup':
      if (d.s.phase === 'ringing' && d.s.ringing !== undefined) d.s.ringing = { ...d.s.ringing, declined: true };
      else if (isSeizedPhase(d.s.phase)) release(d);
      return;
    default: {
      // Exhaustive; a malformed input from untyped code is ignored, never thrown on.
      const _unknown: never = input;
      return _unknown;
    }
  }
}

function onTimer(d: FxoDraft, name: FxoTimerName): void {
  switch (name) {
    case 'ring-detector': {
      if (!detectorRuns(d)) return;
      const r = ringDetectorPoll(d.s.detector, d.now);
      d.s.detector = r.state;
      for (const ev of r.events) onRing(d, ev);
      return;
    }
    case 'ring-stopped':
      if (d.s.phase !== 'ringing') return;
      if (d.s.ringing?.declined !== true) d.emit({ type: 'ring-stopped', reason: 'caller-gave-up', atMs: d.now });
      toIdle(d);
      return;
    case 'release-guard':
      if (d.s.phase === 'releasing') d.s.phase = 'idle';
      return;
    default:
      onSeizedTimer(d, name);
  }
}

function onRing(d: FxoDraft, ev: RingDetectorEvent): void {
  const phase = d.s.phase;
  if (ev.type === 'ring-end') {
    const ringing = d.s.ringing;
    if (phase !== 'ringing' || ringing === undefined) return;
    d.arm('ring-stopped', ev.endMs + d.s.config.ringStoppedMs);
    if (!ringing.declined) d.emit({ type: 'ring-end', n: ringing.rings, burstMs: ev.burstMs, cadenceMatched: ev.cadenceMatched, atMs: ev.atMs });
    return;
  }
  // An extension off hook cannot be rung: such a "burst" is noise (or its dial pulses).
  if (d.s.lineInUse) return;
  if (phase === 'idle' || phase === 'releasing') {
    d.cancel('release-guard');
    const pending = d.s.pendingCallerId;
    const fresh = pending !== undefined && ev.startMs - pending.atMs <= d.s.config.callerIdBeforeRingMs;
    d.s.pendingCallerId = undefined;
    d.s.phase = 'ringing';
    d.s.direction = 'incoming';
    d.s.ringing = { rings: 0, bursts: 0, callerId: fresh ? pending.info : undefined, declined: false };
  } else if (phase !== 'ringing') {
    return;
  }
  d.cancel('ring-stopped');
  const ringing = d.s.ringing ?? { rings: 0, bursts: 0, callerId: undefined, declined: false };
  const newRing = ringing.rings === 0 || ev.gapMs === undefined || ev.gapMs >= d.s.config.ringGroupGapMs;
  const rings = newRing ? ringing.rings + 1 : ringing.rings;
  const bursts = newRing ? 1 : ringing.bursts + 1;
  d.s.ringing = { ...ringing, rings, bursts };
  if (!ringing.declined) d.emit({ type: 'ring', n: rings, burst: bursts, callerId: ringing.callerId, cadenceMatched: ev.cadenceMatched, atMs: ev.atMs });
}

function onLineInUse(d: FxoDraft, inUse: boolean): void {
  if (d.s.seized || d.s.phase === 'unavailable' || d.s.lineInUse === inUse) return;
  d.s.lineInUse = inUse;
  d.emit({ type: 'line-in-use', inUse, atMs: d.now });
  if (inUse && d.s.phase === 'ringing') {
    if (d.s.ringing?.declined !== true) d.emit({ type: 'ring-stopped', reason: 'answered-elsewhere', atMs: d.now });
    toIdle(d);
  }
}

function onCallerId(d: FxoDraft, info: CallerIdInfo): void {
  const phase = d.s.phase;
  if (phase !== 'idle' && phase !== 'releasing' && phase !== 'ringing') return;
  if (info.messageWaiting !== undefined) d.emit({ type: 'message-waiting', on: info.messageWaiting, atMs: d.now });
  const call = callFields(info);
  if (call === undefined) return;
  const ringing = d.s.ringing;
  if (phase !== 'ringing' || ringing === undefined) {
    d.s.pendingCallerId = { info: call, atMs: d.now };
    return;
  }
  const merged: CallerIdInfo = { ...(ringing.callerId ?? {}), ...call };
  d.s.ringing = { ...ringing, callerId: merged };
  if (!ringing.declined) d.emit({ type: 'caller-id', info: merged, atMs: d.now });
}

/** The call fields of a caller-ID message (undefined ones dropped), or undefined when it has none. */
function callFields(info: CallerIdInfo): CallerIdInfo | undefined {
  const out: CallerIdInfo = {};
  if (info.number !== undefined) out.number = info.number;
  if (info.name !== undefined) out.name = info.name;
  if (info.time !== undefined) out.time = info.time;
  if (info.numberAbsence !== undefined) out.numberAbsence = info.numberAbsence;
  if (info.nameAbsence !== undefined) out.nameAbsence = info.nameAbsence;
  return Object.keys(out).length === 0 ? undefined : out;
}

function onDial(d: FxoDraft, digits: string): void {
  const refuse = (reason: 'line-in-use' | 'ringing' | 'not-idle' | 'invalid-digits' | 'device-lost'): void => {
    d.emit({ type: 'busy', reason, atMs: d.now });
  };
  switch (d.s.phase) {
    case 'ringing':
      return refuse('ringing');
    case 'unavailable':
      return refuse('device-lost');
    case 'idle':
      break;
    default:
      return refuse('not-idle');
  }
  const normalised = normaliseDialString(digits);
  if (normalised === undefined) return refuse('invalid-digits');
  if (d.s.lineInUse) return refuse('line-in-use');
  seizeForDial(d, normalised);
}

/** ringing → idle (the call is gone; the detector keeps its history for the next). */
function toIdle(d: FxoDraft): void {
  d.cancel('ring-stopped');
  d.s.phase = 'idle';
  d.s.ringing = undefined;
  d.s.direction = undefined;
}

/** Device lost or restored: end whatever was going on; the port is as after start (on hook, nothing known). */
function teardown(d: FxoDraft): void {
  if (isSeizedPhase(d.s.phase)) d.emit({ type: 'disconnected', reason: 'device-lost', atMs: d.now });
  if (d.s.phase === 'ringing' && d.s.ringing?.declined !== true) d.emit({ type: 'ring-stopped', reason: 'device-lost', atMs: d.now });
  d.cancelAll();
  d.media(false);
  d.seize(false);
  d.s.detector = resetRingDetector(d.s.detector);
  d.s.lineInUse = false;
  d.s.loop = 'unknown';
  d.s.reversed = undefined;
  d.s.ringing = undefined;
  d.s.pendingCallerId = undefined;
  d.s.dialing = undefined;
  d.s.direction = undefined;
  d.s.farEndAnswered = false;
  d.s.disconnectTone = undefined;
}
