/**
 * Parsing of Digest challenges (WWW-Authenticate / Proxy-Authenticate values) and choice
 * among several offered challenges.
 *
 * References: RFC 3261 §22.1, §22.3 and §25.1 (challenge grammar in SIP); RFC 2617 §3.2.1
 * and RFC 7616 §3.3 (the digest-challenge parameters: realm, domain, nonce, opaque, stale,
 * algorithm, qop, charset, userhash); RFC 8760 §2.3–2.4 (several challenges, one per
 * algorithm, with the UAC choosing a supported one).
 */

import { algorithmStrength, parseAlgorithm, type DigestAlgorithm } from './algorithm.js';
import { AuthParseError } from './errors.js';
import { parseAuthItems, quote, type AuthItem } from './params.js';

export type Qop = 'auth' | 'auth-int';

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  /** MD5 when the challenge has no algorithm parameter (RFC 7616 §3.3). */
  readonly algorithm: DigestAlgorithm;
  /** Offered qop values we understand; empty = RFC 2069 compatibility (no qop). */
  readonly qop: readonly Qop[];
  readonly stale: boolean;
  /** Protection space URIs (space-separated in the header). */
  readonly domain: readonly string[];
  /** RFC 7616 §3.4.4: the server accepts a hashed username. */
  readonly userhash: boolean;
  readonly charset?: string;
}

function isDigest(item: AuthItem): boolean {
  return item.scheme.toLowerCase() === 'digest';
}

/** Builds a challenge from one parsed Digest item. */
export function challengeFromItem(item: AuthItem): DigestChallenge | AuthParseError {
  const p = item.params;
  const realm = p.get('realm')?.value;
  const nonce = p.get('nonce')?.value;
  if (realm === undefined) return new AuthParseError('missing-param', 'Digest challenge without realm', { param: 'realm' });
  if (nonce === undefined || nonce === '') return new AuthParseError('missing-param', 'Digest challenge without nonce', { param: 'nonce' });

  const algToken = p.get('algorithm')?.value;
  const algorithm = algToken === undefined ? 'MD5' : parseAlgorithm(algToken);
  if (algorithm === undefined) {
    return new AuthParseError('unsupported', `unsupported digest algorithm "${algToken ?? ''}"`, { algorithm: algToken });
  }

  const qop: Qop[] = [];
  const qopParam = p.get('qop');
  if (qopParam !== undefined) {
    const offered = qopParam.value.split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== '');
    for (const q of offered) if ((q === 'auth' || q === 'auth-int') && !qop.includes(q)) qop.push(q);
    // RFC 7616 §3.4: the client must use one of the offered qop values; none of them is ours.
    if (qop.length === 0) return new AuthParseError('unsupported', `unsupported qop "${qopParam.value}"`, { qop: qopParam.value });
  }

  const opaque = p.get('opaque')?.value;
  const charset = p.get('charset')?.value;
  const domain = p.get('domain')?.value.split(/\s+/).filter((d) => d !== '') ?? [];
  return {
    realm,
    nonce,
    ...(opaque !== undefined ? { opaque } : {}),
    algorithm,
    qop,
    stale: p.get('stale')?.value.toLowerCase() === 'true',
    domain,
    userhash: p.get('userhash')?.value.toLowerCase() === 'true',
    ...(charset !== undefined ? { charset } : {}),
  };
}

/**
 * Parses a WWW-Authenticate or Proxy-Authenticate value. When the value holds several
 * challenges, returns the first Digest one (use `pickChallenge` to choose among them).
 */
export function parseChallenge(headerValue: string): DigestChallenge | AuthParseError {
  const items = parseAuthItems(headerValue);
  if (items instanceof AuthParseError) return items;
  const digest = items.find(isDigest);
  if (digest === undefined) {
    return new AuthParseError('not-digest', `not a Digest challenge (scheme "${items[0]?.scheme ?? ''}")`, { scheme: items[0]?.scheme });
  }
  return challengeFromItem(digest);
}

/** Every challenge in every value, in order, each parsed or refused. */
export function parseChallenges(values: readonly string[]): (DigestChallenge | AuthParseError)[] {
  const out: (DigestChallenge | AuthParseError)[] = [];
  for (const value of values) {
    const items = parseAuthItems(value);
    if (items instanceof AuthParseError) {
      out.push(items);
      continue;
    }
    for (const item of items) {
      out.push(isDigest(item) ? challengeFromItem(item) : new AuthParseError('not-digest', `scheme "${item.scheme}" is not Digest`, { scheme: item.scheme }));
    }
  }
  return out;
}

const REASON_RANK = { 'unsupported': 3, 'missing-param': 2, 'syntax': 1, 'not-digest': 0 } as const;

/**
 * Chooses among the challenges of a 401/407 (all its WWW-Authenticate or Proxy-Authenticate
 * values). RFC 8760 §2.3 has the UAS list one challenge per algorithm, most preferred first,
 * and §2.4 lets the UAC's local policy choose among the supported ones: ours is the strongest
 * hash (SHA-512-256 > SHA-256 > MD5), ties going to the topmost. Unsupported and malformed
 * challenges are skipped; when none is usable, the most informative error is returned.
 */
export function pickChallenge(values: readonly string[]): DigestChallenge | AuthParseError {
  let best: DigestChallenge | undefined;
  let error: AuthParseError | undefined;
  for (const c of parseChallenges(values)) {
    if (c instanceof AuthParseError) {
      if (error === undefined || REASON_RANK[c.reason] > REASON_RANK[error.reason]) error = c;
    } else if (best === undefined || algorithmStrength(c.algorithm) > algorithmStrength(best.algorithm)) {
      best = c;
    }
  }
  return best ?? error ?? new AuthParseError('missing-param', 'no challenge offered', {});
}

/**
 * Renders a challenge as a WWW-Authenticate / Proxy-Authenticate value (server side, e.g.
 * the mock registrar). RFC 7616 §3.3: realm, domain, nonce, opaque and qop are quoted;
 * algorithm, stale, charset and userhash are tokens.
 */
export function formatChallenge(c: DigestChallenge): string {
  const parts = [`realm=${quote(c.realm)}`];
  if (c.domain.length > 0) parts.push(`domain=${quote(c.domain.join(' '))}`);
  parts.push(`nonce=${quote(c.nonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.stale) parts.push('stale=true');
  parts.push(`algorithm=${c.algorithm}`);
  if (c.qop.length > 0) parts.push(`qop=${quote(c.qop.join(','))}`);
  if (c.charset !== undefined) parts.push(`charset=${c.charset}`);
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
