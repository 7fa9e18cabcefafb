/**
 * SIP parse + serialize throughput (messages/s) of a typical INVITE with SDP, a 200 OK
 * with SDP and a REGISTER. Each parse also asks for the typed headers a stack needs
 * (top Via, From, To, CSeq, Call-ID, Contact). DESIGN §9 asks for ≥ 3× the sip.js parser;
 * the `sip` and `sip.js` npm packages are measured only when installed (imported
 * dynamically), otherwise the bench says which are missing.
 *
 * Run: node --import tsx -e "import('./bench/sip-parse.ts').then(m=>m.benchSipParse())"
 */
import { parseMessage } from '../src/sip/message/parse.js';
import { serializeMessage } from '../src/sip/message/serialize.js';
import { SAMPLE_INVITE, SAMPLE_OK, SAMPLE_REGISTER } from '../src/sip/message/samples.test-data.js';

const MIN_WALL_MS = 1000;
const CASES: [string, string][] = [
  ['INVITE+SDP', SAMPLE_INVITE],
  ['200 OK+SDP', SAMPLE_OK],
  ['REGISTER', SAMPLE_REGISTER],
];

type Runner = (text: string, bytes: Buffer) => void;

/** A module name the type checker does not resolve: these packages are optional. */
function packageName(name: string): string {
  return name;
}

function ours(_text: string, bytes: Buffer): void {
  const r = parseMessage(bytes);
  if (!r.ok) throw r.error;
  const h = r.message.headers;
  if (!h.topVia().ok || !h.from().ok || !h.to().ok || !h.cseq().ok || !h.callId().ok || !h.contact().ok) throw new Error('accessor failed');
  serializeMessage(r.message);
}

function rate(run: Runner, text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < 2000; i++) run(text, bytes); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < MIN_WALL_MS) {
    for (let i = 0; i < 1000; i++) run(text, bytes);
    n += 1000;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (n / elapsed) * 1000;
}

/** The `sip` package (kirm): parse(string) → object with parsed headers; stringify(object). */
async function loadSip(): Promise<Runner | undefined> {
  try {
    const mod = (await import(packageName('sip'))) as { parse?: (s: string) => unknown; stringify?: (m: unknown) => string; default?: { parse: (s: string) => unknown; stringify: (m: unknown) => string } };
    const api = mod.parse && mod.stringify ? { parse: mod.parse, stringify: mod.stringify } : mod.default;
    if (!api) return undefined;
    return (text) => {
      api.stringify(api.parse(text));
    };
  } catch {
    return undefined;
  }
}

/** sip.js: Grammar/Parser.parseMessage(string, logger) → IncomingMessage; toString() serializes requests built by it. */
async function loadSipJs(): Promise<Runner | undefined> {
  try {
    const mod = (await import(packageName('sip.js'))) as Record<string, unknown>;
    const core = (mod.Core ?? mod) as Record<string, unknown>;
    const parser = core.Parser as { parseMessage?: (s: string, logger: unknown) => unknown } | undefined;
    if (!parser?.parseMessage) return undefined;
    const logger = { debug: () => undefined, log: () => undefined, warn: () => undefined, error: () => undefined };
    const parse = parser.parseMessage.bind(parser);
    return (text) => {
      const m = parse(text, logger) as { toString?: () => string; data?: string } | undefined;
      if (!m) throw new Error('sip.js parse failed');
      // sip.js keeps the raw text as `data`; re-emitting it is its cheapest "serialize".
      void (m.data ?? String(m));
    };
  } catch {
    return undefined;
  }
}

export async function benchSipParse(): Promise<void> {
  const others: [string, Runner | undefined][] = [
    ['sip', await loadSip()],
    ['sip.js', await loadSipJs()],
  ];
  const missing = others.filter(([, r]) => !r).map(([n]) => n);
  for (const [name, text] of CASES) {
    const mine = rate(ours, text);
    let line = `${name.padEnd(12)} dialtone ${Math.round(mine).toLocaleString('en-US').padStart(9)} msg/s`;
    for (const [other, run] of others) {
      if (!run) continue;
      const theirs = rate(run, text);
      line += `   ${other} ${Math.round(theirs).toLocaleString('en-US')} msg/s (×${(mine / theirs).toFixed(2)})`;
    }
    console.log(line);
  }
  if (missing.length > 0) console.log(`not installed, no comparison: ${missing.join(', ')} (DESIGN §9 wants ≥ 3× sip.js)`);
}
