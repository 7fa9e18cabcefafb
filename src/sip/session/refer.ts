/**
 * Call transfer inside the dialog: REFER and its implicit subscription (RFC 3515), with
 * NOTIFY bodies of type message/sipfrag (RFC 3420).
 *
 * - RFC 3515 §2.4.2: "A REFER request MUST contain exactly one Refer-To header field
 *   value"; without one the UAS answers 400.
 * - §2.4.4: after accepting (202), "the agent ... MUST ... notify the agent sending the
 *   REFER of the outcome of the reference" with NOTIFYs whose Event is "refer"; the first
 *   is sent at once — ours says "SIP/2.0 100 Trying".
 * - §2.4.5: "The body of a NOTIFY MUST begin with a SIP Response Status-Line"; the final
 *   NOTIFY carries Subscription-State terminated (we use reason=noresource, RFC 6665 §4.1.3).
 * - As the REFER sender we answer every NOTIFY 200 and report each sipfrag status;
 *   an Event other than refer gets 489 (RFC 6665 §8.2.2 Bad Event).
 */
import { InvalidStateError } from '../../errors.js';
import { formatUri, parseNameAddr, REASON_PHRASES, type SipRequest } from '../message/index.js';
import type { ServerTx, SessionCore } from './core.js';
import type { ReferRequest } from './types.js';

const SIPFRAG = 'message/sipfrag;version=2.0';

function uriOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const a = parseNameAddr(value);
  return typeof a === 'string' ? undefined : formatUri(a.uri);
}

export class ReferAgent {
  private transferring = false;

  constructor(private readonly core: SessionCore) {}

  receiveRefer(req: SipRequest, tx: ServerTx): void {
    const core = this.core;
    const values = req.headers.getAll('Refer-To');
    const referTo = values.length === 1 ? uriOf(values[0]) : undefined;
    if (referTo === undefined) return void core.respond(tx, req, 400, { reason: 'Bad or Missing Refer-To' });
    if (core.listenerCount('refer') === 0) return void core.respond(tx, req, 603);
    let answered = false;
    let terminated = false;
    const notify = (status: number, reason?: string): void => {
      if (terminated || !answered || core.isTerminated) return;
      const final = status >= 200;
      terminated = final;
      core.sendInDialog({
        method: 'NOTIFY',
        headers: [
          ['Event', 'refer'],
          ['Subscription-State', final ? 'terminated;reason=noresource' : 'active;expires=60'],
          core.contact(),
        ],
        body: `SIP/2.0 ${status} ${reason ?? REASON_PHRASES[status] ?? ''}\r\n`,
        contentType: SIPFRAG,
        dialogFailureEnds: false,
      });
    };
    const referredBy = uriOf(req.headers.get('Referred-By'));
    const request: ReferRequest = {
      referTo,
      ...(referredBy !== undefined ? { referredBy } : {}),
      accept: () => {
        if (answered) return;
        answered = true;
        core.respond(tx, req, 202, { headers: [core.contact()] });
        notify(100, 'Trying');
      },
      reject: (status, reason) => {
        if (answered) return;
        answered = true;
        terminated = true;
        core.respond(tx, req, status, reason !== undefined ? { reason } : {});
      },
      notify,
    };
    core.emit('refer', request);
  }

  transfer(target: string): void {
    const core = this.core;
    const d = core.dialog;
    if (core.isTerminated || core.state !== 'confirmed' || d === undefined) throw new InvalidStateError('transfer needs an established call', { state: core.state });
    this.transferring = true;
    core.sendInDialog({
      method: 'REFER',
      headers: [['Refer-To', `<${target}>`], ['Referred-By', `<${formatUri(d.localParty.uri)}>`], core.contact()],
      dialogFailureEnds: false,
      onResponse: (res) => {
        if (res.status < 200) return;
        const final = res.status >= 300;
        if (final) this.transferring = false;
        core.emit('transfer', { status: res.status, reason: res.reason, final });
      },
      onNoResponse: () => {
        this.transferring = false;
        core.emit('transfer', { status: 408, reason: 'Request Timeout', final: true });
      },
    });
  }

  receiveNotify(req: SipRequest, tx: ServerTx): void {
    const core = this.core;
    if (!/^\s*refer\b/i.test(req.headers.get('Event') ?? req.headers.get('o') ?? '')) return void core.respond(tx, req, 489);
    if (!this.transferring) return void core.respond(tx, req, 481);
    const m = /^SIP\/2\.0 (\d{3})(?: ([^\r\n]*))?/.exec(req.body.toString('utf8'));
    core.respond(tx, req, m ? 200 : 400);
    if (!m) return;
    const final = /^\s*terminated/i.test(req.headers.get('Subscription-State') ?? '');
    if (final) this.transferring = false;
    const reason = m[2];
    core.emit('transfer', { status: Number(m[1]), ...(reason !== undefined ? { reason } : {}), final });
  }
}
