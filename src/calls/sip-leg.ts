/**
 * One SIP call leg: an INVITE session of one account with its RTP session and, while
 * a line's audio is attached, the media bridge between them.
 *
 * The RTP port pair is taken before the session exists (the SDP names it) and given
 * back when the leg ends. The RTP session is opened on the first negotiated media
 * (only then are the remote address, rtcp-mux and the SRTP keys known); later offers
 * and answers (hold, resume, a codec change) update it and the bridge in place.
 *
 * The call router sees events, never SIP messages: progress (ringing, early media),
 * answered, ended, digits from the far end, and a transfer request (REFER).
 */
import { EventEmitter } from 'node:events';
import type { AudioPort } from '../../audio/port/audio-port.js';
import type { Account } from '../config/provisioning-schema.js';
import { codecsOf, dtmfModeOf, srtpModeOf } from '../config/account-media.js';
import type { EffectiveRtpSettings } from '../config/settings-repository.js';
import type { Clock } from '../clock.js';
import { toError } from '../errors.js';
import type { Logger } from '../log.js';
import { MediaBridge, type MediaStats } from '../rtp/media-bridge.js';
import type { RtpPortAllocator, RtpSockets } from '../rtp/port-allocator.js';
import { RtpSession } from '../rtp/rtp-session.js';
import { createResponse, formatUri, newTag } from '../sip/message/index.js';
import type { LocalMediaCapabilities, NegotiatedMedia } from '../sip/sdp/index.js';
import { InviteSession, type EndInfo, type ProgressInfo, type ReferRequest, type SessionRouter, type TransferProgress } from '../sip/session/index.js';
import type { IncomingInvite, UserAgent } from '../sip/ua/user-agent.js';
import type { TransportProtocol } from '../sip/transport/types.js';

export interface SipLegDeps {
  readonly ua: UserAgent;
  readonly router: SessionRouter;
  readonly allocator: RtpPortAllocator;
  readonly rtp: EffectiveRtpSettings;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface SipLegEvents {
  progress: [ProgressInfo];
  answered: [];
  ended: [EndInfo];
  /** A digit from the far end (RFC 4733 or in-band). */
  digit: [string];
  /** The far end asks us to call someone else (RFC 3515). */
  refer: [ReferRequest];
  /** How a transfer we asked for (REFER) goes. */
  transfer: [TransferProgress];
}

export interface OutgoingCall {
  readonly account: Account;
  /** The number (user part) to call. */
  readonly number: string;
  /** Who is calling, for From; default the account's own address. */
  readonly from?: { readonly uri: string; readonly displayName?: string };
  /** Hide our identity (anonymous call: RFC 3323 Privacy: id). */
  readonly anonymous?: boolean;
}

export class SipLeg extends EventEmitter<SipLegEvents> {
  private rtp: RtpSession | undefined;
  private opening: Promise<RtpSession> | undefined;
  private media: NegotiatedMedia | undefined;
  private bridge: MediaBridge | undefined;
  private port: AudioPort | undefined;
  private lastStats: MediaStats | undefined;
  private released = false;
  readonly log: Logger;

  private constructor(
    private readonly deps: SipLegDeps,
    readonly account: Account,
    private readonly sockets: RtpSockets,
    readonly session: InviteSession,
  ) {
    super();
    this.log = deps.log.child({ callId: session.callId, account: account.id });
    deps.router.track(session);
    session.on('progress', (p) => this.emit('progress', p));
    session.on('answered', () => this.emit('answered'));
    session.on('media', (m) => this.onMedia(m));
    session.on('refer', (r) => this.emit('refer', r));
    session.on('transfer', (p) => this.emit('transfer', p));
    session.on('ended', (e) => {
      this.log.info('SIP call ended', { by: e.by, cause: e.cause, status: e.status });
      void this.release();
      this.emit('ended', e);
    });
  }

  /** Places a call for `call.account`. Throws when no RTP port is free. */
  static async outgoing(deps: SipLegDeps, call: OutgoingCall): Promise<SipLeg> {
    const { account } = call;
    const sockets = await deps.allocator.allocate({ rtcpMux: false });
    const transport: TransportProtocol = account.transport ?? 'udp';
    const uriParams = transport === 'udp' ? '' : `;transport=${transport}`;
    const own = { uri: `sip:${account.username}@${account.server}`, ...(account.displayName !== undefined ? { displayName: account.displayName } : {}) };
    const from = call.anonymous === true ? { uri: 'sip:anonymous@anonymous.invalid', displayName: 'Anonymous' } : (call.from ?? own);
    const extraHeaders: [string, string][] = call.anonymous === true ? [['Privacy', 'id'], ['P-Preferred-Identity', `<${own.uri}>`]] : [];
    let session: InviteSession;
    try {
      session = InviteSession.outgoing(deps.ua, {
        from,
        to: { uri: `sip:${call.number}@${account.server}` },
        requestUri: `sip:${call.number}@${account.server}${uriParams}`,
        ...(account.outboundProxy !== undefined ? { routeSet: [`<sip:${account.outboundProxy}${uriParams};lr>`] } : {}),
        ...(account.password !== undefined ? { credentials: { username: account.authUsername ?? account.username, password: account.password } } : {}),
        extraHeaders,
        contactUser: account.username,
        transport,
        media: () => localMedia(deps, account, sockets.port),
      });
    } catch (err) {
      await sockets.release();
      throw err;
    }
    return new SipLeg(deps, account, sockets, session);
  }

  /**
   * Takes an incoming INVITE for `account`. Returns undefined when it was refused
   * (answered here, e.g. 488 for an offer we cannot take) or no RTP port was free (503).
   */
  static async incoming(deps: SipLegDeps, invite: IncomingInvite, account: Account): Promise<SipLeg | undefined> {
    let sockets: RtpSockets;
    try {
      sockets = await deps.allocator.allocate({ rtcpMux: false });
    } catch (err) {
      deps.log.error('no RTP port for an incoming call', { err: toError(err).message });
      respond(invite, 503);
      return undefined;
    }
    const result = InviteSession.incoming(deps.ua, invite.request, invite.tx, {
      contactUser: account.username,
      transport: invite.from.protocol,
      media: () => localMedia(deps, account, sockets.port),
    });
    if (!result.ok) {
      await sockets.release();
      return undefined;
    }
    return new SipLeg(deps, account, sockets, result.session);
  }

  get ended(): boolean {
    return this.session.isTerminated;
  }

  /** Connects a line's audio to the call (now, or when media is negotiated). */
  attach(port: AudioPort): void {
    if (this.port === port) return;
    this.detach();
    this.port = port;
    this.startBridge();
  }

  /** Disconnects the line's audio (the RTP session stays: the far end keeps its stream). */
  detach(): void {
    if (this.bridge !== undefined) {
      this.lastStats = this.bridge.stats();
      this.bridge.close();
      this.bridge = undefined;
    }
    this.port = undefined;
  }

  ring(): void {
    this.session.ring();
  }

  answer(): void {
    this.session.answer();
  }

  reject(status: number, reason?: string, headers?: [string, string][]): void {
    this.session.reject(status, reason, headers);
  }

  /** The call is established (a 2xx exchanged): hold, resume and REFER are possible. */
  get confirmed(): boolean {
    return this.session.state === 'confirmed';
  }

  /**
   * Where a REFER sends someone to take this call over (attended transfer): this leg's
   * far end (its Contact) with a Replaces header naming this dialog as the far end
   * sees it (RFC 3891 §3: to-tag is its own tag, from-tag ours). Undefined before the
   * call is established.
   */
  replacesTarget(): string | undefined {
    const d = this.session.dialog;
    if (d === undefined || !this.confirmed) return undefined;
    const replaces = `${d.callId};to-tag=${d.remoteTag};from-tag=${d.localTag}`;
    return `${formatUri(d.remoteTarget)}?Replaces=${encodeURIComponent(replaces)}`;
  }

  hangup(): void {
    if (!this.session.isTerminated) this.session.hangup();
  }

  hold(): void {
    this.session.hold();
  }

  resume(): void {
    this.session.resume();
  }

  /** Blind transfer: REFER the far end to `target` (a SIP URI). */
  transfer(target: string): void {
    this.session.transfer(target);
  }

  /** Sends a digit dialled on the line toward the far end, per the account's DTMF mode. */
  sendDigit(digit: string): void {
    if (dtmfModeOf(this.account) === 'info') {
      this.session.sendInfo('application/dtmf-relay', `Signal=${digit}\r\nDuration=160\r\n`);
      return;
    }
    this.bridge?.sendDigit(digit);
  }

  /** The media figures: live while a bridge runs, else the last ones seen. */
  stats(): MediaStats | undefined {
    return this.bridge?.stats() ?? this.lastStats;
  }

  private onMedia(media: NegotiatedMedia): void {
    this.media = media;
    const remote = remoteOf(media);
    if (this.rtp !== undefined) {
      this.rtp.setRemote(remote);
      this.bridge?.update(media);
      return;
    }
    if (this.opening !== undefined || this.released) return;
    this.opening = RtpSession.open({
      sockets: this.sockets,
      clock: this.deps.clock,
      log: this.log,
      ...(remote !== undefined ? { remote } : {}),
      rtcpMux: media.rtcpMux === true,
      cname: `dialtone-${this.session.localTag}`,
      clockRate: media.codec.rtpClockRate,
      ...(media.srtp !== undefined ? { srtp: { send: { suite: media.srtp.suite, ...media.srtp.send }, receive: { suite: media.srtp.suite, ...media.srtp.receive } } } : {}),
    });
    this.opening.then((rtp) => {
      if (this.released) {
        void rtp.close();
        return;
      }
      this.rtp = rtp;
      const latest = this.media;
      if (latest !== undefined && latest !== media) rtp.setRemote(remoteOf(latest));
      this.startBridge();
    }).catch((err: unknown) => {
      this.log.error('RTP session did not open: hanging up', { err: toError(err).message });
      this.hangup();
    });
  }

  private startBridge(): void {
    if (this.port === undefined || this.rtp === undefined || this.media === undefined || this.bridge !== undefined) return;
    const bridge = new MediaBridge({
      port: this.port,
      session: this.rtp,
      media: this.media,
      clock: this.deps.clock,
      log: this.log,
      dtmfMode: dtmfModeOf(this.account),
      jitter: { minDelayMs: this.deps.rtp.jitterMinMs, maxDelayMs: this.deps.rtp.jitterMaxMs },
    });
    bridge.on('digit', (d) => this.emit('digit', d.digit));
    bridge.on('line-digit', (d) => this.sendDigit(d.digit));
    this.bridge = bridge;
  }

  private async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.detach();
    try {
      const rtp = this.rtp ?? (await this.opening?.catch(() => undefined));
      await rtp?.close();
    } catch (err) {
      this.log.warn('RTP session did not close cleanly', { err: toError(err).message });
    }
    await this.sockets.release();
  }
}

function localMedia(deps: SipLegDeps, account: Account, port: number): LocalMediaCapabilities {
  const dtmf = dtmfModeOf(account);
  return {
    address: deps.ua.advertisedAddress,
    port,
    codecs: codecsOf(account),
    ptimeMs: 20,
    dtmf: dtmf === 'inband' ? 'inband' : 'rfc4733',
    direction: 'sendrecv',
    srtp: srtpModeOf(account),
  };
}

function remoteOf(media: NegotiatedMedia): { address: string; rtpPort: number; rtcpPort: number } | undefined {
  if (media.remoteAddress === '0.0.0.0' || media.remotePort === 0) return undefined;
  return { address: media.remoteAddress, rtpPort: media.remotePort, rtcpPort: media.rtcpMux === true ? media.remotePort : (media.rtcpPort ?? media.remotePort + 1) };
}

/** Refuses an INVITE that never became a session. */
export function respond(invite: IncomingInvite, status: number, reason?: string, headers: [string, string][] = []): void {
  try {
    invite.tx.respond(createResponse(invite.request, status, reason, { toTag: newTag(), headers }));
  } catch {
    // The transaction is gone (the caller gave up): nothing to answer.
  }
}
