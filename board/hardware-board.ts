/**
 * Opens the hardware a profile describes, as the one Board the lines use:
 * - GPIO profiles: a SLIC driver for the FXS ports and a DAA driver for the FXO
 *   port (either or both), over one GPIO backend, each port's audio on its own
 *   sound card (ALSA, reopened after an unplug), behind a ResilientBoard that
 *   retries absent or failed hardware with backoff;
 * - the voice modem: the usb-modem driver, which finds and re-initialises its
 *   modem itself after an unplug.
 * The I/O edges (GPIO backend, sound cards, serial port) are injectable, so the
 * same assembly runs on fakes in tests.
 */
import type { AudioPort } from '../audio/port/audio-port.js';
import type { Clock } from '../src/clock.js';
import type { Logger } from '../src/log.js';
import { AlsaAudioPort } from './alsa/alsa-audio-port.js';
import { RecoveringAudioPort } from './alsa/recovering-audio-port.js';
import { BoardError, type Board, type BoardPort } from './board.js';
import { CompositeBoard } from './composite-board.js';
import { DaaBoard } from './gpio-daa/daa-board.js';
import type { GpioBackend } from './gpio/gpio.js';
import { SlicBoard } from './gpio-slic/slic-board.js';
import type { AudioDeviceSpec, BoardProfile, DaaPortSpec, ModemPortSpec, SlicPortSpec } from './profiles/profile-types.js';
import { ResilientBoard, type Backoff } from './resilient-board.js';
import { ModemBoard } from './usb-modem/modem-board.js';
import { SerialTransport, type ModemTransport } from './usb-modem/serial-transport.js';

export interface HardwareDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** The GPIO backend (sysfs over onoff on the device; a fake in tests). Called at each (re)open. */
  readonly gpio: () => GpioBackend;
  /** Opens a port's sound card (AlsaAudioPort by default); `lost` is called when it goes away. */
  readonly openAudio?: (spec: AudioDeviceSpec, port: number, lost: (reason: string) => void) => AudioPort;
  /** The modem's serial transport (SerialTransport by default). */
  readonly modemTransport?: (path: string) => ModemTransport;
  readonly backoff?: Backoff;
}

/** The ports a profile gives the lines, known before any hardware is opened. */
export function profilePorts(profile: BoardProfile): BoardPort[] {
  return profile.ports.map((p) => ({
    port: p.port,
    kind: p.kind,
    polarityReversal: p.driver === 'gpio-slic',
    loopCurrentDetect: p.driver === 'usb-modem' || (p.driver === 'gpio-daa' && p.gpio.loopCurrent !== undefined),
  }));
}

export async function openHardwareBoard(profile: BoardProfile, deps: HardwareDeps): Promise<Board> {
  const modems = profile.ports.filter((p): p is ModemPortSpec => p.driver === 'usb-modem');
  if (modems.length > 0) {
    const [modem] = modems;
    if (modems.length > 1 || profile.ports.length > 1 || modem === undefined) {
      throw new BoardError(`profile ${profile.id}: a voice modem must be the board's only port`, { profile: profile.id });
    }
    return new ModemBoard({ clock: deps.clock, port: modem, log: deps.log, transport: deps.modemTransport ?? ((path) => new SerialTransport(path)) });
  }
  const slics = profile.ports.filter((p): p is SlicPortSpec => p.driver === 'gpio-slic');
  const daas = profile.ports.filter((p): p is DaaPortSpec => p.driver === 'gpio-daa');
  const openAudio = deps.openAudio ?? ((spec, port, lost) => new AlsaAudioPort({ spec, log: deps.log.child({ port }), onLost: lost }));
  const made: { board?: ResilientBoard } = {};
  // A card lost while the driver first opens is reported once the board exists.
  const early = new Map<number, string | undefined>();
  const portDevice = (port: number, reason: string | undefined): void => {
    if (made.board === undefined) early.set(port, reason);
    else made.board.portDevice(port, reason);
  };
  const cardFor = (spec: AudioDeviceSpec, port: number): AudioPort => {
    const card = new RecoveringAudioPort({
      open: (lost) => openAudio(spec, port, lost),
      clock: deps.clock,
      log: deps.log.child({ port, audio: spec.device }),
      onLost: (reason) => portDevice(port, `sound card ${spec.device}: ${reason}`),
      onRestored: () => portDevice(port, undefined),
      ...(deps.backoff !== undefined ? { backoff: deps.backoff } : {}),
    });
    return card;
  };
  const open = (): Board => {
    const gpio = deps.gpio();
    const parts: Board[] = [];
    try {
      if (slics.length > 0) {
        parts.push(new SlicBoard({ clock: deps.clock, gpio, ports: slics, audio: (s) => cardFor(s.audio, s.port), log: deps.log.child({ driver: 'gpio-slic' }) }));
      }
      if (daas.length > 0) {
        const daa = new DaaBoard({ clock: deps.clock, gpio, ports: daas, audio: (s) => cardFor(s.audio, s.port), log: deps.log.child({ driver: 'gpio-daa' }) });
        parts.push(daa);
        daa.start();
      }
    } catch (err) {
      for (const p of parts) void p.close();
      gpio.releaseAll();
      throw err;
    }
    return parts.length === 1 && parts[0] !== undefined ? parts[0] : new CompositeBoard(profile.board, parts);
  };
  const started = await ResilientBoard.start({
    name: profile.board, ports: profilePorts(profile), open, clock: deps.clock, log: deps.log,
    ...(deps.backoff !== undefined ? { backoff: deps.backoff } : {}),
  });
  made.board = started;
  for (const [port, reason] of early) started.portDevice(port, reason);
  return started;
}
