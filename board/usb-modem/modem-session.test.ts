/** Tests of modem-session.ts with a FakeClock: init, identification, duplex detection, answer, hang-up, timeouts and retries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock.js';
import { createSession, sessionDeadline, sessionStep, type SessionAction, type SessionConfig, type SessionEvent, type SessionState } from './modem-session.js';

/** A session event without its time (the run stamps it). */
type EventIn = { [K in SessionEvent['type']]: Omit<Extract<SessionEvent, { type: K }>, 'atMs'> }[SessionEvent['type']];

/** Runs the session on a FakeClock; `answers` maps a command to the modem's lines (undefined: no answer). */
class Run {
  readonly clock = new FakeClock();
  s: SessionState;
  readonly actions: SessionAction[] = [];
  readonly sent: string[] = [];
  private timer: ReturnType<FakeClock['setTimer']> | undefined;

  constructor(
    readonly answers: (cmd: string) => string[] | undefined,
    config: Partial<SessionConfig> = {},
  ) {
    this.s = createSession(config);
  }

  feed(e: EventIn): void {
    const r = sessionStep(this.s, { ...e, atMs: this.clock.now() });
    this.s = r.state;
    const replies: string[] = [];
    for (const a of r.actions) {
      this.actions.push(a);
      if (a.type === 'send') {
        this.sent.push(a.what);
        replies.push(...(this.answers(a.what) ?? []));
      }
    }
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    const due = sessionDeadline(this.s);
    this.timer = due === undefined ? undefined : this.clock.setTimer(due - this.clock.now(), () => this.feed({ type: 'tick' }));
    for (const text of replies) this.feed({ type: 'line', text });
  }

  of<T extends SessionAction['type']>(type: T): Extract<SessionAction, { type: T }>[] {
    return this.actions.filter((a): a is Extract<SessionAction, { type: T }> => a.type === type);
  }
}

function cx93001(cmd: string): string[] | undefined {
  const table: Record<string, string[]> = {
    'AT+FCLASS=?': ['0,1,1.0,2,2.0,8', 'OK'],
    ATI: ['56000', 'OK'],
    'AT+GMI': ['CONEXANT', 'OK'],
    'AT+GMM': ['CX93001-EIS_V0.2002-V92', 'OK'],
    'AT+VSM=?': ['128,"8-BIT LINEAR",(7200,8000,11025)', '131,"8-BIT ULAW",(8000)', 'OK'],
    'AT+VTR': ['CONNECT'],
    'AT+VRX': ['CONNECT'],
    'AT+VTX': ['CONNECT'],
  };
  // The end of a stream is answered by the test itself.
  if (cmd.startsWith('<DLE>')) return undefined;
  return table[cmd] ?? [cmd === 'ATZ' ? 'ATZ' : 'OK'].concat(cmd === 'ATZ' ? ['OK'] : []);
}

function halfDuplex(cmd: string): string[] | undefined {
  if (cmd === 'AT+VTR=?' || cmd === 'AT+GMI' || cmd === 'AT+GMM') return ['ERROR'];
  if (cmd === 'AT+FMI?') return ['U.S. Robotics', 'OK'];
  if (cmd === 'AT+FMM?') return ['USR5637', 'OK'];
  return cx93001(cmd);
}

const INIT = ['ATZ', 'ATE0', 'AT+FCLASS=?', 'AT+FCLASS=8', 'AT+VCID=1', 'ATI', 'AT+GMI', 'AT+GMM', 'AT+VSM=?', 'AT+VTR=?'];

test('init: the command sequence, identification, µ-law and full duplex found', () => {
  const r = new Run(cx93001);
  r.feed({ type: 'start' });
  assert.deepEqual(r.sent, INIT);
  assert.equal(r.s.phase, 'ready');
  const [ready] = r.of('ready');
  assert.deepEqual(ready?.info.identity, { product: '56000', manufacturer: 'CONEXANT', model: 'CX93001-EIS_V0.2002-V92' });
  assert.equal(ready?.info.fullDuplex, true);
  assert.deepEqual(ready?.info.format, { code: 131, encoding: 'mulaw' });
  assert.equal(sessionDeadline(r.s), undefined);
});

test('init: a half-duplex modem (AT+VTR=? refused), identity from AT+FMI?/FMM?', () => {
  const r = new Run(halfDuplex);
  r.feed({ type: 'start' });
  const [ready] = r.of('ready');
  assert.equal(ready?.info.fullDuplex, false);
  assert.deepEqual(ready?.info.identity, { product: '56000', manufacturer: 'U.S. Robotics', model: 'USR5637' });
  assert.ok(r.sent.includes('AT+FMI?') && r.sent.includes('AT+FMM?'));
});

test('a modem without voice class 8 is lost', () => {
  const r = new Run((c) => (c === 'AT+FCLASS=?' ? ['0,1,2', 'OK'] : ['OK']));
  r.feed({ type: 'start' });
  assert.equal(r.s.phase, 'lost');
  assert.match(r.of('lost')[0]?.reason ?? '', /not a voice modem/);
});

test('timeouts: a command is sent again, then the modem is declared lost', () => {
  let silent = false;
  const r = new Run((c) => (silent ? undefined : cx93001(c)), { commandTimeoutMs: 1000, retries: 2 });
  r.feed({ type: 'start' });
  silent = true;
  r.feed({ type: 'seize', seized: true, direction: 'receive' });
  assert.deepEqual(r.sent.slice(INIT.length), ['AT+FCLASS=8']);
  r.clock.advance(999);
  assert.equal(r.sent.length, INIT.length + 1);
  r.clock.advance(1);
  assert.equal(r.sent.length, INIT.length + 2);
  r.clock.advance(1000);
  assert.equal(r.s.phase, 'ready');
  r.clock.advance(1000);
  assert.equal(r.s.phase, 'lost');
  assert.deepEqual(r.of('lost').map((a) => a.reason), ['no answer to AT+FCLASS=8 after 3 tries']);
  assert.equal(sessionDeadline(r.s), undefined);
});

test('a late answer after a retry completes the command; ATZ has its own, longer timeout', () => {
  let quietOnce = true;
  const r = new Run((c) => {
    if (c === 'ATZ' && quietOnce) {
      quietOnce = false;
      return undefined;
    }
    return cx93001(c);
  }, { commandTimeoutMs: 1000, resetTimeoutMs: 4000 });
  r.feed({ type: 'start' });
  r.clock.advance(3999);
  assert.deepEqual(r.sent, ['ATZ']);
  r.clock.advance(1);
  assert.equal(r.s.phase, 'ready');
  assert.equal(r.sent.filter((c) => c === 'ATZ').length, 2);
});

test('ERROR to a required init command is retried, then lost', () => {
  const r = new Run((c) => (c === 'AT+FCLASS=8' ? ['ERROR'] : cx93001(c)), { retries: 1 });
  r.feed({ type: 'start' });
  assert.equal(r.sent.filter((c) => c === 'AT+FCLASS=8').length, 2);
  assert.equal(r.s.phase, 'lost');
});

test('RING and formatted caller ID: reported at the next RING or after the settle time', () => {
  const r = new Run(cx93001, { callerIdSettleMs: 300 });
  r.feed({ type: 'start' });
  r.feed({ type: 'line', text: 'RING' });
  for (const text of ['DATE = 0321', 'TIME = 1405', 'NMBR = 5551234567', 'NAME = SMITH JOHN']) r.feed({ type: 'line', text });
  assert.equal(r.of('caller-id').length, 0);
  r.clock.advance(300);
  assert.deepEqual(r.of('caller-id')[0]?.info, { number: '5551234567', name: 'SMITH JOHN', time: { month: 3, day: 21, hour: 14, minute: 5 } });
  r.feed({ type: 'line', text: 'NMBR = P' });
  r.feed({ type: 'line', text: 'RING' });
  assert.deepEqual(r.of('caller-id')[1]?.info, { numberAbsence: 'private' });
  assert.equal(r.of('ring').length, 2);
  r.feed({ type: 'code', code: 'R', meaning: 'ring' });
  assert.equal(r.of('ring').length, 3);
});

test('answer (full duplex): voice class, µ-law, off hook, AT+VTR, loop present; busy drops it; release hangs up', () => {
  const r = new Run(cx93001);
  r.feed({ type: 'start' });
  r.feed({ type: 'line', text: 'RING' });
  r.clock.advance(2000);
  r.feed({ type: 'seize', seized: true, direction: 'receive' });
  assert.deepEqual(r.sent.slice(INIT.length), ['AT+FCLASS=8', 'AT+VSM=131,8000', 'AT+VLS=1', 'AT+VTR']);
  assert.deepEqual(r.of('stream').map((a) => a.mode), ['duplex']);
  assert.deepEqual(r.of('loop').map((a) => a.present), [true]);
  r.feed({ type: 'seize', seized: true });
  assert.equal(r.sent.length, INIT.length + 4, 'idempotent');
  r.feed({ type: 'code', code: 'b', meaning: 'busy' });
  assert.deepEqual(r.of('loop').map((a) => a.present), [true, false]);
  r.feed({ type: 'seize', seized: false });
  assert.deepEqual(r.sent.slice(INIT.length + 4), ['<DLE>!']);
  r.feed({ type: 'stream-end' });
  r.feed({ type: 'line', text: 'OK' });
  assert.deepEqual(r.sent.slice(INIT.length + 4), ['<DLE>!', 'ATH']);
  assert.equal(r.s.offHook, false);
  assert.deepEqual(r.of('stream').map((a) => a.mode), ['duplex', 'none']);
});

test('half duplex: receive, switch to transmit and back, NO CARRIER drops the loop', () => {
  const r = new Run(halfDuplex);
  r.feed({ type: 'start' });
  const n = r.sent.length;
  r.feed({ type: 'seize', seized: true, direction: 'receive' });
  assert.deepEqual(r.sent.slice(n), ['AT+FCLASS=8', 'AT+VSM=131,8000', 'AT+VLS=1', 'AT+VRX']);
  r.feed({ type: 'direction', direction: 'transmit' });
  assert.deepEqual(r.sent.slice(n + 4), ['<DLE>!']);
  r.feed({ type: 'line', text: 'OK' });
  assert.deepEqual(r.sent.slice(n + 4), ['<DLE>!', 'AT+VTX']);
  r.feed({ type: 'direction', direction: 'receive' });
  r.feed({ type: 'line', text: 'OK' });
  assert.deepEqual(r.sent.slice(n + 6), ['<DLE><ETX>', 'AT+VRX']);
  assert.deepEqual(r.of('stream').map((a) => a.mode), ['receive', 'none', 'transmit', 'none', 'receive']);
  r.feed({ type: 'stream-end' });
  r.feed({ type: 'line', text: 'NO CARRIER' });
  assert.deepEqual(r.of('loop').map((a) => a.present), [true, false]);
});

test('AT+VTR refused at answer time falls back to half duplex', () => {
  const r = new Run((c) => (c === 'AT+VTR' ? ['ERROR'] : cx93001(c)));
  r.feed({ type: 'start' });
  r.feed({ type: 'seize', seized: true, direction: 'receive' });
  assert.deepEqual(r.sent.slice(-2), ['AT+VTR', 'AT+VRX']);
  assert.equal(r.s.info.fullDuplex, false);
  assert.equal(r.s.stream, 'receive');
});

test('a refused seizure reports the loop absent and waits for the release', () => {
  const r = new Run((c) => (c === 'AT+VLS=1' ? ['NO DIALTONE'] : cx93001(c)));
  r.feed({ type: 'start' });
  r.feed({ type: 'seize', seized: true, direction: 'transmit' });
  assert.deepEqual(r.of('loop').map((a) => a.present), [false]);
  const n = r.sent.length;
  r.feed({ type: 'seize', seized: false });
  assert.deepEqual(r.sent.slice(n), ['ATH']);
});

test('dial: ATDT in voice mode, then the stream; a seizure during init waits for it', () => {
  const r = new Run(cx93001);
  r.feed({ type: 'start' });
  r.feed({ type: 'dial', digits: '5551234' });
  assert.deepEqual(r.sent.slice(INIT.length), ['AT+FCLASS=8', 'AT+VSM=131,8000', 'ATDT5551234;', 'AT+VTR']);
  const q = new Run((c) => (c === 'AT+GMM' ? undefined : cx93001(c)));
  q.feed({ type: 'start' });
  q.feed({ type: 'seize', seized: true, direction: 'transmit' });
  assert.equal(q.sent.at(-1), 'AT+GMM');
  q.feed({ type: 'line', text: 'OK' });
  assert.deepEqual(q.sent.slice(-4), ['AT+FCLASS=8', 'AT+VSM=131,8000', 'AT+VLS=1', 'AT+VTR']);
});

test('transport lost: the stream stops and the session is lost until started again', () => {
  const r = new Run(cx93001);
  r.feed({ type: 'start' });
  r.feed({ type: 'seize', seized: true });
  r.feed({ type: 'transport-lost', reason: 'EIO' });
  assert.equal(r.s.phase, 'lost');
  assert.deepEqual(r.of('stream').map((a) => a.mode), ['duplex', 'none']);
  assert.deepEqual(r.of('lost').map((a) => a.reason), ['EIO']);
  r.feed({ type: 'start' });
  assert.equal(r.s.phase, 'ready');
  assert.equal(r.s.want.offHook, false);
});
