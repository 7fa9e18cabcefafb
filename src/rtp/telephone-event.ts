/**
 * RTP telephone-events for DTMF (RFC 4733, which obsoletes RFC 2833).
 *
 * - §2.3 payload format: event (8 bits), E (end), R (reserved), volume (6 bits,
 *   −dBm0), duration (16 bits, timestamp units): `parseTelephoneEvent`,
 *   `serializeTelephoneEvent`.
 * - §3.2 DTMF event codes 0–15 (0–9, *, #, A–D): `digitToEvent`, `eventToDigit`.
 * - §2.5.1 sending: `TelephoneEventSender`. The first packet of an event has the
 *   marker bit (§2.5.1.1); every packet of an event (segment) carries the event's
 *   start timestamp and a growing duration (§2.5.1.2); an event longer than
 *   0xFFFF timestamp units is split into segments whose timestamps advance by
 *   0xFFFF, the marker is not set again and no segment but the last has the E bit
 *   (§2.5.1.3); the final packet of each event and each segment is sent three
 *   times, one copy per packet interval (§2.5.1.4).
 * - §2.5.2 receiving: `TelephoneEventReceiver`. Packets are grouped by RTP
 *   timestamp (and SSRC), so duplicates and the redundant end packets are
 *   reported once (§2.5.2.1); a lost end is inferred from a new event timestamp
 *   or from silence for `endTimeoutMs` (§2.5.2.2); segments of a long event are
 *   joined (§2.5.2.3).
 *
 * Only one event is handled at a time (no §2.5.1.5 multiple events per packet).
 */
import type { Clock, Timer } from '../clock.js';

export interface TelephoneEventPayload {
  /** Event code (0–15 are the DTMF digits). */
  event: number;
  /** The E bit: this packet reports the end of the event. */
  end: boolean;
  /** Power level of the tone, 0..63, in −dBm0 (so 10 means −10 dBm0). */
  volume: number;
  /** Duration so far, in RTP timestamp units, 0..0xFFFF. */
  duration: number;
}

export type ParseTelephoneEventResult = { ok: true; value: TelephoneEventPayload } | { ok: false; reason: string };

/** The largest value of the 16-bit duration field (§2.5.1.3). */
export const MAX_EVENT_DURATION = 0xffff;

const DIGITS = '0123456789*#ABCD';

/** Parses the first 4-byte event block of a payload; extra bytes are ignored. Never throws. */
export function parseTelephoneEvent(payload: Uint8Array): ParseTelephoneEventResult {
  if (payload.length < 4) {
    return { ok: false, reason: `telephone-event payload is ${payload.length} bytes, needs 4` };
  }
  const b1 = payload[1] ?? 0;
  return {
    ok: true,
    value: {
      event: payload[0] ?? 0,
      end: (b1 & 0x80) !== 0,
      // R (0x40) is reserved: senders set it to 0, receivers ignore it (§2.3).
      volume: b1 & 0x3f,
      duration: ((payload[2] ?? 0) << 8) | (payload[3] ?? 0),
    },
  };
}

/** Builds the 4-byte payload; throws RangeError for out-of-range fields (a programming error). */
export function serializeTelephoneEvent(p: TelephoneEventPayload): Buffer {
  checkInt('event', p.event, 0, 255);
  checkInt('volume', p.volume, 0, 63);
  checkInt('duration', p.duration, 0, MAX_EVENT_DURATION);
  const out = Buffer.alloc(4);
  out[0] = p.event;
  out[1] = (p.end ? 0x80 : 0) | p.volume;
  out.writeUInt16BE(p.duration, 2);
  return out;
}

/** '0'–'9', '*', '#', 'A'–'D' (either case) to event codes 0–15. */
export function digitToEvent(d: string): number | undefined {
  if (d.length !== 1) return undefined;
  const i = DIGITS.indexOf(d.toUpperCase());
  return i < 0 ? undefined : i;
}

/** Event codes 0–15 to '0'–'9', '*', '#', 'A'–'D'; undefined for anything else. */
export function eventToDigit(e: number): string | undefined {
  return Number.isInteger(e) && e >= 0 && e < DIGITS.length ? DIGITS[e] : undefined;
}

/** One RTP packet to send: the caller adds the header (payload type, sequence, SSRC). */
export interface TelephoneEventFrame {
  marker: boolean;
  timestamp: number;
  payload: Buffer;
}

interface SendingEvent {
  code: number;
  startTs: number;
  /** Whole length in timestamp units; Infinity until stop(). */
  total: number;
  /** Duration from the event's start reported so far (all segments). */
  reported: number;
  /** Start of the current segment, relative to startTs. */
  segOffset: number;
  first: boolean;
}

interface Repeat {
  frame: TelephoneEventFrame;
  remaining: number;
}

/**
 * Sends one event at a time (§2.5.1). Call `start`, then `tick` every `packetMs`
 * until `active` is false, sending whatever each returns.
 *
 * For a 100 ms digit at 8000 Hz with 20 ms packets: start() gives duration 160
 * with the marker; ticks give 320, 480, 640, then 800 with E, sent at three
 * consecutive ticks. Pass `durationMs = Infinity` and call `stop()` when the
 * length is not known in advance (a key held down).
 */
export class TelephoneEventSender {
  private readonly step: number;
  private readonly clockRate: number;
  private readonly volume: number;
  private event: SendingEvent | undefined;
  private repeats: Repeat[] = [];

  constructor(opts: { clockRate: number; packetMs?: number; volume?: number }) {
    if (!(opts.clockRate > 0)) throw new RangeError(`clockRate must be positive, got ${opts.clockRate}`);
    const packetMs = opts.packetMs ?? 20;
    if (!(packetMs > 0)) throw new RangeError(`packetMs must be positive, got ${packetMs}`);
    this.clockRate = opts.clockRate;
    this.step = Math.max(1, Math.round((packetMs * opts.clockRate) / 1000));
    this.volume = opts.volume ?? 10;
    checkInt('volume', this.volume, 0, 63);
  }

  /** True while an event or its redundant end packets remain to be sent. */
  get active(): boolean {
    return this.event !== undefined || this.repeats.length > 0;
  }

  /**
   * Starts `digit` at RTP timestamp `timestamp`, lasting `durationMs`. An event
   * still under way is ended first (its end packet three times, at once).
   * Returns the packets to send now.
   */
  start(digit: string, timestamp: number, durationMs: number): TelephoneEventFrame[] {
    const code = digitToEvent(digit);
    if (code === undefined) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
    if (!(durationMs > 0)) throw new RangeError(`durationMs must be positive, got ${durationMs}`);
    const out = this.flush();
    const total = durationMs === Infinity ? Infinity : Math.max(1, Math.round((durationMs * this.clockRate) / 1000));
    this.event = { code, startTs: timestamp >>> 0, total, reported: 0, segOffset: 0, first: true };
    out.push(...this.progress(this.event));
    return out;
  }

  /** Called every packetMs: repeated end packets first, then the event's next packet. */
  tick(): TelephoneEventFrame[] {
    const out: TelephoneEventFrame[] = [];
    for (const r of this.repeats) {
      out.push(r.frame);
      r.remaining--;
    }
    this.repeats = this.repeats.filter((r) => r.remaining > 0);
    if (this.event !== undefined) out.push(...this.progress(this.event));
    return out;
  }

  /** Ends the current event now, at the duration reported so far; returns the first end packet. */
  stop(): TelephoneEventFrame[] {
    const ev = this.event;
    if (ev === undefined) return [];
    this.event = undefined;
    const frame = this.frame(ev, ev.reported - ev.segOffset, true);
    this.repeats.push({ frame, remaining: 2 });
    return [frame];
  }

  /** Ends whatever is under way and returns every packet still owed, all at once. */
  private flush(): TelephoneEventFrame[] {
    const out: TelephoneEventFrame[] = [];
    const ev = this.event;
    this.event = undefined;
    for (const r of this.repeats) for (let i = 0; i < r.remaining; i++) out.push(r.frame);
    this.repeats = [];
    if (ev !== undefined) {
      const frame = this.frame(ev, ev.reported - ev.segOffset, true);
      out.push(frame, frame, frame);
    }
    return out;
  }

  private progress(ev: SendingEvent): TelephoneEventFrame[] {
    const out: TelephoneEventFrame[] = [];
    const cum = Math.min(ev.reported + this.step, ev.total);
    if (cum - ev.segOffset > MAX_EVENT_DURATION) {
      // §2.5.1.3: close this segment at the maximum duration, without E.
      const last = this.frame(ev, MAX_EVENT_DURATION, false);
      out.push(last);
      this.repeats.push({ frame: last, remaining: 2 });
      ev.segOffset += MAX_EVENT_DURATION;
    }
    ev.reported = cum;
    const end = cum >= ev.total;
    const frame = this.frame(ev, cum - ev.segOffset, end);
    out.push(frame);
    if (end) {
      this.repeats.push({ frame, remaining: 2 });
      this.event = undefined;
    }
    return out;
  }

  private frame(ev: SendingEvent, duration: number, end: boolean): TelephoneEventFrame {
    const marker = ev.first;
    ev.first = false;
    return {
      marker,
      timestamp: (ev.startTs + ev.segOffset) >>> 0,
      payload: serializeTelephoneEvent({ event: ev.code, end, volume: this.volume, duration }),
    };
  }
}

export interface DigitReport {
  digit: string;
  /** At 'start', the duration reported by the first packet seen; at 'end', the whole duration. */
  durationMs: number;
  phase: 'start' | 'end';
}

interface ReceivingEvent {
  ssrc: number;
  code: number;
  /** RTP timestamp of the current segment. */
  segTs: number;
  /** Timestamp units of earlier segments. */
  offset: number;
  lastDuration: number;
  timer: Timer | undefined;
}

const FINISHED_MEMORY = 32;

/**
 * Reports each DTMF digit once, with a 'start' when its first packet arrives
 * (whichever that is) and an 'end' when it finishes: on the E bit, on a packet
 * of a new event (other timestamp or SSRC), or after `endTimeoutMs` (default
 * 200) without a packet. Packets of a finished event (redundant end packets,
 * duplicates, late arrivals) are ignored, as are malformed payloads and
 * non-DTMF events.
 */
export class TelephoneEventReceiver {
  private readonly clockRate: number;
  private readonly clock: Clock;
  private readonly endTimeoutMs: number;
  private readonly listeners: ((d: DigitReport) => void)[] = [];
  private current: ReceivingEvent | undefined;
  private readonly finished = new Set<string>();
  private readonly finishedOrder: string[] = [];
  private lastFinished: { ssrc: number; ts: number } | undefined;
  private disposed = false;
  /** Packets dropped as malformed or not DTMF. */
  ignored = 0;

  constructor(opts: { clockRate: number; clock: Clock; endTimeoutMs?: number }) {
    if (!(opts.clockRate > 0)) throw new RangeError(`clockRate must be positive, got ${opts.clockRate}`);
    this.clockRate = opts.clockRate;
    this.clock = opts.clock;
    this.endTimeoutMs = opts.endTimeoutMs ?? 200;
  }

  on(event: 'digit', fn: (d: DigitReport) => void): void {
    if (event === 'digit') this.listeners.push(fn);
  }

  receive(p: { timestamp: number; marker: boolean; payload: Uint8Array; ssrc: number }): void {
    if (this.disposed) return;
    const parsed = parseTelephoneEvent(p.payload);
    if (!parsed.ok || eventToDigit(parsed.value.event) === undefined) {
      this.ignored++;
      return;
    }
    const { event, end, duration } = parsed.value;
    const ts = p.timestamp >>> 0;
    const ssrc = p.ssrc >>> 0;
    if (this.finished.has(key(ssrc, ts))) return;

    const cur = this.current;
    if (cur !== undefined && cur.ssrc === ssrc) {
      if (cur.segTs === ts) {
        this.update(cur, duration, end);
        return;
      }
      if (cur.code === event && ts === ((cur.segTs + MAX_EVENT_DURATION) >>> 0)) {
        // §2.5.2.3: the next segment of a long event.
        this.remember(key(ssrc, cur.segTs));
        cur.offset += MAX_EVENT_DURATION;
        cur.segTs = ts;
        cur.lastDuration = 0;
        this.update(cur, duration, end);
        return;
      }
      if (olderThan(ts, cur.segTs)) return; // a stray packet of some earlier event
    }
    if (cur !== undefined) this.finish(cur); // its end packets were lost
    const last = this.lastFinished;
    if (last !== undefined && last.ssrc === ssrc && olderThan(ts, last.ts)) return;

    const ev: ReceivingEvent = { ssrc, code: event, segTs: ts, offset: 0, lastDuration: duration, timer: undefined };
    this.current = ev;
    this.emit({ digit: eventToDigit(event) ?? '', durationMs: this.toMs(duration), phase: 'start' });
    if (this.current !== ev) return; // a listener disposed us
    if (end) this.finish(ev);
    else this.arm(ev);
  }

  /** Stops timers and forgets listeners; an unfinished digit gets no 'end'. */
  dispose(): void {
    this.disposed = true;
    if (this.current?.timer !== undefined) this.clock.cancelTimer(this.current.timer);
    this.current = undefined;
    this.listeners.length = 0;
  }

  private update(ev: ReceivingEvent, duration: number, end: boolean): void {
    ev.lastDuration = Math.max(ev.lastDuration, duration);
    if (end) this.finish(ev);
    else this.arm(ev);
  }

  private arm(ev: ReceivingEvent): void {
    if (ev.timer !== undefined) this.clock.cancelTimer(ev.timer);
    ev.timer = this.clock.setTimer(this.endTimeoutMs, () => {
      ev.timer = undefined;
      if (this.current === ev) this.finish(ev);
    });
  }

  private finish(ev: ReceivingEvent): void {
    if (ev.timer !== undefined) this.clock.cancelTimer(ev.timer);
    ev.timer = undefined;
    this.current = undefined;
    this.remember(key(ev.ssrc, ev.segTs));
    this.lastFinished = { ssrc: ev.ssrc, ts: ev.segTs };
    this.emit({ digit: eventToDigit(ev.code) ?? '', durationMs: this.toMs(ev.offset + ev.lastDuration), phase: 'end' });
  }

  private remember(k: string): void {
    if (this.finished.has(k)) return;
    this.finished.add(k);
    this.finishedOrder.push(k);
    if (this.finishedOrder.length > FINISHED_MEMORY) {
      const old = this.finishedOrder.shift();
      if (old !== undefined) this.finished.delete(old);
    }
  }

  private emit(d: DigitReport): void {
    for (const fn of [...this.listeners]) fn(d);
  }

  private toMs(units: number): number {
    return (units * 1000) / this.clockRate;
  }
}

function key(ssrc: number, ts: number): string {
  return `${ssrc}:${ts}`;
}

/** RTP timestamp `a` is before `b`, modulo 2^32 (RFC 3550 serial arithmetic). */
function olderThan(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${v}`);
}
