/**
 * The USB sound cards of a hardware profile as ALSA's own software PCMs make them,
 * for end-to-end tests of the real process (test/support/hardware-box-child.ts):
 * the profile's device names (`plughw:CARD=Device,DEV=0`) resolve, through an
 * ALSA configuration of our own (ALSA_CONFIG_PATH), to the `file` plugin over
 * `null`: playback appends raw S16_LE to `out-<CARD>.raw`, capture reads
 * `in-<CARD>.raw` from where it got to, and silence past its end. The process
 * opens them with the real addon (paced: software PCMs have no clock of their own).
 *
 * `FileSoundCard` is the device end of one card (the CardIo of fake-sound-card.ts):
 * every 20 ms of real time it hands what the playback file gained to `io.played`,
 * and appends to the capture file what `io.captured` says, for the time that
 * passed. While the device says nothing (silence) nothing is appended, so the
 * reader sits at the end of the file and hears silence; when it speaks again,
 * 60 ms of silence go first, so the reader, running at the same rate, does not
 * catch up with the writer on timer jitter.
 */
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Timer } from '../../src/clock.js';
import type { CardIo, DeviceEnd } from './fake-sound-card.js';
import { CARD_RATE } from './line-audio-io.js';

const TICK_MS = 20;
/** Appended ahead of speech after a quiet spell: the reader's margin. */
const LEAD_MS = 60;
/** A quiet spell this long lets the writer stop (the reader then reaches the end). */
const QUIET_MS = 200;

const SILENT_IO: CardIo = { captured: (n) => new Int16Array(n), played: () => {} };

/** The CARD argument of a device like `plughw:CARD=Device_1,DEV=0`. */
export function cardName(device: string): string {
  const m = /CARD=([^,]+)/.exec(device);
  if (m?.[1] === undefined) throw new Error(`${device}: no CARD= in the device name`);
  return m[1];
}

/** Writes `asound.conf` into `dir`: `plughw:CARD=X,DEV=N` is the file pair in-X.raw / out-X.raw there. Returns its path. */
export function writeFileCardsAlsaConfig(dir: string): string {
  const file = (prefix: string): string => `{ @func concat strings [ ${JSON.stringify(join(dir, prefix))} $CARD ".raw" ] }`;
  const path = join(dir, 'asound.conf');
  writeFileSync(path, [
    '# Written by board/test-support/file-sound-card.ts: every card is a pair of raw files.',
    'pcm.null { type null }',
    'pcm.plughw {',
    '  @args [ CARD DEV ]',
    '  @args.CARD { type string }',
    '  @args.DEV { type integer default 0 }',
    '  type asym',
    `  playback.pcm { type file slave.pcm "null" file ${file('out-')} format "raw" }`,
    `  capture.pcm { type file slave.pcm "null" file "/dev/null" infile ${file('in-')} format "raw" }`,
    '}',
    '',
  ].join('\n'));
  return path;
}

export class FileSoundCard implements DeviceEnd {
  io: CardIo = SILENT_IO;
  readonly inFile: string;
  readonly outFile: string;
  private timer: Timer | undefined;
  private last = 0;
  private due = 0;
  private readAt = 0;
  private odd: Buffer = Buffer.alloc(0);
  private quietMs = QUIET_MS;

  constructor(
    readonly device: string,
    dir: string,
    private readonly clock: Clock,
  ) {
    const card = cardName(device);
    this.inFile = join(dir, `in-${card}.raw`);
    this.outFile = join(dir, `out-${card}.raw`);
    writeFileSync(this.inFile, Buffer.alloc(0));
  }

  start(): void {
    this.last = this.clock.now();
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(TICK_MS, () => {
      this.tick();
      this.schedule();
    });
  }

  private tick(): void {
    const now = this.clock.now();
    this.due += ((now - this.last) * CARD_RATE) / 1000;
    this.last = now;
    const n = Math.floor(this.due);
    this.due -= n;
    if (n > 0) this.capture(n);
    this.playback();
  }

  private capture(n: number): void {
    const said = this.io.captured(n);
    const silent = said.every((s) => s === 0);
    const wasQuiet = this.quietMs >= QUIET_MS;
    this.quietMs = silent ? this.quietMs + (n * 1000) / CARD_RATE : 0;
    if (silent && wasQuiet) return;
    const lead = wasQuiet ? new Int16Array((LEAD_MS * CARD_RATE) / 1000) : new Int16Array(0);
    appendFileSync(this.inFile, Buffer.concat([bytes(lead), bytes(said)]));
  }

  private playback(): void {
    if (!existsSync(this.outFile)) return;
    const fd = openSync(this.outFile, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < this.readAt) this.readAt = 0; // the file was truncated: a new open of the card
      if (size === this.readAt) return;
      const chunk = Buffer.alloc(size - this.readAt);
      const got = readSync(fd, chunk, 0, chunk.length, this.readAt);
      this.readAt += got;
      const all = Buffer.concat([this.odd, chunk.subarray(0, got)]);
      const whole = all.length & ~1;
      this.odd = all.subarray(whole);
      const pcm = new Int16Array(whole / 2);
      Buffer.from(pcm.buffer).set(all.subarray(0, whole));
      this.io.played(pcm);
    } finally {
      closeSync(fd);
    }
  }
}

function bytes(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
