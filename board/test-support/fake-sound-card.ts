/**
 * A port's USB sound card for the hardware-board rig (hardware-rig.ts): each open
 * makes a real AlsaAudioPort over fresh fake PCM streams (alsa/test-support/
 * fake-pcm.ts), the way `openHardwareBoard`'s `openAudio` does on the device.
 *
 * The rig clocks every card from the fake clock: `tick(ms)` delivers one capture
 * period (ms of the device's input, taken from the card's `io.captured` at the
 * native rate) and runs the playback device for the same time, handing what it
 * played to `io.played`, so captured audio, played audio and the fake clock move
 * together. While the card is away (unplugged, or not reopened yet) the device
 * end hears silence.
 *
 * `unplug()` is a USB unplug: the capture stream fails with ENODEV (as the ALSA
 * binding reports it) and every later open throws ENODEV, until `plug()`.
 */
import { constants } from 'node:os';
import { AlsaError, type AlsaPcmOptions } from '../../audio/alsa/alsa-pcm.js';
import type { Logger } from '../../src/log.js';
import { AlsaAudioPort } from '../alsa/alsa-audio-port.js';
import { FakeCapture, FakePlayback } from '../alsa/test-support/fake-pcm.js';
import type { AudioDeviceSpec } from '../profiles/profile-types.js';
import { CARD_RATE } from './line-audio-io.js';

/** The device end of a card: what goes into its microphone input, what comes out of its speaker output. */
export interface CardIo {
  /** The next `n` captured samples (native rate, mono). */
  captured(n: number): Int16Array;
  /** Samples the playback device played (native rate, mono), in order. */
  played(pcm: Int16Array): void;
}

/** Whatever stands at a card's device end sets `io` (the phones and the landline of the rigs). */
export interface DeviceEnd {
  io: CardIo;
}

const SILENT_IO: CardIo = { captured: (n) => new Int16Array(n), played: () => {} };

export class FakeSoundCard implements DeviceEnd {
  io: CardIo = SILENT_IO;
  /** Successful opens so far. */
  opens = 0;
  /** Opens refused while unplugged. */
  refusedOpens = 0;
  /** The AlsaAudioPort of the latest successful open. */
  audio: AlsaAudioPort | undefined;
  private capture: FakeCapture | undefined;
  private playback: FakePlayback | undefined;
  private unplugged = false;

  constructor(
    readonly port: number,
    readonly device: string,
  ) {}

  /** The capture opener (`AlsaAudioPortOptions.open.capture`): a fresh fake stream, or ENODEV while unplugged. */
  readonly openCapture = (o: AlsaPcmOptions): FakeCapture => {
    this.refuseWhileUnplugged();
    this.capture = new FakeCapture(o);
    return this.capture;
  };

  /** The playback opener: a fresh fake stream that records what it plays. */
  readonly openPlayback = (o: AlsaPcmOptions): FakePlayback => {
    this.refuseWhileUnplugged();
    const p = new FakePlayback(o);
    p.record = true;
    this.playback = p;
    return p;
  };

  /** The card is open and working now. */
  get live(): boolean {
    return this.capture !== undefined && !this.capture.closed;
  }

  /** Stops delivering: the next opens fail and the streams open now fail with ENODEV. */
  unplug(): void {
    this.unplugged = true;
    this.capture?.fail('ENODEV');
  }

  plug(): void {
    this.unplugged = false;
  }

  /** `ms` of device time: one capture period from `io.captured`, then the playback device for as long. */
  tick(ms: number): void {
    const cap = this.capture;
    const n = Math.round((CARD_RATE * ms) / 1000);
    // The device end keeps talking whether or not the card is there (what it says meanwhile is lost).
    const mic = this.io.captured(cap?.periodFrames ?? n);
    if (cap !== undefined && !cap.closed) cap.period(mic);
    const pb = this.playback;
    const played = pb !== undefined && !pb.closed ? this.runPlayback(pb, ms) : [];
    if (played.length === 0) this.io.played(new Int16Array(n));
    for (const p of played) this.io.played(p);
  }

  private runPlayback(pb: FakePlayback, ms: number): Int16Array[] {
    const periods = Math.round((pb.rate * ms) / 1000 / pb.periodFrames);
    for (let i = 0; i < periods; i++) pb.devicePeriod();
    return pb.played.splice(0);
  }

  private refuseWhileUnplugged(): void {
    if (!this.unplugged) return;
    this.refusedOpens++;
    throw new AlsaError(`${this.device}: No such device`, 'ENODEV', constants.errno.ENODEV, this.device);
  }
}

/** Every port's card, and the `openAudio` dependency of openHardwareBoard that opens them. */
export class FakeSoundCards {
  private readonly cards = new Map<number, FakeSoundCard>();

  constructor(private readonly log: Logger) {}

  card(port: number, device = `fake:${port}`): FakeSoundCard {
    let c = this.cards.get(port);
    if (c === undefined) {
      c = new FakeSoundCard(port, device);
      this.cards.set(port, c);
    }
    return c;
  }

  /** `HardwareDeps.openAudio`: a real AlsaAudioPort over this port's fake streams. */
  readonly openAudio = (spec: AudioDeviceSpec, port: number, lost: (reason: string) => void): AlsaAudioPort => {
    const card = this.card(port, spec.device);
    const audio = new AlsaAudioPort({ spec, log: this.log.child({ port }), onLost: lost, open: { capture: card.openCapture, playback: card.openPlayback } });
    card.opens++;
    card.audio = audio;
    return audio;
  };

  tick(ms: number): void {
    for (const c of this.cards.values()) c.tick(ms);
  }
}
