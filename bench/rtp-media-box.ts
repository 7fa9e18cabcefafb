/**
 * The box under test for bench/rtp-media.ts, run as a child process (plain
 * node on the built dist/, transpiled by rtp-media-build.ts): a Fastify server
 * answering GET /api/status, and on command N calls, each a ClockedAudioPort (one real-time VirtualFrameClock on a
 * SystemClock for all lines, a 1 kHz tone as the captured line audio) →
 * MediaBridge (PCMU, 20 ms, echo canceller on, rfc4733) ⇄ RtpSession on
 * 127.0.0.1 (rtcp-mux) sending to the bench's UDP socket for that call.
 *
 * Measurement taps (they add a few µs per frame to the CPU figure):
 * - tick: a subscriber registered on the frame clock before any port, so it runs
 *   first in every tick (and sees how late the timer fired);
 * - capture: our own onFrame listener on each port, registered BEFORE the
 *   bridge's, so it runs just before the bridge's listener in the same tick;
 * - send: the RtpMediaSession given to the bridge is a wrapper that notes when
 *   the real session's send returns (serialised and handed to the socket);
 * - arrival: the wrapper wraps the bridge's onPacket listener, noting when the
 *   real session delivers each packet (after parsing and SSRC tracking);
 * - write: the AudioPort given to the bridge is a wrapper noting port.write;
 * - play: the port's sink, called when the port plays a frame.
 * Frames are matched to packets by the tag the far end puts in each payload
 * (see rtp-media-protocol.ts).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import Fastify from 'fastify';
import { ClockedAudioPort, VirtualFrameClock, type AudioPort } from '../audio/port/audio-port.js';
import { SystemClock } from '../src/clock.js';
import { MemoryLogger, type LogEntry } from '../src/log.js';
import { MediaBridge } from '../src/rtp/media-bridge.js';
import type { RtpPacket } from '../src/rtp/packet.js';
import { RtpPortAllocator, type RtpSockets } from '../src/rtp/port-allocator.js';
import { RtpSession } from '../src/rtp/rtp-session.js';
import type { OutgoingRtp, RtpEndpoint, RtpMediaSession, RtpSessionStats } from '../src/rtp/types.js';
import type { NegotiatedMedia } from '../src/sip/sdp/types.js';
import { nowMs, summarize, TAG_OF_BYTE, TAG_OF_LINEAR, TAGS, type BoxStats, type FromBox, type ToBox } from './rtp-media-protocol.js';

const FRAME_MS = 20;
const TONE_AMPLITUDE = 8000; // about −9 dBm0
const PCMU_PT = 0;
/** G711Plc's fixed output delay (30 samples at 8 kHz, audio/g711/plc.ts); the bridge does not expose it. */
const PLC_DELAY_MS = 30 / 8;

/** The window's samples, cleared by 'reset'. */
class Window {
  tickLate: number[] = [];
  captureToSend: number[] = [];
  tickToSend: number[] = [];
  sendIntervalDev: number[] = [];
  arrivalToWrite: number[] = [];
  writeToPlay: number[] = [];
  arrivalToPlay: number[] = [];
  queueAfterWrite: number[] = [];
  jbCurrent: number[] = [];
  jbTarget: number[] = [];
  gcPauses: number[] = [];
  tagged = 0;
  untagged = 0;
  httpRequests = 0;
  cpu = process.cpuUsage();
  wallStart = performance.now();
}

let win = new Window();
let tickAt = 0;

/** One period of a 1 kHz tone at 8 kHz is 8 samples, so every 20 ms frame is the same. */
const TONE_FRAME = Int16Array.from({ length: 160 }, (_, i) => Math.round(TONE_AMPLITUDE * Math.sin((2 * Math.PI * 1000 * i) / 8000)));

/** The AudioPort the bridge sees: the real port, with port.write timed. */
class PortTap implements AudioPort {
  constructor(private readonly inner: ClockedAudioPort, private readonly call: Call) {}
  get sampleRate(): number { return this.inner.sampleRate; }
  get frameSamples(): number { return this.inner.frameSamples; }
  get queuedFrames(): number { return this.inner.queuedFrames; }
  onFrame(listener: (captured: Int16Array) => void): () => void { return this.inner.onFrame(listener); }
  close(): void { this.inner.close(); }
  write(frame: Int16Array): void {
    this.inner.write(frame);
    this.call.written(frame, this.inner.queuedFrames);
  }
}

/** The RtpMediaSession the bridge sees: the real session, with send and packet delivery timed. */
class SessionTap implements RtpMediaSession {
  constructor(private readonly inner: RtpSession, private readonly call: Call) {}
  get localPort(): number { return this.inner.localPort; }
  send(packet: OutgoingRtp): void {
    this.inner.send(packet);
    if (packet.payloadType === PCMU_PT) this.call.sent();
  }
  onPacket(listener: (packet: RtpPacket) => void): () => void {
    return this.inner.onPacket((p) => {
      this.call.arrived(p);
      listener(p);
    });
  }
  setRemote(remote: RtpEndpoint | undefined): void { this.inner.setRemote(remote); }
  setSending(on: boolean): void { this.inner.setSending(on); }
  stats(): RtpSessionStats { return this.inner.stats(); }
  close(): Promise<void> { return this.inner.close(); }
}

class Call {
  port!: ClockedAudioPort;
  bridge!: MediaBridge;
  session!: RtpSession;
  sockets!: RtpSockets;
  private captureAt = 0;
  private lastSendAt = 0;
  /** Per tag: when the packet carrying it arrived, and when its frame was written (0: none pending). */
  private readonly arrivalAt = new Float64Array(TAGS);
  private readonly writeAt = new Float64Array(TAGS);

  captured(): void {
    this.captureAt = nowMs();
  }

  sent(): void {
    const t = nowMs();
    win.captureToSend.push(t - this.captureAt);
    win.tickToSend.push(t - tickAt);
    if (this.lastSendAt > 0) win.sendIntervalDev.push(Math.abs(t - this.lastSendAt - FRAME_MS));
    this.lastSendAt = t;
  }

  arrived(p: RtpPacket): void {
    if (p.payloadType !== PCMU_PT) return;
    const tag = TAG_OF_BYTE[p.payload[0] ?? 0] ?? -1;
    if (tag < 0) return;
    this.arrivalAt[tag] = nowMs();
    this.writeAt[tag] = 0;
  }

  written(frame: Int16Array, queued: number): void {
    const tag = TAG_OF_LINEAR.get(frame[frame.length - 1] ?? 0);
    const arrival = tag === undefined ? 0 : (this.arrivalAt[tag] ?? 0);
    if (tag === undefined || arrival === 0 || this.writeAt[tag] !== 0) {
      win.untagged++;
      return;
    }
    const t = nowMs();
    this.writeAt[tag] = t;
    win.tagged++;
    win.arrivalToWrite.push(t - arrival);
    win.queueAfterWrite.push(queued);
  }

  played(frame: Int16Array): void {
    const tag = TAG_OF_LINEAR.get(frame[frame.length - 1] ?? 0);
    if (tag === undefined) return;
    const written = this.writeAt[tag] ?? 0;
    const arrival = this.arrivalAt[tag] ?? 0;
    if (written === 0 || arrival === 0) return;
    const t = nowMs();
    win.writeToPlay.push(t - written);
    win.arrivalToPlay.push(t - arrival);
    this.arrivalAt[tag] = 0;
    this.writeAt[tag] = 0;
  }
}

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) win.gcPauses.push(e.duration);
}).observe({ entryTypes: ['gc'] });

const clock = new SystemClock();
const logEntries: LogEntry[] = [];
const log = new MemoryLogger(logEntries, {}, 'warn');
let frameClock: VirtualFrameClock | undefined;
let calls: Call[] = [];
let allocator: RtpPortAllocator | undefined;
let sampler: NodeJS.Timeout | undefined;

const app = Fastify({ logger: false });
const startedAt = Date.now();
const LINE_NAMES = ['fxs1', 'fxs2', 'fxs3', 'fxo'];
app.get('/api/status', async () => {
  win.httpRequests++;
  return {
    version: '0.1.0',
    uptimeS: Math.round((Date.now() - startedAt) / 1000),
    board: 'sim',
    lines: LINE_NAMES.map((name, i) => ({ name, state: i < calls.length ? 'in-call' : 'idle', hook: i < calls.length ? 'off' : 'on' })),
    calls: calls.length,
    registrations: [{ account: 'bench', state: 'registered' }],
  };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const httpPort = typeof address === 'object' && address !== null ? address.port : 0;

function send(m: FromBox): void {
  process.send?.(m);
}

async function startCalls(farPorts: number[], jitterMinMs: number): Promise<number[]> {
  frameClock = new VirtualFrameClock(clock);
  let t0 = 0;
  let ticks = 0;
  const fc = frameClock;
  // First subscriber: every tick starts here, before any port plays or captures.
  fc.onTick(() => {
    tickAt = nowMs();
    ticks++;
    win.tickLate.push(performance.now() - (t0 + (ticks + fc.stats().skippedTicks) * FRAME_MS));
  });
  allocator = new RtpPortAllocator({ min: 41000, max: 41999, address: '127.0.0.1' });
  for (const [i, farPort] of farPorts.entries()) {
    const call = new Call();
    call.port = new ClockedAudioPort({ clock: fc, source: () => TONE_FRAME, sink: (f) => call.played(f), onError: (err) => log.error('port error', { err: String(err) }) });
    call.port.onFrame(() => call.captured()); // before the bridge's listener
    call.sockets = await allocator.allocate({ rtcpMux: true });
    call.session = await RtpSession.open({
      sockets: call.sockets, clock, log, rtcpMux: true, cname: `bench-${i}@127.0.0.1`, clockRate: 8000,
      remote: { address: '127.0.0.1', rtpPort: farPort, rtcpPort: farPort },
    });
    const media: NegotiatedMedia = {
      remoteAddress: '127.0.0.1',
      remotePort: farPort,
      codec: { name: 'PCMU', payloadType: PCMU_PT, clockRate: 8000, rtpClockRate: 8000 },
      telephoneEvent: { payloadType: 101, events: '0-15' },
      ptimeMs: 20,
      direction: 'sendrecv',
      remoteDirection: 'sendrecv',
      onHold: false,
      rtcpMux: true,
    };
    call.bridge = new MediaBridge({
      port: new PortTap(call.port, call), session: new SessionTap(call.session, call), media, clock, log,
      dtmfMode: 'rfc4733', jitter: { minDelayMs: jitterMinMs },
    });
    calls.push(call);
  }
  sampler = setInterval(() => {
    for (const c of calls) {
      const jb = c.bridge.stats().jitterBuffer;
      win.jbCurrent.push(jb.currentDelayMs);
      win.jbTarget.push(jb.targetDelayMs);
    }
  }, 250);
  t0 = performance.now();
  fc.start();
  return calls.map((c) => c.session.localPort);
}

async function stopCalls(): Promise<void> {
  if (sampler !== undefined) clearInterval(sampler);
  frameClock?.stop();
  for (const c of calls) {
    c.bridge.close();
    c.port.close();
  }
  await Promise.all(calls.map(async (c) => {
    await c.session.close();
    await c.sockets.release();
  }));
  calls = [];
}

function stats(): BoxStats {
  const cpu = process.cpuUsage(win.cpu);
  const mem = process.memoryUsage();
  const totals: BoxStats['totals'] = {
    framesProcessed: 0, packetsSent: 0, audioPacketsIn: 0, jbLost: 0, jbLate: 0, jbConcealed: 0, jbUnderruns: 0,
    jbSkewDrops: 0, jbSkewInserts: 0, jbOverflowDrops: 0, portUnderruns: 0, portDropped: 0, skippedTicks: frameClock?.stats().skippedTicks ?? 0, bridgeErrors: 0,
  };
  for (const c of calls) {
    const s = c.bridge.stats();
    const p = c.port.stats();
    totals.framesProcessed += s.frames;
    totals.packetsSent += s.sent.packetsSent;
    totals.audioPacketsIn += s.received.audioPackets;
    totals.jbLost += s.jitterBuffer.lost;
    totals.jbLate += s.jitterBuffer.late;
    totals.jbConcealed += s.jitterBuffer.concealed;
    totals.jbUnderruns += s.jitterBuffer.underruns;
    totals.jbSkewDrops += s.jitterBuffer.skewDrops;
    totals.jbSkewInserts += s.jitterBuffer.skewInserts;
    totals.jbOverflowDrops += s.jitterBuffer.overflowDrops;
    totals.portUnderruns += p.underruns;
    totals.portDropped += p.dropped;
    totals.bridgeErrors += s.errors;
  }
  return {
    wallMs: performance.now() - win.wallStart,
    cpuUs: cpu.user + cpu.system,
    rssMb: mem.rss / 1024 / 1024,
    heapMb: mem.heapUsed / 1024 / 1024,
    httpRequests: win.httpRequests,
    calls: calls.length,
    tickLateMs: summarize(win.tickLate),
    captureToSendMs: summarize(win.captureToSend),
    tickToSendMs: summarize(win.tickToSend),
    sendIntervalDevMs: summarize(win.sendIntervalDev),
    arrivalToWriteMs: summarize(win.arrivalToWrite),
    writeToPlayMs: summarize(win.writeToPlay),
    arrivalToPlayMs: summarize(win.arrivalToPlay),
    queueAfterWrite: summarize(win.queueAfterWrite),
    jbCurrentDelayMs: summarize(win.jbCurrent),
    jbTargetDelayMs: summarize(win.jbTarget),
    gcPauseMs: summarize(win.gcPauses),
    tagged: win.tagged,
    untagged: win.untagged,
    totals,
    warnings: logEntries.slice(0, 5).map((e) => `${e.level} ${e.msg} ${JSON.stringify(e.fields)}`),
    plcDelayMs: PLC_DELAY_MS,
  };
}

process.on('message', (m: ToBox) => {
  if (m.cmd === 'calls') {
    startCalls(m.farPorts, m.jitterMinMs).then((localPorts) => send({ type: 'calls', localPorts }), (err: unknown) => {
      console.error('rtp-media box: cannot start the calls:', err);
      process.exit(1);
    });
  } else if (m.cmd === 'reset') {
    win = new Window();
    send({ type: 'reset' });
  } else if (m.cmd === 'stats') {
    send({ type: 'stats', stats: stats() });
  } else {
    void (async () => {
      await stopCalls();
      await app.close();
      send({ type: 'stopped' });
      process.disconnect();
    })();
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', httpPort });
