/**
 * Tests a person runs on a phone port from the web page's diagnostics (docs/api.md):
 *
 * - ring:     the phone rings as "Dialtone test" until answered or `seconds` pass;
 *             picked up, it gets dial tone (the ringer and the hook switch work).
 * - tone:     an off-hook phone at dial tone hears a call-progress tone of the region,
 *             or the 1004 Hz test tone at −13 dBm0, for `seconds`, then dial tone again.
 * - loopback: an off-hook phone hears its own microphone through G.711 µ-law (encode
 *             and decode, as a call would) for 10 s: the audio path both ways.
 * - call-me:  the phone rings as "Dialtone test"; answered, it hears an announcement,
 *             then itself (as loopback) for 10 s, and the box hangs up.
 *
 * A test owns its port while it runs: the router treats the port as busy and hands
 * the port's events here first. Hanging up ends a test at once.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import { muLawDecode, muLawEncode } from '../../audio/g711/mulaw.js';
import { ToneGenerator } from '../../audio/tones/generator.js';
import type { ToneSpec } from '../../audio/tones/types.js';
import type { Clock, Timer } from '../clock.js';
import { DialtoneError, toError } from '../errors.js';
import type { FxsLineEvent } from '../line/fxs-types.js';
import type { FxsPort } from '../line/fxs-port.js';
import type { RegionProfile } from '../line/types.js';
import type { Logger } from '../log.js';
import { loadPrompt, promptFrames } from './announcement.js';

export const DIAGNOSTIC_TONES = ['dial', 'ringback', 'busy', 'reorder', 'test'] as const;
export type DiagnosticTone = (typeof DIAGNOSTIC_TONES)[number];
export type DiagnosticKind = 'ring' | 'tone' | 'loopback' | 'call-me';

/** The test tone of telephone engineering: 1004 Hz at −13 dBm0, continuous. */
export const TEST_TONE: ToneSpec = { frequencies: [1004], levelDbm0: -13, cadence: [], repeat: false };
export const ECHO_SECONDS = 10;
const TEST_CALLER: CallerIdInfo = { name: 'Dialtone test' };

/** Why a test cannot start: the port is unknown (404) or not in a state for it (409). */
export class DiagnosticRefused extends DialtoneError {
  constructor(readonly status: 404 | 409, message: string, context: Record<string, unknown> = {}) {
    super('diagnostic_refused', message, context);
  }
}

export interface DiagnosticDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly profile: RegionProfile;
  readonly fxs: ReadonlyMap<number, FxsPort>;
  /** Whether a call has the port (a test may not take it). */
  hasCall(line: FxsPort): boolean;
}

interface Running {
  readonly kind: DiagnosticKind;
  readonly line: FxsPort;
  phase: 'ringing' | 'playing';
  stop(reason: 'done' | 'hung-up' | 'closed'): void;
}

export class DiagnosticCalls {
  private readonly running = new Map<number, Running>();

  constructor(private readonly deps: DiagnosticDeps) {}

  /** Whether a test has this port. */
  has(line: FxsPort): boolean {
    return this.running.has(line.port);
  }

  /** Which tests run now, by port. */
  active(): { port: number; kind: DiagnosticKind }[] {
    return [...this.running.values()].map((r) => ({ port: r.line.port, kind: r.kind }));
  }

  ring(port: number, seconds: number): void {
    const line = this.idleOnHook(port);
    this.startRinging('ring', line, seconds, () => {
      // Picked up: the test worked; the phone gets its dial tone back.
      line.command({ type: 'release' });
      this.finish(line);
    });
  }

  callMe(port: number): void {
    const line = this.idleOnHook(port);
    const prompt = loadPrompt('test-call');
    this.startRinging('call-me', line, 60, (run) => {
      run.phase = 'playing';
      const next = promptFrames(prompt, line.callAudio.frameSamples);
      let echoFrames = Math.round((ECHO_SECONDS * line.callAudio.sampleRate) / line.callAudio.frameSamples);
      const off = line.callAudio.onFrame((captured) => this.guard(line, () => {
        const frame = next();
        if (frame !== undefined) return line.callAudio.write(frame);
        if (echoFrames-- > 0) return line.callAudio.write(throughG711(captured));
        done('done');
      }));
      const done = (reason: 'done' | 'hung-up' | 'closed'): void => {
        off();
        if (reason === 'done') line.command({ type: 'far-end-hangup' });
        this.finish(line);
      };
      run.stop = done;
    });
  }

  tone(port: number, tone: DiagnosticTone, seconds: number): void {
    const line = this.offHookAtDialTone(port);
    const generator = new ToneGenerator(tone === 'test' ? TEST_TONE : this.deps.profile.tones[tone], { sampleRate: line.callAudio.sampleRate });
    this.play('tone', line, seconds, () => generator.next(new Int16Array(line.callAudio.frameSamples)));
  }

  loopback(port: number): void {
    const line = this.offHookAtDialTone(port);
    this.play('loopback', line, ECHO_SECONDS, (captured) => throughG711(captured));
  }

  /** The port's event, when a test has the port (then the router ignores it). */
  onEvent(line: FxsPort, e: FxsLineEvent): boolean {
    const run = this.running.get(line.port);
    if (run === undefined || run.line !== line) return false;
    if (e.type === 'answered' && run.phase === 'ringing') this.answered.get(line.port)?.(run);
    else if (e.type === 'hung-up' || e.type === 'abandoned') run.stop('hung-up');
    return true;
  }

  /** Ends every test (the lines are being rebuilt or stopped). */
  stop(): void {
    for (const run of [...this.running.values()]) run.stop('closed');
  }

  // ---------------------------------------------------------------------------------

  private readonly answered = new Map<number, (run: Running) => void>();
  private readonly timers = new Map<number, Timer>();

  private startRinging(kind: DiagnosticKind, line: FxsPort, seconds: number, onAnswer: (run: Running) => void): void {
    const run: Running = {
      kind, line, phase: 'ringing',
      stop: (reason) => {
        if (reason !== 'hung-up') line.command({ type: 'stop-ring' });
        this.finish(line);
      },
    };
    this.begin(run, seconds, () => run.stop('done'));
    this.answered.set(line.port, (r) => {
      this.clearTimer(line);
      onAnswer(r);
    });
    line.command({ type: 'ring', callerId: TEST_CALLER });
  }

  /** Takes the line from dial tone into a "call" whose audio `source` makes, one frame per captured frame. */
  private play(kind: DiagnosticKind, line: FxsPort, seconds: number, source: (captured: Int16Array) => Int16Array): void {
    const run: Running = { kind, line, phase: 'playing', stop: () => {} };
    let off = (): void => {};
    run.stop = (reason) => {
      off();
      if (reason === 'done') line.command({ type: 'release' });
      this.finish(line);
    };
    this.begin(run, seconds, () => run.stop('done'));
    line.command({ type: 'connected' });
    off = line.callAudio.onFrame((captured) => this.guard(line, () => line.callAudio.write(source(captured))));
  }

  private begin(run: Running, seconds: number, timeout: () => void): void {
    this.running.set(run.line.port, run);
    this.timers.set(run.line.port, this.deps.clock.setTimer(seconds * 1000, timeout));
    this.deps.log.info('diagnostic test started', { port: run.line.port, test: run.kind, seconds });
  }

  private finish(line: FxsPort): void {
    const run = this.running.get(line.port);
    if (run === undefined) return;
    this.clearTimer(line);
    this.running.delete(line.port);
    this.answered.delete(line.port);
    this.deps.log.info('diagnostic test ended', { port: line.port, test: run.kind });
  }

  private clearTimer(line: FxsPort): void {
    const t = this.timers.get(line.port);
    if (t !== undefined) this.deps.clock.cancelTimer(t);
    this.timers.delete(line.port);
  }

  private guard(line: FxsPort, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.log.error('diagnostic test failed', { port: line.port, err: toError(err).message });
      this.running.get(line.port)?.stop('done');
    }
  }

  private line(port: number): FxsPort {
    const line = this.deps.fxs.get(port);
    if (line === undefined) throw new DiagnosticRefused(404, `no phone port ${port}`, { port });
    if (this.running.has(port)) throw new DiagnosticRefused(409, `a test is already running on port ${port}`, { port });
    if (this.deps.hasCall(line)) throw new DiagnosticRefused(409, `port ${port} is in a call`, { port });
    return line;
  }

  private idleOnHook(port: number): FxsPort {
    const line = this.line(port);
    const s = line.status();
    if (s.offHook || s.phase !== 'idle') throw new DiagnosticRefused(409, `the phone on port ${port} is off hook: hang it up first`, { port });
    return line;
  }

  private offHookAtDialTone(port: number): FxsPort {
    const line = this.line(port);
    const s = line.status();
    if (!s.offHook) throw new DiagnosticRefused(409, `pick up the phone on port ${port} first`, { port });
    if (s.phase !== 'dialing' || (s.digits ?? '') !== '') throw new DiagnosticRefused(409, `the phone on port ${port} must be at dial tone`, { port });
    return line;
  }
}

/** A frame as the far end of a G.711 µ-law call would hear it. */
function throughG711(frame: Int16Array): Int16Array {
  return muLawDecode(muLawEncode(frame));
}
