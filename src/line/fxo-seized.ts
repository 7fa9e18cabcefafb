/**
 * The FXO line while off hook (fxo-line.ts holds the on-hook side): answering,
 * seizing and dialling out, disconnect supervision, and releasing.
 *
 * Disconnect supervision — how an analog line says the far end hung up. An FXO
 * port has no message for it, only signals, each optional in the network:
 * - Loop current drop (open switching interval, "calling party control"): the
 *   exchange removes battery for a few hundred ms. Only drops longer than
 *   `loopDropMs` count, so the 20–50 ms blips after seizing, at ring trip and
 *   while dialling are ignored (DAA loop-current detection: Si3050 LCS / CPC5622
 *   snoop; see fxo-config.ts for the numbers). A drop is timed only after loop
 *   current has been seen since the seize.
 * - Polarity reversal (`polarityReversal`): some exchanges and PBXs reverse the
 *   line on answer and/or on disconnect (Telcordia GR-506-CORE answer
 *   supervision; ETSI ES 203 021 polarity reversal). Ignored while settling
 *   after an answer, and by default.
 * - Tones: busy or reorder (congestion) after the far end hangs up, on lines
 *   with neither of the above. They must persist for `toneDisconnectMs`; silence
 *   (a tone's off phase as the classifier sees it) does not break the run,
 *   speech, ringback or another tone does.
 */
import type { FxoDraft } from './fxo-draft.js';
import { resetRingDetector } from './ring-detector.js';
import type { DisconnectReason, FxoPhase, LineTone } from './fxo-types.js';

const SEIZED_PHASES: readonly FxoPhase[] = ['seized-incoming', 'seizing-outgoing', 'dialing', 'connected'];

export function isSeizedPhase(phase: FxoPhase): boolean {
  return SEIZED_PHASES.includes(phase);
}

/** Characters a dial string may hold: DTMF digits and ',' (a pause). Lower-case a-d are accepted. */
const DIAL_STRING = /^[0-9*#A-Da-d,]*$/;

/** The dial string normalised (upper case), or undefined when it holds anything else. */
export function normaliseDialString(digits: string): string | undefined {
  return DIAL_STRING.test(digits) ? digits.toUpperCase() : undefined;
}

/** Off hook: the ring detector is reset (ring trip remnants are not rings) and loop current is unknown until reported. */
function goOffHook(d: FxoDraft): void {
  d.seize(true);
  d.s.loop = 'unknown';
  d.s.detector = resetRingDetector(d.s.detector);
  d.s.disconnectTone = undefined;
  d.s.farEndAnswered = false;
}

/** ringing → seized-incoming: take the call. */
export function answer(d: FxoDraft): void {
  d.cancel('ring-stopped');
  goOffHook(d);
  d.media(true);
  d.s.phase = 'seized-incoming';
  d.s.direction = 'incoming';
  if (d.s.ringing !== undefined) d.s.ringing = { ...d.s.ringing, declined: false };
  d.emit({ type: 'answered', atMs: d.now });
  d.arm('answer-settle', d.now + d.s.config.answerSettleMs);
}

/** idle → seizing-outgoing: seize, then wait for dial tone (or the blind-dial delay). */
export function seizeForDial(d: FxoDraft, digits: string): void {
  goOffHook(d);
  d.s.phase = 'seizing-outgoing';
  d.s.direction = 'outgoing';
  d.s.dialing = { digits, sent: 0 };
  const c = d.s.config;
  d.arm('dial-tone', d.now + (c.dialToneDetection ? c.dialToneTimeoutMs : c.blindDialDelayMs));
}

/**
 * dialing: sends the next digit, one `dtmf` action per digit so that a hangup
 * stops the dialling between digits and ',' can pause; then the call is up.
 */
export function sendNextDigit(d: FxoDraft): void {
  const dialing = d.s.dialing;
  if (dialing === undefined) return;
  d.s.phase = 'dialing';
  const c = d.s.config;
  const ch = dialing.digits[dialing.sent];
  if (ch === undefined) {
    d.s.dialing = undefined;
    d.emit({ type: 'dialed', digits: dialing.digits, atMs: d.now });
    d.media(true);
    d.s.phase = 'connected';
    d.emit({ type: 'connected', direction: 'outgoing', atMs: d.now });
    return;
  }
  d.s.dialing = { digits: dialing.digits, sent: dialing.sent + 1 };
  if (ch === ',') {
    d.arm('digit', d.now + c.commaPauseMs);
    return;
  }
  d.actions.push({ type: 'dtmf', digits: ch, toneMs: c.dtmf.toneMs, pauseMs: c.dtmf.pauseMs });
  d.arm('digit', d.now + c.dtmf.toneMs + c.dtmf.pauseMs);
}

/** Back on hook: media off, seize off, every call timer cancelled; not seized again for `releaseGuardMs`. */
export function release(d: FxoDraft): void {
  d.cancelAll('ring-detector');
  d.media(false);
  d.seize(false);
  d.s.phase = 'releasing';
  d.s.loop = 'unknown';
  d.s.ringing = undefined;
  d.s.dialing = undefined;
  d.s.direction = undefined;
  d.s.disconnectTone = undefined;
  d.s.farEndAnswered = false;
  d.arm('release-guard', d.now + d.s.config.releaseGuardMs);
}

export function disconnect(d: FxoDraft, reason: DisconnectReason): void {
  d.emit({ type: 'disconnected', reason, atMs: d.now });
  release(d);
}

export function onLoopCurrent(d: FxoDraft, present: boolean): void {
  if (!d.s.config.loopCurrentDetect || !isSeizedPhase(d.s.phase)) return;
  if (present) {
    d.s.loop = 'present';
    d.cancel('loop-drop');
    return;
  }
  if (d.s.loop === 'present') d.arm('loop-drop', d.now + d.s.config.loopDropMs);
  d.s.loop = 'absent';
}

export function onPolarity(d: FxoDraft, reversed: boolean): void {
  const before = d.s.reversed;
  d.s.reversed = reversed;
  if (before === undefined || before === reversed) return;
  const policy = d.s.config.polarityReversal;
  if (policy === 'ignore' || d.s.phase !== 'connected') return;
  if (policy === 'answer-and-disconnect' && d.s.direction === 'outgoing' && !d.s.farEndAnswered) {
    d.s.farEndAnswered = true;
    d.emit({ type: 'far-end-answered', atMs: d.now });
    return;
  }
  disconnect(d, 'polarity-reversal');
}

export function onLineTone(d: FxoDraft, tone: LineTone): void {
  const c = d.s.config;
  if (d.s.phase === 'seizing-outgoing') {
    if (c.dialToneDetection && tone === 'dial') {
      d.cancel('dial-tone');
      sendNextDigit(d);
    }
    return;
  }
  if (d.s.phase !== 'connected' && d.s.phase !== 'seized-incoming') return;
  if (tone === 'silence') return;
  const kind = tone === 'busy' || tone === 'reorder' || tone === 'dial' ? tone : undefined;
  if (kind !== undefined && c.disconnectTones.includes(kind)) {
    if (d.s.disconnectTone === undefined) d.arm('tone-disconnect', d.now + c.toneDisconnectMs);
    d.s.disconnectTone = kind;
    return;
  }
  d.cancel('tone-disconnect');
  d.s.disconnectTone = undefined;
}

const TONE_REASON: Record<'busy' | 'reorder' | 'dial', DisconnectReason> = { busy: 'busy-tone', reorder: 'reorder-tone', dial: 'dial-tone' };

/** Timers of the off-hook phases; the caller has checked the timer is live. */
export function onSeizedTimer(d: FxoDraft, name: 'answer-settle' | 'dial-tone' | 'digit' | 'loop-drop' | 'tone-disconnect'): void {
  const phase = d.s.phase;
  switch (name) {
    case 'answer-settle':
      if (phase !== 'seized-incoming') return;
      d.s.phase = 'connected';
      d.emit({ type: 'connected', direction: 'incoming', atMs: d.now });
      return;
    case 'dial-tone':
      if (phase !== 'seizing-outgoing') return;
      if (d.s.config.dialToneDetection) {
        d.emit({ type: 'dial-tone-missing', atMs: d.now });
        release(d);
      } else {
        sendNextDigit(d);
      }
      return;
    case 'digit':
      if (phase === 'dialing') sendNextDigit(d);
      return;
    case 'loop-drop':
      if (isSeizedPhase(phase) && d.s.loop === 'absent') disconnect(d, 'loop-current-drop');
      return;
    case 'tone-disconnect': {
      const tone = d.s.disconnectTone;
      if ((phase === 'connected' || phase === 'seized-incoming') && tone !== undefined) disconnect(d, TONE_REASON[tone]);
      return;
    }
  }
}

