/**
 * What a call was and is, for the status page (`ActiveCall`) and the call history
 * (`NewCdr`, written once when the call ends). Times shown to people are wall-clock;
 * durations come from the monotonic clock.
 */
import type { Clock } from '../clock.js';
import type { CdrMedia, NewCdr } from '../config/cdr-repository.js';
import type { MediaStats } from '../rtp/media-bridge.js';

export type CallDirection = NewCdr['direction'];
export type Disposition = NewCdr['disposition'];
export type CallState = 'setup' | 'ringing' | 'connected' | 'ended';

export interface ActiveCallMedia {
  codec: string;
  lossPercent: number;
  jitterMs: number;
  rttMs?: number;
  mos: number;
  txLevelDbm0: number;
  rxLevelDbm0: number;
  packetsSent: number;
  packetsReceived: number;
}

export interface ActiveCall {
  id: number;
  direction: CallDirection;
  state: CallState;
  from: string;
  to: string;
  /** The FXS port in the call (the caller's or the one that answered / rings). */
  port: number | null;
  /** Every FXS port ringing for it (an inbound call rings several). */
  ringing: number[];
  /** Every FXS port taking part (both phones of a call between two phones of the box). */
  phones: number[];
  account: string | null;
  /** 'sip', 'landline' or 'intercom': what the other side is. */
  via: 'sip' | 'landline' | 'intercom';
  startedAt: string;
  answeredAt: string | null;
  durationSeconds: number;
  media: ActiveCallMedia | null;
}

export interface CallRecordInit {
  direction: CallDirection;
  from: string;
  to: string;
  port: number | null;
  account: string | null;
  via: ActiveCall['via'];
}

let nextId = 1;

export class CallRecord {
  readonly id = nextId++;
  state: CallState = 'setup';
  private readonly startedWall: number;
  private readonly startedAt: number;
  private answeredWall: number | null = null;
  from: string;
  to: string;
  port: number | null;
  account: string | null;
  readonly direction: CallDirection;
  readonly via: ActiveCall['via'];

  constructor(private readonly clock: Clock, init: CallRecordInit) {
    this.startedWall = clock.wallTime();
    this.startedAt = clock.now();
    this.direction = init.direction;
    this.from = init.from;
    this.to = init.to;
    this.port = init.port;
    this.account = init.account;
    this.via = init.via;
  }

  get answered(): boolean {
    return this.answeredWall !== null;
  }

  markAnswered(): void {
    if (this.answeredWall === null) this.answeredWall = this.clock.wallTime();
    this.state = 'connected';
  }

  view(ringing: number[], media: MediaStats | undefined, phones: number[] = this.port === null ? [] : [this.port]): ActiveCall {
    return {
      id: this.id,
      direction: this.direction,
      state: this.state,
      from: this.from,
      to: this.to,
      port: this.port,
      ringing,
      phones,
      account: this.account,
      via: this.via,
      startedAt: new Date(this.startedWall).toISOString(),
      answeredAt: this.answeredWall === null ? null : new Date(this.answeredWall).toISOString(),
      durationSeconds: Math.floor((this.clock.now() - this.startedAt) / 1000),
      media: media === undefined ? null : liveMedia(media),
    };
  }

  /** The history record of the ended call. */
  cdr(disposition: Disposition, hangupCause: string, media: MediaStats | undefined): NewCdr {
    const endedAt = Math.max(this.startedWall, this.clock.wallTime());
    return {
      startedAt: this.startedWall,
      answeredAt: this.answeredWall,
      endedAt,
      direction: this.direction,
      from: this.from.slice(0, 128),
      to: this.to.slice(0, 128),
      port: this.port,
      account: this.account,
      disposition: this.answered ? 'answered' : disposition,
      hangupCause: hangupCause.slice(0, 256),
      media: media === undefined ? null : cdrMedia(media),
    };
  }
}

function liveMedia(m: MediaStats): ActiveCallMedia {
  return {
    codec: m.codec,
    lossPercent: round(m.lossPercent),
    jitterMs: round(m.jitterMs),
    ...(m.rttMs !== undefined ? { rttMs: round(m.rttMs) } : {}),
    mos: round(m.mos),
    txLevelDbm0: round(m.txLevelDbm0),
    rxLevelDbm0: round(m.rxLevelDbm0),
    packetsSent: m.sent.packetsSent,
    packetsReceived: m.received.audioPackets,
  };
}

function cdrMedia(m: MediaStats): CdrMedia {
  return {
    codec: m.codec,
    packetsSent: m.sent.packetsSent,
    packetsReceived: m.received.audioPackets,
    lossPercent: Math.max(0, round(m.lossPercent)),
    jitterMs: Math.max(0, round(m.jitterMs)),
    ...(m.rttMs !== undefined ? { rttMs: Math.max(0, round(m.rttMs)) } : {}),
    mos: Math.min(5, Math.max(1, round(m.mos))),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
