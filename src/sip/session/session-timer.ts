/**
 * RFC 4028 session timers: negotiation (Session-Expires, Min-SE, 422) and the two
 * clocks that follow from it.
 *
 * - §9: "If the request contains a Session-Expires header field with a duration below
 *   the minimum timer of the UAS, it rejects with 422 (Session Interval Too Small) ...
 *   The UAS MUST include a Min-SE header field in the response". The UAS may lower the
 *   interval, never below Min-SE; when the request names no refresher "the UAS ... set[s]
 *   it to 'uac' if the UAC supports the extension" else 'uas'. With refresher=uac the 2xx
 *   carries "Require: timer".
 * - §7.2 (UAC): "If the 2xx response did not contain a Session-Expires header field,
 *   there is no session expiration."
 * - §7.4 (422): the UAC retries with a Session-Expires no smaller than the Min-SE of the 422.
 * - §10: the refresher sends a refresh "at half the session interval"; "If the side not
 *   performing refreshes does not receive a session refresh request before the session
 *   expiration, it SHOULD send a BYE to terminate the session ... the BYE SHOULD be sent
 *   ... the minimum of 32 seconds and one third of the session interval" before expiry.
 */
import type { Clock, Timer } from '../../clock.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/index.js';
import { supports } from './headers.js';
import type { SessionTimerConfig } from './types.js';

/** RFC 4028 §4: "the minimum value for Min-SE is 90 seconds". */
export const ABSOLUTE_MIN_SE = 90;

export interface SessionExpires {
  readonly deltaS: number;
  readonly refresher?: 'uac' | 'uas';
}

export interface TimerAgreement {
  readonly intervalS: number;
  readonly refresher: 'uac' | 'uas';
}

export function parseSessionExpires(m: SipMessage): SessionExpires | undefined {
  const v = m.headers.get('Session-Expires');
  const match = /^\s*(\d{1,10})\s*((?:;.*)?)$/.exec(v ?? '');
  if (!match) return undefined;
  const r = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(match[2] ?? '');
  const refresher = r?.[1]?.toLowerCase() as 'uac' | 'uas' | undefined;
  return { deltaS: Number(match[1]), ...(refresher !== undefined ? { refresher } : {}) };
}

export function parseMinSe(m: SipMessage): number | undefined {
  const match = /^\s*(\d{1,10})\s*(?:;.*)?$/.exec(m.headers.get('Min-SE') ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Headers of a request we send (INVITE, re-INVITE, UPDATE) asking for a session timer. */
export function requestTimerHeaders(cfg: SessionTimerConfig, intervalS = cfg.expiresS, refresher?: 'uac'): [string, string][] {
  return [
    ['Session-Expires', refresher === undefined ? String(intervalS) : `${intervalS};refresher=${refresher}`],
    ['Min-SE', String(Math.max(cfg.minSeS, ABSOLUTE_MIN_SE))],
  ];
}

export type UasTimerDecision =
  | { readonly kind: 'reject'; readonly minSeS: number }
  | { readonly kind: 'none' }
  | { readonly kind: 'agree'; readonly agreement: TimerAgreement; readonly headers: [string, string][] };

/** What a UAS answers to an INVITE / re-INVITE / UPDATE (RFC 4028 §9). */
export function uasTimerDecision(req: SipRequest, cfg: SessionTimerConfig | false): UasTimerDecision {
  if (cfg === false) return { kind: 'none' };
  const minSe = Math.max(cfg.minSeS, ABSOLUTE_MIN_SE);
  const se = parseSessionExpires(req);
  const uacSupports = supports(req, 'timer');
  let agreement: TimerAgreement;
  if (se !== undefined) {
    if (se.deltaS < minSe) return { kind: 'reject', minSeS: minSe };
    const floor = Math.max(parseMinSe(req) ?? ABSOLUTE_MIN_SE, minSe);
    const intervalS = Math.max(Math.min(se.deltaS, cfg.expiresS), floor);
    agreement = { intervalS, refresher: se.refresher ?? (uacSupports ? 'uac' : 'uas') };
  } else if (uacSupports) {
    agreement = { intervalS: Math.max(cfg.expiresS, minSe), refresher: 'uas' };
  } else {
    return { kind: 'none' };
  }
  const headers: [string, string][] = [['Session-Expires', `${agreement.intervalS};refresher=${agreement.refresher}`]];
  if (uacSupports) headers.push(['Require', 'timer']);
  return { kind: 'agree', agreement, headers };
}

/** What the 2xx to our request settled (RFC 4028 §7.2); undefined = no session timer. */
export function uacTimerAgreement(res: SipResponse): TimerAgreement | undefined {
  const se = parseSessionExpires(res);
  if (se === undefined) return undefined;
  return { intervalS: se.deltaS, refresher: se.refresher ?? 'uac' };
}

/** Runs the refresh or the expiry clock of an agreed session interval. */
export class SessionTimerClock {
  private timer: Timer | undefined;
  private current: TimerAgreement | undefined;
  private weRefresh = false;

  constructor(
    private readonly clock: Clock,
    private readonly onRefreshDue: () => void,
    private readonly onExpired: () => void,
  ) {}

  get agreement(): TimerAgreement | undefined {
    return this.current;
  }

  get refreshing(): boolean {
    return this.weRefresh;
  }

  /** (Re)starts after a successful INVITE/UPDATE transaction; `weAreUac` of that transaction. */
  start(agreement: TimerAgreement | undefined, weAreUac: boolean): void {
    this.stop();
    this.current = agreement;
    if (agreement === undefined) return;
    this.weRefresh = (agreement.refresher === 'uac') === weAreUac;
    const ms = agreement.intervalS * 1000;
    if (this.weRefresh) {
      this.timer = this.clock.setTimer(ms / 2, () => {
        this.timer = undefined;
        this.onRefreshDue();
      });
    } else {
      const before = Math.min(32_000, ms / 3);
      this.timer = this.clock.setTimer(ms - before, () => {
        this.timer = undefined;
        this.onExpired();
      });
    }
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }
}
