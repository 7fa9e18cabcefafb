/**
 * The AT-command conversation with a voice modem, as a pure state machine:
 * `sessionStep(state, event) -> { state, actions }`, time carried in the events
 * (`atMs`), no timers or I/O. The board (modem-board.ts) feeds it the modem's
 * lines and shielded codes, the line's commands and a `tick` at
 * `sessionDeadline(state)`, and carries out the actions (bytes to send, rings,
 * caller ID, the voice stream starting and stopping, loop current, loss).
 *
 * Flow (one command outstanding at a time; a job is a queue of commands):
 *   start ─▶ init: ATZ, ATE0, AT+FCLASS=? (must list 8), AT+FCLASS=8, AT+VCID=1,
 *            ATI, AT+GMI, AT+GMM (AT+FMI?/FMM? when those fail), AT+VSM=?, AT+VTR=?
 *         ─▶ ready (idle: RING and caller-ID lines are reported)
 *   seize ─▶ connect: AT+FCLASS=8, AT+VSM=<µ-law…>,8000, AT+VLS=1, then AT+VTR
 *            (full duplex) or AT+VRX / AT+VTX ─CONNECT─▶ voice stream, loop present
 *   direction (half duplex) ─▶ switch: end the stream, AT+VRX / AT+VTX
 *   dial ─▶ (end the stream), ATDT<digits>;, restart the stream
 *   release ─▶ hangup: <DLE>! (receive, duplex) or <DLE><ETX> (transmit), ATH
 * What the line asks for is kept as `want` and reconciled after each job, so
 * commands are idempotent and may come at any time (during init, mid-job).
 *
 * Errors: a command with no final answer within `commandTimeoutMs` (ATZ:
 * `resetTimeoutMs`) is sent again up to `retries` times, then the modem is lost.
 * ERROR to a required init command is retried the same way (a modem without
 * voice class 8 is reported lost: it cannot serve). AT+VTR refused at answer
 * time falls back to half duplex. A failed seizure reports the loop as absent
 * so the line gives up and releases. Busy, hang-up and dial-tone codes,
 * NO CARRIER and BUSY while off hook report the loop current dropping.
 */
import { CallerIdCollector, identityText, parseClasses, parseResponseLine, parseVoiceFormats, pickVoiceFormat } from './at-responses.js';
import { DLE_ABORT, DLE_END, type ShieldedMeaning } from './dle-codec.js';
import { SESSION_DEFAULTS, type ModemInfo, type Purpose, type SessionCommand, type SessionConfig, type SessionEvent, type SessionAction, type SessionResult, type SessionState, type StreamMode } from './session-types.js';

export * from './session-types.js';

const NO_INFO: ModemInfo = { identity: {}, classes: [], formats: [], format: undefined, fullDuplex: false };

export function createSession(config: Partial<SessionConfig> = {}): SessionState {
  return {
    config: { ...SESSION_DEFAULTS, ...config },
    phase: 'stopped',
    job: undefined,
    queue: [],
    pending: undefined,
    offHook: false,
    stream: 'none',
    connected: false,
    incoming: false,
    want: { offHook: false, direction: 'receive', dial: undefined },
    info: NO_INFO,
    cid: [],
    cidDeadline: undefined,
    lastRingAtMs: undefined,
  };
}

/** When `tick` must next come, or undefined. */
export function sessionDeadline(s: SessionState): number | undefined {
  const p = s.pending;
  const cmd = p === undefined ? undefined : p.sentAtMs + (p.command.purpose === 'reset' ? s.config.resetTimeoutMs : s.config.commandTimeoutMs);
  if (cmd === undefined) return s.cidDeadline;
  return s.cidDeadline === undefined ? cmd : Math.min(cmd, s.cidDeadline);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface Draft {
  s: Mutable<SessionState>;
  out: SessionAction[];
  now: number;
}

export function sessionStep(state: SessionState, event: SessionEvent): SessionResult {
  const d: Draft = { s: { ...state }, out: [], now: event.atMs };
  handle(d, event);
  return { state: d.s, actions: d.out };
}

function cmd(purpose: Purpose, text: string, opts: Partial<Pick<SessionCommand, 'expect' | 'optional' | 'stream' | 'raw'>> = {}): SessionCommand {
  return { purpose, text, expect: opts.expect ?? 'ok', optional: opts.optional ?? false, ...(opts.raw === undefined ? {} : { raw: opts.raw }), ...(opts.stream === undefined ? {} : { stream: opts.stream }) };
}

function initCommands(c: SessionConfig): SessionCommand[] {
  return [
    cmd('reset', 'ATZ'),
    cmd('echo-off', 'ATE0'),
    cmd('classes', 'AT+FCLASS=?'),
    cmd('voice-class', 'AT+FCLASS=8'),
    cmd('caller-id', `AT+VCID=${c.callerIdMode}`, { optional: true }),
    cmd('ati', 'ATI', { optional: true }),
    cmd('gmi', 'AT+GMI', { optional: true }),
    cmd('gmm', 'AT+GMM', { optional: true }),
    cmd('formats', 'AT+VSM=?', { optional: true }),
    cmd('duplex-probe', 'AT+VTR=?', { optional: true }),
  ];
}

function handle(d: Draft, e: SessionEvent): void {
  const s = d.s;
  switch (e.type) {
    case 'start':
      reset(d, 'init');
      s.want = { offHook: false, direction: 'receive', dial: undefined };
      s.info = NO_INFO;
      s.job = 'init';
      s.queue = initCommands(s.config);
      sendNext(d);
      return;
    case 'transport-lost':
      if (s.phase === 'lost' || s.phase === 'stopped') return;
      lose(d, e.reason);
      return;
    case 'line':
      if (s.phase === 'init' || s.phase === 'ready') onLine(d, e.text);
      return;
    case 'code':
      if (s.phase === 'init' || s.phase === 'ready') onCode(d, e.code, e.meaning);
      return;
    case 'stream-end':
      if (s.stream !== 'none') setStream(d, 'none');
      return;
    case 'tick':
      onTick(d);
      return;
    case 'seize':
      s.want = { offHook: e.seized, direction: e.direction ?? s.want.direction, dial: e.seized ? s.want.dial : undefined };
      reconcile(d);
      return;
    case 'direction':
      s.want = { ...s.want, direction: e.direction };
      reconcile(d);
      return;
    case 'dial':
      s.want = { ...s.want, offHook: true, dial: e.digits };
      reconcile(d);
      return;
  }
}

function reset(d: Draft, phase: SessionState['phase']): void {
  const s = d.s;
  if (s.stream !== 'none') d.out.push({ type: 'stream', mode: 'none', format: s.info.format });
  Object.assign(s, { phase, job: undefined, queue: [], pending: undefined, offHook: false, stream: 'none', connected: false, incoming: false, cid: [], cidDeadline: undefined });
}

function lose(d: Draft, reason: string): void {
  reset(d, 'lost');
  d.out.push({ type: 'lost', reason });
}

function send(d: Draft, c: SessionCommand, attempts: number): void {
  d.s.pending = { command: c, sentAtMs: d.now, attempts, lines: [] };
  if (c.raw !== undefined) {
    // Ending the stream: the board stops sending audio before the DLE sequence goes out.
    if (c.purpose === 'stop-stream') setStream(d, 'none');
    d.out.push({ type: 'send', bytes: c.raw, what: c.text });
  } else {
    d.out.push({ type: 'send', bytes: Buffer.from(`${c.text}\r`, 'latin1'), what: c.text });
  }
}

function sendNext(d: Draft): void {
  const s = d.s;
  if (s.pending !== undefined) return;
  const [next, ...rest] = s.queue;
  if (next !== undefined) {
    s.queue = rest;
    send(d, next, 1);
    return;
  }
  const job = s.job;
  s.job = undefined;
  if (job === 'init') {
    s.phase = 'ready';
    d.out.push({ type: 'ready', info: s.info });
  }
  reconcile(d);
}

function streamCommand(s: SessionState): SessionCommand {
  if (s.info.fullDuplex) return cmd('stream', 'AT+VTR', { expect: 'connect', stream: 'duplex' });
  return s.want.direction === 'receive' ? cmd('stream', 'AT+VRX', { expect: 'connect', stream: 'receive' }) : cmd('stream', 'AT+VTX', { expect: 'connect', stream: 'transmit' });
}

function stopStream(s: SessionState): SessionCommand[] {
  if (s.stream === 'none') return [];
  return [s.stream === 'transmit' ? cmd('stop-stream', '<DLE><ETX>', { raw: DLE_END, optional: true }) : cmd('stop-stream', '<DLE>!', { raw: DLE_ABORT, optional: true })];
}

/** Starts the job that brings the modem to what the line wants, when idle. */
function reconcile(d: Draft): void {
  const s = d.s;
  if (s.phase !== 'ready' || s.job !== undefined || s.pending !== undefined) return;
  const w = s.want;
  const voiceSetup = [cmd('voice-class', 'AT+FCLASS=8'), ...(s.info.format === undefined ? [] : [cmd('format', `AT+VSM=${s.info.format.code},8000`, { optional: true })])];
  let job: SessionState['job'];
  let queue: SessionCommand[];
  if (w.offHook && w.dial !== undefined) {
    job = 'dial';
    queue = [...(s.offHook ? stopStream(s) : voiceSetup), cmd('dial', `ATDT${w.dial};`), streamCommand(s)];
  } else if (w.offHook && !s.offHook) {
    job = 'connect';
    s.incoming = s.lastRingAtMs !== undefined && d.now - s.lastRingAtMs <= s.config.answerWindowMs;
    queue = [...voiceSetup, cmd('off-hook', 'AT+VLS=1'), streamCommand(s)];
  } else if (w.offHook && !s.info.fullDuplex && (s.stream === 'receive' || s.stream === 'transmit') && s.stream !== w.direction) {
    job = 'switch';
    queue = [...stopStream(s), streamCommand(s)];
  } else if (!w.offHook && (s.offHook || s.stream !== 'none')) {
    job = 'hangup';
    queue = [...stopStream(s), cmd('on-hook', 'ATH')];
  } else {
    return;
  }
  s.job = job;
  s.queue = queue;
  sendNext(d);
}

function setStream(d: Draft, mode: StreamMode): void {
  if (d.s.stream === mode) return;
  d.s.stream = mode;
  d.out.push({ type: 'stream', mode, format: d.s.info.format });
}

function dropLoop(d: Draft, why: string): void {
  if (!d.s.offHook || !d.s.connected) return;
  d.s.connected = false;
  d.out.push({ type: 'notice', level: 'info', msg: 'the far end hung up', fields: { signal: why } });
  d.out.push({ type: 'loop', present: false });
}

function ring(d: Draft, detail: string): void {
  if (d.s.offHook || d.s.want.offHook) return;
  flushCallerId(d);
  d.s.lastRingAtMs = d.now;
  d.out.push({ type: 'ring', detail });
}

function flushCallerId(d: Draft): void {
  const s = d.s;
  if (s.cid.length === 0) return;
  const collector = new CallerIdCollector();
  for (const f of s.cid) collector.add(f.field, f.value);
  s.cid = [];
  s.cidDeadline = undefined;
  for (const p of collector.problems) d.out.push({ type: 'notice', level: 'warn', msg: 'undecodable caller ID from the modem', fields: { detail: p } });
  const info = collector.take();
  if (info !== undefined) d.out.push({ type: 'caller-id', info });
}

function onLine(d: Draft, text: string): void {
  const s = d.s;
  const r = parseResponseLine(text);
  if (r.kind === 'caller-id') {
    if (s.offHook) return;
    s.cid = [...s.cid, { field: r.field, value: r.value }];
    s.cidDeadline = d.now + s.config.callerIdSettleMs;
    return;
  }
  if (r.kind === 'result' && r.code === 'RING') return ring(d, r.detail);
  flushCallerId(d);
  const p = s.pending;
  if (r.kind === 'info') {
    if (p === undefined) d.out.push({ type: 'notice', level: 'debug', msg: 'unsolicited modem output', fields: { text } });
    else if (text.toUpperCase() !== p.command.text.toUpperCase()) s.pending = { ...p, lines: [...p.lines, r.text] };
    return;
  }
  switch (r.code) {
    case 'OK':
    case 'VCON':
      if (p?.command.expect === 'ok') complete(d, true);
      return;
    case 'CONNECT':
      if (p?.command.expect === 'connect') complete(d, true);
      return;
    case 'ERROR':
      if (p !== undefined) complete(d, false);
      return;
    default:
      // NO CARRIER, BUSY, NO DIALTONE, NO ANSWER.
      dropLoop(d, r.code);
      if (p !== undefined && (p.command.purpose === 'dial' || p.command.purpose === 'stream' || p.command.purpose === 'off-hook')) complete(d, false);
      else if (p?.command.purpose === 'stop-stream' || p?.command.purpose === 'on-hook') complete(d, true);
  }
}

function onCode(d: Draft, code: string, meaning: ShieldedMeaning): void {
  switch (meaning) {
    case 'dtmf':
      d.out.push({ type: 'dtmf', digit: code });
      return;
    case 'ring':
      ring(d, '');
      return;
    case 'busy':
    case 'hangup':
      dropLoop(d, meaning);
      return;
    case 'dial-tone':
      if (d.s.incoming) dropLoop(d, meaning);
      return;
    default:
      d.out.push({ type: 'notice', level: 'debug', msg: 'modem event', fields: { code, meaning } });
  }
}

function onTick(d: Draft): void {
  const s = d.s;
  if (s.cidDeadline !== undefined && d.now >= s.cidDeadline) flushCallerId(d);
  const p = s.pending;
  if (p === undefined || s.phase === 'lost') return;
  const limit = p.command.purpose === 'reset' ? s.config.resetTimeoutMs : s.config.commandTimeoutMs;
  if (d.now < p.sentAtMs + limit) return;
  // The stream is over either way: a modem that does not confirm its end is not lost for it.
  if (p.command.purpose === 'stop-stream') return complete(d, true);
  if (p.attempts <= s.config.retries) {
    d.out.push({ type: 'notice', level: 'warn', msg: 'no answer from the modem; sending the command again', fields: { command: p.command.text, attempt: p.attempts + 1 } });
    send(d, p.command, p.attempts + 1);
    return;
  }
  lose(d, `no answer to ${p.command.text} after ${p.attempts} tries`);
}

/** The final answer to the outstanding command: OK (CONNECT, VCON) or a failure. */
function complete(d: Draft, ok: boolean): void {
  const s = d.s;
  const p = s.pending;
  if (p === undefined) return;
  const c = p.command;
  s.pending = undefined;
  if (!ok && !c.optional && s.job === 'init') {
    if (p.attempts <= s.config.retries) return send(d, c, p.attempts + 1);
    return lose(d, `the modem refused ${c.text}`);
  }
  const info = s.info;
  switch (c.purpose) {
    case 'classes': {
      const classes = parseClasses(p.lines);
      s.info = { ...info, classes };
      if (!classes.includes('8')) return lose(d, `not a voice modem (AT+FCLASS=? lists ${classes.join(',') || 'nothing'})`);
      break;
    }
    case 'ati':
      s.info = { ...info, identity: { ...info.identity, product: ok ? identityText(p.lines) : undefined } };
      break;
    case 'gmi':
    case 'fmi': {
      const manufacturer = ok ? identityText(p.lines) : undefined;
      s.info = { ...info, identity: { ...info.identity, manufacturer } };
      if (manufacturer === undefined && c.purpose === 'gmi') s.queue = [cmd('fmi', 'AT+FMI?', { optional: true }), ...s.queue];
      break;
    }
    case 'gmm':
    case 'fmm': {
      const model = ok ? identityText(p.lines) : undefined;
      s.info = { ...info, identity: { ...info.identity, model } };
      if (model === undefined && c.purpose === 'gmm') s.queue = [cmd('fmm', 'AT+FMM?', { optional: true }), ...s.queue];
      break;
    }
    case 'formats': {
      const formats = ok ? parseVoiceFormats(p.lines) : [];
      s.info = { ...info, formats, format: pickVoiceFormat(formats) };
      break;
    }
    case 'duplex-probe':
      s.info = { ...info, fullDuplex: ok };
      break;
    case 'off-hook':
    case 'dial':
      if (!ok) return abortCall(d, `the modem refused ${c.text}`);
      s.offHook = true;
      if (c.purpose === 'dial') s.want = { ...s.want, dial: undefined };
      break;
    case 'stream':
      if (!ok && c.stream === 'duplex') {
        d.out.push({ type: 'notice', level: 'warn', msg: 'AT+VTR refused: falling back to half duplex' });
        s.info = { ...info, fullDuplex: false };
        s.queue = [streamCommand(s), ...s.queue];
        break;
      }
      if (!ok) return abortCall(d, `the modem refused ${c.text}`);
      setStream(d, c.stream ?? 'none');
      if (!s.connected) {
        s.connected = true;
        d.out.push({ type: 'loop', present: true });
      }
      break;
    case 'on-hook':
      s.offHook = false;
      s.connected = false;
      setStream(d, 'none');
      break;
    default:
      break;
  }
  sendNext(d);
}

/** A seizure or dial that failed: the job ends and the line hears the loop as absent (it then releases). */
function abortCall(d: Draft, why: string): void {
  const s = d.s;
  d.out.push({ type: 'notice', level: 'warn', msg: why });
  s.queue = [];
  s.job = undefined;
  s.want = { ...s.want, dial: undefined };
  s.connected = false;
  d.out.push({ type: 'loop', present: false });
  // Nothing is reconciled until the line releases (else the same seizure would be tried again at once).
  if (!s.offHook) s.offHook = true;
}
