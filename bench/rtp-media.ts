/**
 * The media path under load, against DESIGN §9: RTP send timing, added one-way
 * latency both ways, CPU per call and RSS with 4 calls up while the web server
 * is being hammered.
 *
 * Processes (each its own event loop, so one's work does not skew another's clock):
 * - the box (bench/rtp-media-box.ts, forked like bench/sip-calls.ts, but run with plain
 *   node and the device's node flags on the built dist/, see rtp-media-build.ts, because
 *   tsx adds ~27 MB of RSS):
 *   Fastify answering GET /api/status and, from phase B on, CALLS calls, each a
 *   ClockedAudioPort (one real-time VirtualFrameClock on the SystemClock for all
 *   lines; a 1 kHz tone as the line audio) → MediaBridge (PCMU, 20 ms, echo
 *   canceller, rfc4733, jitter-buffer minimum JITTER_MIN_MS: the smallest the
 *   settings allow) ⇄ RtpSession (RtpPortAllocator, 127.0.0.1, rtcp-mux);
 * - the web load (bench/rtp-media-load.ts, under tsx): 20 keep-alive GETs in flight,
 *   paced to WEB_RATE requests/s, or unpaced in phase C;
 * - this process: one UDP socket per call, the far end. It timestamps every
 *   packet of the box with process.hrtime at receipt and answers each one at
 *   once with a PCMU packet of its own stream (own SSRC, sequence and
 *   timestamps, +160 per packet), so the box receives a steady 20 ms stream paced
 *   by its own sending. Each payload carries a tag that lets the box match the
 *   frames it plays to the packets they came from (rtp-media-protocol.ts).
 *
 * Phases: warm-up WARM_MS; A: BASELINE_MS with 0 calls and the web load at
 * WEB_RATE; the calls start and warm up CALL_WARM_MS; B: WINDOW_MS with 4 calls
 * and the same web load (all figures); C: SATURATED_MS with the web load unpaced
 * (the box's CPU saturated: send timing and latency in the worst case).
 *
 * Figures:
 * (1) send timing: |interval − 20 ms| between consecutive packets of one call
 *     at this process, all calls pooled, p50/p99/max (includes loopback and this
 *     process's own wake-up delays); beside it the same taken in the box when
 *     session.send returns, and the box's frame-clock timer lateness.
 * (2) line → wire: in the box, from our onFrame listener (registered before the
 *     bridge's, so it runs just before it in the same tick) to the wrapped
 *     session.send returning for the packet that frame completed. The added
 *     latency adds the 20 ms the device spends capturing a frame before it is handed over.
 * (3) wire → line: in the box, from the session delivering a packet (onPacket
 *     tap) to the bridge writing its frame to the port, and to the port playing
 *     it; plus the jitter buffer's currentDelayMs and the port queue depth after
 *     the write. The added latency is arrival → played + the PLC's fixed 3.75 ms
 *     (measured), and currentDelayMs + queue depth × 20 ms + 3.75 ms (estimated).
 *     As the far end answers each packet at once, packets arrive just after the
 *     box's tick: each waits almost a whole frame for the next one (the worst
 *     phase). The measured arrival → write counts that wait; currentDelayMs,
 *     relative to the fastest packet, apparently does not (in the runs so far
 *     arrival → write p50 exceeds its mean by ~18 ms).
 * (4) CPU per call: (box CPU in B − box CPU in A) / 4, per second of wall time,
 *     100 % = one core (both windows carry the same paced web load).
 * (5) RSS of the box at the end of B (4 calls up). The box is the media path and
 *     Fastify only (no SIP stack, database or board), on the built dist/.
 *
 * Run: npm run bench -- rtp-media   (= npm run -s build && node --import tsx bench/run.ts rtp-media)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isRtcpPacket } from '../src/rtp/packet.js';
import { nowMs, summarize, TAG_BYTES, TAGS, type BoxStats, type FromBox, type FromLoad, type LoadCount, type Summary, type ToBox, type ToLoad } from './rtp-media-protocol.js';
import { buildBoxOnDist, deviceNodeFlags, type BuiltBox } from './rtp-media-build.js';

const CALLS = 4;
const WEB_RATE = 1000;
const JITTER_MIN_MS = 20;
const WARM_MS = 2000;
const BASELINE_MS = 8000;
const CALL_WARM_MS = 3000;
const WINDOW_MS = 22_000;
const SATURATED_MS = 10_000;
const PTIME_MS = 20;

const BUDGET = { intervalP99Ms: 2, latencyMs: 40, cpuPerCallPct: 2, rssMb: 80 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A forked child answering each message with one message, in order. */
class IpcChild<To, From extends { type: string }> {
  private waiting: ((m: From) => void)[] = [];
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: From) => this.waiting.shift()?.(m));
  }

  static start<To, From extends { type: string }>(file: string, args: string[], execArgv: string[]): Promise<{ proc: IpcChild<To, From>; ready: From }> {
    const child = fork(file, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`${file} exited (${code}) before it was ready`));
      child.once('exit', onExit);
      child.once('message', (m: From) => {
        child.off('exit', onExit);
        resolve({ proc: new IpcChild<To, From>(child), ready: m });
      });
    });
  }

  ask(m: To): Promise<From> {
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null || !this.child.connected) {
        reject(new Error('child process is gone'));
        return;
      }
      this.waiting.push(resolve);
      this.child.send(m as object);
    });
  }

  async expect<T extends From['type']>(m: To, type: T): Promise<Extract<From, { type: T }>> {
    const r = await this.ask(m);
    if (r.type !== type) throw new Error(`expected ${type} from a child, got ${r.type}`);
    return r as Extract<From, { type: T }>;
  }

  /** Asks it to stop (it answers, then exits); kills it after a timeout. */
  async stop(m: To): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    try {
      this.child.send(m as object);
    } catch {
      // channel already closed
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** The far end of one call: receives the box's packets, times them and answers each with one of its own. */
class FarEnd {
  readonly socket: Socket;
  port = 0;
  private lastAt = 0;
  private lastSeq = -1;
  private seq = Math.floor(Math.random() * 0x10000);
  private ts = Math.floor(Math.random() * 2 ** 32);
  private readonly ssrc = Math.floor(Math.random() * 2 ** 32);
  private n = 0;
  deviations: number[] = [];
  received = 0;
  gaps = 0;
  rtcp = 0;

  constructor() {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
  }

  async bind(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(0, '127.0.0.1', () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    this.port = this.socket.address().port;
  }

  reset(): void {
    this.deviations = [];
    this.received = 0;
    this.gaps = 0;
    this.rtcp = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const t = nowMs();
    if (isRtcpPacket(msg)) {
      this.rtcp++;
      return;
    }
    if (msg.length < 12 || ((msg[1] ?? 0) & 0x7f) !== 0) return; // PCMU only
    const seq = msg.readUInt16BE(2);
    if (this.lastAt > 0) this.deviations.push(Math.abs(t - this.lastAt - PTIME_MS));
    if (this.lastSeq >= 0 && seq !== ((this.lastSeq + 1) & 0xffff)) this.gaps++;
    this.lastAt = t;
    this.lastSeq = seq;
    this.received++;
    this.echo(rinfo);
  }

  private echo(to: RemoteInfo): void {
    const out = Buffer.allocUnsafe(12 + 160);
    out[0] = 0x80;
    out[1] = this.n === 0 ? 0x80 : 0x00; // marker on the first packet, PT 0
    out.writeUInt16BE(this.seq, 2);
    out.writeUInt32BE(this.ts, 4);
    out.writeUInt32BE(this.ssrc, 8);
    out.fill(TAG_BYTES[this.n % TAGS] ?? 0xff, 12);
    this.n++;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + 160) >>> 0;
    this.socket.send(out, to.port, to.address);
  }
}

interface Window {
  box: BoxStats;
  load: LoadCount;
  deviations: Summary;
  received: number;
  expected: number;
  gaps: number;
}

async function measure(box: IpcChild<ToBox, FromBox>, load: IpcChild<ToLoad, FromLoad>, far: FarEnd[], ms: number): Promise<Window> {
  await box.expect({ cmd: 'reset' }, 'reset');
  await load.expect({ cmd: 'reset' }, 'ok');
  for (const f of far) f.reset();
  await sleep(ms);
  const { stats } = await box.expect({ cmd: 'stats' }, 'stats');
  const { count } = await load.expect({ cmd: 'count' }, 'count');
  const deviations: number[] = [];
  for (const f of far) for (const d of f.deviations) deviations.push(d);
  return {
    box: stats, load: count, deviations: summarize(deviations),
    received: far.reduce((a, f) => a + f.received, 0),
    expected: stats.calls * Math.round(stats.wallMs / PTIME_MS),
    gaps: far.reduce((a, f) => a + f.gaps, 0),
  };
}

// ---------------------------------------------------------------- report

const f = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : '-');
const cpuPct = (s: BoxStats): number => (s.cpuUs / 1000 / s.wallMs) * 100;
const rps = (l: LoadCount): number => (l.ok / l.wallMs) * 1000;

function row(figure: string, value: string, budget = '', over = false): void {
  console.log(`  ${figure.padEnd(58)} ${value.padEnd(34)} ${budget.padEnd(22)}${over ? ' OVER' : ''}`);
}

function report(a: Window, b: Window, c: Window): void {
  const web = (w: Window): string => `${f(rps(w.load), 0)} req/s, HTTP p50/p99 ${f(w.load.latencyMs.p50)}/${f(w.load.latencyMs.p99)} ms${w.load.errors > 0 ? `, ${w.load.errors} errors` : ''} (generator CPU ${f(w.load.cpuPct, 0)} %)`;
  const pms = (s: Summary, d = 2): string => `${f(s.p50, d)} / ${f(s.p99, d)} / ${f(s.max, d)} ms`;
  const header = (title: string): void => console.log(`  -- ${title}`);
  console.log(`  ${'figure'.padEnd(58)} ${'value'.padEnd(34)} ${'budget (DESIGN §9)'.padEnd(22)}`);
  header(`web load (20 keep-alive GET /api/status in flight)`);
  row('A: 0 calls, paced', web(a));
  row('B: 4 calls, paced', web(b));
  row('C: 4 calls, unpaced', web(c));

  for (const [name, w] of [['B', b], ['C', c]] as const) {
    const tx = w.box.captureToSendMs;
    const rxPlay = w.box.arrivalToPlayMs;
    const txAdded = PTIME_MS + tx.p99;
    const rxAdded = rxPlay.p99 + w.box.plcDelayMs;
    header(`${name}: ${CALLS} calls, web ${name === 'B' ? `paced at ${WEB_RATE} req/s` : 'unpaced'}, ${f(w.box.wallMs / 1000, 1)} s, box CPU ${f(cpuPct(w.box), 1)} %`);
    row('(1) send |interval − 20 ms| at the far end p50/p99/max', pms(w.deviations), `p99 ≤ ${BUDGET.intervalP99Ms} ms`, w.deviations.p99 > BUDGET.intervalP99Ms);
    row('    packets received / expected, sequence gaps', `${w.received} / ${w.expected}, ${w.gaps}`);
    row('    the same at send() in the box p50/p99/max', pms(w.box.sendIntervalDevMs), `p99 ≤ ${BUDGET.intervalP99Ms} ms`, w.box.sendIntervalDevMs.p99 > BUDGET.intervalP99Ms);
    row('    box frame-clock timer late p50/p99/max', pms(w.box.tickLateMs));
    row('    box GC pauses: count, p99/max', `${w.box.gcPauseMs.n}, ${f(w.box.gcPauseMs.p99)} / ${f(w.box.gcPauseMs.max)} ms`);
    row('(2) tx: capture listener → session.send p50/p99/max', pms(w.box.captureToSendMs, 3));
    row('    tx: tick start → session.send p50/p99/max', pms(w.box.tickToSendMs, 3));
    row('    tx added one-way: 20 ms frame + capture → send p99', `${f(txAdded)} ms`, `≤ ${BUDGET.latencyMs} ms`, txAdded > BUDGET.latencyMs);
    row('(3) rx: packet arrival → port.write p50/p99/max', pms(w.box.arrivalToWriteMs));
    row('    rx: port.write → played (port queue) p50/p99/max', pms(w.box.writeToPlayMs));
    row('    rx: port queue depth after the write mean/max (× 20 ms)', `${f(w.box.queueAfterWrite.mean)} / ${f(w.box.queueAfterWrite.max, 0)} frames`);
    row('    rx: jitter buffer currentDelayMs mean/max (target mean)', `${f(w.box.jbCurrentDelayMs.mean, 1)} / ${f(w.box.jbCurrentDelayMs.max, 1)} ms (${f(w.box.jbTargetDelayMs.mean, 1)} ms)`);
    const rxEstimate = w.box.jbCurrentDelayMs.mean + w.box.queueAfterWrite.mean * PTIME_MS + w.box.plcDelayMs;
    row('    rx estimate: jb currentDelayMs + queue × 20 ms + PLC (means)', `${f(rxEstimate)} ms`, `≤ ${BUDGET.latencyMs} ms`, rxEstimate > BUDGET.latencyMs);
    row('    rx: arrival → played p50/p99/max', pms(rxPlay));
    row(`    rx added one-way: arrival → played p99 + PLC ${f(w.box.plcDelayMs)} ms`, `${f(rxAdded)} ms`, `≤ ${BUDGET.latencyMs} ms`, rxAdded > BUDGET.latencyMs);
    row('    frames matched to packets / not', `${w.box.tagged} / ${w.box.untagged}`);
  }

  const perCall = (cpuPct(b.box) - cpuPct(a.box)) / CALLS;
  header('resources');
  row('(4) box CPU A (0 calls) / B (4 calls), % of one core', `${f(cpuPct(a.box), 2)} / ${f(cpuPct(b.box), 2)} %`);
  row('    CPU per call (B − A) / 4', `${f(perCall)} % of one core`, `≤ ${BUDGET.cpuPerCallPct} %`, perCall > BUDGET.cpuPerCallPct);
  row('(5) box RSS with 4 calls (end of B); heap used', `${f(b.box.rssMb, 1)} MB; ${f(b.box.heapMb, 1)} MB`, `≤ ${BUDGET.rssMb} MB`, b.box.rssMb > BUDGET.rssMb);
  row('    box RSS with 0 calls (end of A)', `${f(a.box.rssMb, 1)} MB`);
  const t = c.box.totals;
  console.log(`  since the calls started: ${t.framesProcessed} frames, ${t.packetsSent} packets sent, ${t.audioPacketsIn} received; jitter buffer lost ${t.jbLost}, late ${t.jbLate}, concealed ${t.jbConcealed}, underruns ${t.jbUnderruns}, skew drops/inserts ${t.jbSkewDrops}/${t.jbSkewInserts}, overflow ${t.jbOverflowDrops}; port underruns ${t.portUnderruns}, dropped ${t.portDropped}; frame clock skipped ${t.skippedTicks} ticks; bridge errors ${t.bridgeErrors}`);
  if (c.box.warnings.length > 0) console.log(`  the media path logged: ${c.box.warnings.join(' | ')}`);
}

export async function benchRtpMedia(): Promise<void> {
  const started = performance.now();
  const far = Array.from({ length: CALLS }, () => new FarEnd());
  let box: IpcChild<ToBox, FromBox> | undefined;
  let load: IpcChild<ToLoad, FromLoad> | undefined;
  let built: BuiltBox | undefined;
  const loadBefore = loadavg();
  try {
    await Promise.all(far.map((e) => e.bind()));
    built = await buildBoxOnDist();
    const flags = await deviceNodeFlags();
    const b = await IpcChild.start<ToBox, FromBox>(built.file, [], flags);
    box = b.proc;
    if (b.ready.type !== 'ready') throw new Error('the box did not report its HTTP port');
    const l = await IpcChild.start<ToLoad, FromLoad>(fileURLToPath(new URL('./rtp-media-load.ts', import.meta.url)), [String(b.ready.httpPort)], ['--import', 'tsx']);
    load = l.proc;
    console.log(`${CALLS} calls: ClockedAudioPort (real-time VirtualFrameClock, 1 kHz tone) → MediaBridge (PCMU 20 ms, echo canceller, rfc4733, jitter min ${JITTER_MIN_MS} ms) ⇄ RtpSession on 127.0.0.1 in a child process (plain node ${flags.join(' ')} on dist/, the device's flags) that also serves Fastify GET /api/status (:${b.ready.httpPort});`);
    console.log(`the bench process is the far end (answers every packet with one of its own stream); another child loads the web server`);
    console.log(`command: npm run bench -- rtp-media   (phases: A ${BASELINE_MS / 1000} s 0 calls, B ${WINDOW_MS / 1000} s 4 calls, web paced at ${WEB_RATE} req/s; C ${SATURATED_MS / 1000} s 4 calls, web unpaced)`);

    await load.expect({ cmd: 'rate', rate: WEB_RATE }, 'ok');
    await sleep(WARM_MS);
    const a = await measure(box, load, far, BASELINE_MS);
    await box.expect({ cmd: 'calls', farPorts: far.map((e) => e.port), jitterMinMs: JITTER_MIN_MS }, 'calls');
    await sleep(CALL_WARM_MS);
    const bw = await measure(box, load, far, WINDOW_MS);
    await load.expect({ cmd: 'rate', rate: null }, 'ok');
    await sleep(1000);
    const cw = await measure(box, load, far, SATURATED_MS);
    report(a, bw, cw);
  } finally {
    await load?.stop({ cmd: 'stop' });
    await box?.stop({ cmd: 'stop' });
    await Promise.all(far.map((e) => e.close()));
    await built?.cleanup();
  }
  const loadAfter = loadavg();
  const cores = availableParallelism();
  const busy = Math.max(loadBefore[0] ?? 0, loadAfter[0] ?? 0) > cores;
  console.log(`  machine: ${cores} cores, load average (1 min) ${f(loadBefore[0] ?? NaN)} before, ${f(loadAfter[0] ?? NaN)} after${busy ? ' — more runnable work than cores: timing figures include waits for a CPU' : ''}`);
  console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
