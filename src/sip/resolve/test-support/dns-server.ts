/**
 * A tiny authoritative DNS server on UDP loopback for testing systemDnsClient against
 * node's real resolver without touching the network: A (RFC 1035), AAAA (RFC 3596),
 * SRV (RFC 2782) and NAPTR (RFC 3403) answers, any RCODE, or silence (a timeout).
 */
import { createSocket, type Socket } from 'node:dgram';

export const TYPE = { A: 1, AAAA: 28, SRV: 33, NAPTR: 35 } as const;
export type RecordType = keyof typeof TYPE;

export type Answer =
  | { type: 'A' | 'AAAA'; address: string; ttl: number }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string; ttl: number }
  | { type: 'NAPTR'; order: number; preference: number; flags: string; service: string; regexp: string; replacement: string; ttl: number };

/** What to do with a query: answer (RCODE 0 when not given), or say nothing at all. */
export type Behaviour = { rcode?: number; answers?: Answer[] } | 'drop';

export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l !== '');
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

function charString(s: string): Buffer {
  return Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'ascii')]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function u16(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16BE(v, i * 2));
  return b;
}

function rdata(a: Answer): Buffer {
  switch (a.type) {
    case 'A':
      return Buffer.from(a.address.split('.').map(Number));
    case 'AAAA':
      return ipv6Bytes(a.address);
    case 'SRV':
      return Buffer.concat([u16(a.priority, a.weight, a.port), encodeName(a.target)]);
    case 'NAPTR':
      return Buffer.concat([u16(a.order, a.preference), charString(a.flags), charString(a.service), charString(a.regexp), encodeName(a.replacement)]);
  }
}

function record(a: Answer): Buffer {
  const data = rdata(a);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  head.writeUInt16BE(TYPE[a.type], 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(a.ttl, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

export class TestDnsServer {
  /** "TYPE name" → behaviour; anything else gets NXDOMAIN. */
  readonly zone = new Map<string, Behaviour>();
  readonly queries: string[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (msg, rinfo) => this.onQuery(msg, rinfo.port, rinfo.address));
  }

  static open(): Promise<TestDnsServer> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve(new TestDnsServer(socket, socket.address().port)));
    });
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  set(type: RecordType, name: string, behaviour: Behaviour): this {
    this.zone.set(`${type} ${name}`, behaviour);
    return this;
  }

  private onQuery(msg: Buffer, port: number, address: string): void {
    let off = 12;
    const labels: string[] = [];
    while (off < msg.length && msg[off] !== 0) {
      const len = msg[off] ?? 0;
      labels.push(msg.subarray(off + 1, off + 1 + len).toString('ascii'));
      off += 1 + len;
    }
    const qEnd = off + 5;
    const qtype = msg.readUInt16BE(off + 1);
    const typeName = (Object.keys(TYPE) as RecordType[]).find((k) => TYPE[k] === qtype) ?? String(qtype);
    const key = `${typeName} ${labels.join('.').toLowerCase()}`;
    this.queries.push(key);
    const behaviour = this.zone.get(key) ?? { rcode: RCODE.NXDOMAIN };
    if (behaviour === 'drop') return;
    const answers = behaviour.answers ?? [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8000 | 0x0400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | (behaviour.rcode ?? 0), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const reply = Buffer.concat([header, msg.subarray(12, qEnd), ...answers.map(record)]);
    this.socket.send(reply, port, address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
