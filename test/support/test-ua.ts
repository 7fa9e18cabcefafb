/**
 * One of our SIP user agents, assembled from the real parts (SipStack on 127.0.0.1,
 * UserAgent core, SessionRouter, InviteSession, RegistrationAgent) with simple call
 * behaviour, for tests against real peers (SIPp, Kamailio) and for the call bench.
 * There is no audio here: the SDP names a port nobody listens on.
 */
import { SystemClock } from '../../src/clock.js';
import { MemoryLogger, type Logger } from '../../src/log.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import type { PolicyAccount } from '../../src/sip/policy/index.js';
import { localAddressFor, resolveServer, systemDnsClient } from '../../src/sip/resolve/index.js';
import type { LocalMediaCapabilities } from '../../src/sip/sdp/index.js';
import { InviteSession, SessionRouter, type EndInfo, type OutgoingSessionOptions } from '../../src/sip/session/index.js';
import { SipStack } from '../../src/sip/stack/sip-stack.js';
import type { TransportProtocol } from '../../src/sip/transport/types.js';
import { RegistrationAgent, type RegistrationStatus } from '../../src/sip/ua/registration.js';
import { UserAgent } from '../../src/sip/ua/user-agent.js';

export interface AnswerBehaviour {
  /** Ring for this long before answering (ms); default 0 (180 then 200 at once). */
  ringMs?: number;
  /** Hang up this long after the call is confirmed (ms); default never (the caller hangs up). */
  hangupAfterMs?: number;
  /** Answer with this status instead of 200. */
  rejectWith?: number;
}

export interface TestUaOptions {
  /** The username calls must be addressed to (policy); default "alice". */
  user?: string;
  /** Addresses allowed to send INVITEs (default 127.0.0.1). */
  trustedSources?: string[];
  behaviour?: AnswerBehaviour;
  log?: Logger;
}

export interface TestUa {
  readonly port: number;
  readonly ua: UserAgent;
  readonly router: SessionRouter;
  readonly ended: EndInfo[];
  readonly answered: number;
  /** Incoming sessions, in arrival order. */
  readonly incoming: InviteSession[];
  behaviour: AnswerBehaviour;
  call(opts: Omit<OutgoingSessionOptions, 'media' | 'contactUser' | 'transport'> & { transport?: TransportProtocol }): InviteSession;
  register(opts: { server: string; username: string; password: string; transport: TransportProtocol; expiresS?: number }): Promise<RegistrationAgent>;
  stop(): Promise<void>;
}

export function media(): LocalMediaCapabilities {
  return { address: '127.0.0.1', port: 40_000, codecs: ['PCMU', 'PCMA'], ptimeMs: 20, dtmf: 'rfc4733', direction: 'sendrecv' };
}

export async function startTestUa(opts: TestUaOptions = {}): Promise<TestUa> {
  const clock = new SystemClock();
  const log = opts.log ?? new MemoryLogger([], {}, 'warn');
  const stack = await SipStack.start({ port: 0, address: '127.0.0.1', clock, log, metrics: new MetricsRegistry(), userAgent: 'Dialtone-test' });
  const user = opts.user ?? 'alice';
  const dns = systemDnsClient();
  const account: PolicyAccount = { id: 'test', username: user, trustedSources: opts.trustedSources ?? ['127.0.0.1'], acceptFromAnywhere: false };
  const ua = new UserAgent({
    stack, clock, log, userAgent: 'Dialtone-test',
    resolve: (hop) => resolveServer({ host: hop.host, ...(hop.port !== undefined ? { port: hop.port } : {}), ...(hop.transport !== undefined ? { transport: hop.transport } : {}), secure: hop.secure }, { dns, supported: ['udp', 'tcp'] }),
    localAddressFor, defaultAddress: '127.0.0.1', policyAccounts: () => [account],
    rateLimit: { ratePerSecond: 10_000, burst: 10_000 },
  });
  const router = new SessionRouter(ua, {}, { findInviteTx: (c) => stack.layer.findInviteFor(c) });
  ua.setDialogLayer(router);
  stack.setCore(ua);
  const ended: EndInfo[] = [];
  const incoming: InviteSession[] = [];
  const agents: RegistrationAgent[] = [];
  let answered = 0;
  const self: TestUa = {
    port: stack.local('udp')?.port ?? 0,
    ua, router, ended, incoming,
    get answered() { return answered; },
    behaviour: opts.behaviour ?? {},
    call: (o) => {
      const session = InviteSession.outgoing(ua, { ...o, media, contactUser: user, transport: o.transport ?? 'udp' });
      router.track(session);
      session.on('ended', (e) => ended.push(e));
      session.on('answered', () => answered++);
      return session;
    },
    register: async (o) => {
      const agent = new RegistrationAgent({
        account: { id: 'test', username: o.username, password: o.password, domain: o.server },
        registrar: (await resolveServer({ host: o.server.split(':')[0] ?? '', port: Number(o.server.split(':')[1]), transport: o.transport }, { dns, supported: ['udp', 'tcp'] }))[0]!,
        contact: { host: '127.0.0.1', port: stack.local(o.transport)?.port ?? 0, transport: o.transport },
        expiresS: o.expiresS ?? 300, layer: stack.layer, clock, log, userAgent: 'Dialtone-test',
      });
      agents.push(agent);
      await new Promise<void>((resolve, reject) => {
        agent.on('state', (s: RegistrationStatus) => {
          if (s.state === 'registered') resolve();
          if (s.state === 'failed') reject(new Error(`registration failed: ${s.reason ?? ''}`));
        });
        agent.start();
      });
      return agent;
    },
    stop: async () => {
      for (const s of router.sessions()) s.hangup();
      await Promise.all(agents.map((a) => a.stop().then(() => a.dispose())));
      router.dispose();
      await stack.stop();
    },
  };
  ua.onInvite(({ request, tx, from }) => {
    const result = InviteSession.incoming(ua, request, tx, { contactUser: user, transport: from.protocol, media });
    if (!result.ok) return;
    const session = result.session;
    incoming.push(session);
    router.track(session);
    session.on('ended', (e) => ended.push(e));
    session.on('answered', () => answered++);
    const b = self.behaviour;
    if (b.rejectWith !== undefined) {
      session.reject(b.rejectWith);
      return;
    }
    session.ring();
    const answer = (): void => {
      if (session.state === 'terminated') return;
      if (b.hangupAfterMs !== undefined) {
        const hang = b.hangupAfterMs;
        session.once('answered', () => setTimeout(() => session.hangup(), hang));
      }
      session.answer();
    };
    if ((b.ringMs ?? 0) > 0) setTimeout(answer, b.ringMs);
    else answer();
  });
  return self;
}
