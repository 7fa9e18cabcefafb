/**
 * What a board profile says (board/profiles/*.json): which ports the hardware has,
 * which driver serves each, the GPIO lines by chip label and offset, the ALSA device
 * of each port's audio, and the serial device and type of a voice modem. The loader
 * and its checks are in profiles.ts; the drivers take the port specs below.
 */
import type { GpioLineSpec } from '../gpio/gpio.js';

export interface AudioDeviceSpec {
  /** ALSA device name, e.g. "plughw:CARD=Device,DEV=0" (a CM108 USB sound card). */
  readonly device: string;
  /** The device's native rate in Hz (the port resamples to 8000); default 48000. */
  readonly rate?: number;
}

/** An FXS port on a SLIC module (AG1171-class): hook switch in, ring mode and forward/reverse out. */
export interface SlicPortSpec {
  readonly port: number;
  readonly kind: 'fxs';
  readonly driver: 'gpio-slic';
  readonly gpio: {
    /** SHK: switch-hook detect, asserted while the phone is off hook. */
    readonly shk: GpioLineSpec;
    /** RM: ring mode, asserted while ringing. */
    readonly rm: GpioLineSpec;
    /** F/R: forward/reverse; toggled at the ring frequency while ringing, held for polarity otherwise. */
    readonly fr: GpioLineSpec;
    /** PD: power down, asserted to switch the module off (optional). */
    readonly pd?: GpioLineSpec;
  };
  readonly audio: AudioDeviceSpec;
}

/** An FXO port on a DAA (LITELINK CPC5622-class): hook relay out, ring and loop current in. */
export interface DaaPortSpec {
  readonly port: number;
  readonly kind: 'fxo';
  readonly driver: 'gpio-daa';
  readonly gpio: {
    /** Off-hook relay: asserted seizes the line. */
    readonly hook: GpioLineSpec;
    /** Ring detect: asserted once per cycle of the ring voltage during a ring burst. */
    readonly ring: GpioLineSpec;
    /** Loop current present (while seized); its drop is the CPC disconnect signal. */
    readonly loopCurrent?: GpioLineSpec;
    /** Line polarity reversed (tip/ring). */
    readonly polarity?: GpioLineSpec;
    /** Another device on the line is off hook (line voltage dropped while we are on hook). */
    readonly lineInUse?: GpioLineSpec;
  };
  readonly audio: AudioDeviceSpec;
}

export const MODEM_TYPES = ['cx93001', 'usr5637', 'zoom3095', 'generic'] as const;
export type ModemType = (typeof MODEM_TYPES)[number];

/** An FXO port on a USB voice modem. */
export interface ModemPortSpec {
  readonly port: number;
  readonly kind: 'fxo';
  readonly driver: 'usb-modem';
  readonly modem: {
    /** Serial device, e.g. /dev/ttyACM0 or a /dev/serial/by-id path (survives re-plugging). */
    readonly path?: string;
    /** USB vendor:product id in hex ("0572:1329"): finds the device again after a re-plug. */
    readonly usbId?: string;
    readonly type: ModemType;
  };
}

export type PortSpec = SlicPortSpec | DaaPortSpec | ModemPortSpec;
export type DriverName = PortSpec['driver'];

export interface BoardProfile {
  /** File name without .json, e.g. "ag1171-cm108"; what --profile takes. */
  readonly id: string;
  /** For people: "AG1171 SLIC modules ×2 on the Pi header + a CM108 USB sound card per port". */
  readonly name: string;
  /** The --board value this profile belongs to. */
  readonly board: 'gpio-slic' | 'usb-modem';
  /** Ports numbered from 1, FXS first, then FXO (board/board.ts). */
  readonly ports: readonly PortSpec[];
}
