/**
 * IP address literals: parsing to bytes and the canonical text form used to
 * compare addresses (RFC 4291 §2.2 text forms, RFC 5952 §4 canonical IPv6,
 * RFC 4291 §2.5.5.2 IPv4-mapped addresses taken as the IPv4 address).
 * Shared by the inbound policy (comparisons) and the trace (pcap synthesis).
 */

export interface ParsedIp {
  readonly family: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
  /** The IPv6 zone (`eth0` in `fe80::1%eth0`), lowercased, when present. */
  readonly zone?: string;
}

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP_RE = /^[0-9a-f]{1,4}$/i;

function parseIpv4(text: string): Uint8Array | undefined {
  const m = IPV4_RE.exec(text);
  if (m === null) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1] ?? '';
    // Leading zeros are ambiguous (octal in some parsers): refuse them.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const g of text.split(':')) {
    if (!HEX_GROUP_RE.test(g)) return undefined;
    groups.push(parseInt(g, 16));
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | undefined {
  let body = text;
  let tail: number[] = [];
  // An embedded IPv4 address in the last 32 bits (::ffff:192.0.2.1).
  const lastColon = body.lastIndexOf(':');
  if (lastColon >= 0 && body.includes('.', lastColon)) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    body = body.slice(0, lastColon + 1);
    // "::ffff:" leaves a trailing ':' to drop unless it is part of "::".
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  let groups: number[];
  if (halves.length === 1) {
    const all = parseGroups(body);
    if (all === undefined) return undefined;
    groups = [...all, ...tail];
    if (groups.length !== 8) return undefined;
  } else if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? '');
    const rest = parseGroups(halves[1] ?? '');
    if (head === undefined || rest === undefined) return undefined;
    const known = head.length + rest.length + tail.length;
    if (known > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
  } else {
    return undefined;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/**
 * Parses an IPv4 or IPv6 literal (brackets and an IPv6 zone allowed). IPv4-mapped
 * IPv6 addresses (`::ffff:1.2.3.4`, also written `::ffff:102:304`) come back as IPv4.
 * Returns undefined for anything that is not an IP literal (host names included).
 */
export function parseIp(address: string): ParsedIp | undefined {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, bytes: v4 };
  if (!text.includes(':')) return undefined;
  let zone: string | undefined;
  const pct = text.indexOf('%');
  if (pct >= 0) {
    zone = text.slice(pct + 1).toLowerCase();
    text = text.slice(0, pct);
    if (zone === '') return undefined;
  }
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (MAPPED_PREFIX.every((b, i) => v6[i] === b)) return { family: 4, bytes: v6.slice(12) };
  return zone === undefined ? { family: 6, bytes: v6 } : { family: 6, bytes: v6, zone };
}

/** The text form of parsed bytes: dotted quad, or RFC 5952 canonical IPv6 (with its zone). */
export function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return Array.from(ip.bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((ip.bytes[i * 2] ?? 0) << 8) | (ip.bytes[i * 2 + 1] ?? 0));
  // RFC 5952 §4.2: compress the longest run (first on ties) of two or more zero groups.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  let text: string;
  if (bestStart < 0) {
    text = hex.join(':');
  } else {
    text = `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
  }
  return ip.zone === undefined ? text : `${text}%${ip.zone}`;
}

/**
 * The form two addresses are compared in: IPv4 dotted quad (IPv4-mapped IPv6
 * unwrapped), canonical IPv6, or, for anything that is not an IP literal, the
 * trimmed lowercased text (so it still compares equal only to itself).
 */
export function canonicalIp(address: string): string {
  const ip = parseIp(address);
  return ip === undefined ? address.trim().toLowerCase() : formatIp(ip);
}
