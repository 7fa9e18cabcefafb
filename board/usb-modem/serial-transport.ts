/**
 * The modem's I/O edge: a serial device opened at 115200 baud 8N1 with the
 * `serialport` package, bytes in and out, and the end of the device (an error,
 * the USB modem unplugged: the read fails and the port closes) reported once.
 * Also how the device is found again after a re-plug: the configured path if it
 * exists (a /dev/serial/by-id link survives re-plugging; /dev/ttyACM0 may come
 * back as ttyACM1), else the tty whose USB device has the configured
 * vendor:product id (/sys/class/tty/<tty>/device → the USB interface, whose
 * parent holds idVendor / idProduct). Everything is injectable for tests.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SerialPort } from 'serialport';
import { BoardError } from '../board.js';

/** What the modem board needs of a serial connection. */
export interface ModemTransport {
  /** Opens the device; rejects with a BoardError when it cannot. */
  open(): Promise<void>;
  write(bytes: Uint8Array): void;
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Called once when the device goes away or fails after opening (not after `close()`). */
  onLost(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

export interface SerialTransportOptions {
  readonly baudRate?: number;
}

/** A ModemTransport over `serialport` (v13). */
export class SerialTransport implements ModemTransport {
  private port: SerialPort | undefined;
  private dataListeners: ((chunk: Uint8Array) => void)[] = [];
  private lostListeners: ((reason: string) => void)[] = [];
  private closing = false;
  private lostReported = false;

  constructor(
    readonly path: string,
    private readonly opts: SerialTransportOptions = {},
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: this.path, baudRate: this.opts.baudRate ?? 115200, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false, autoOpen: false });
      port.open((err) => {
        if (err !== null && err !== undefined) {
          reject(new BoardError(`cannot open the modem at ${this.path}: ${err.message}`, { path: this.path }));
          return;
        }
        this.port = port;
        port.on('data', (chunk: Buffer) => {
          for (const l of this.dataListeners) l(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        });
        port.on('error', (e: Error) => this.lost(e.message));
        port.on('close', (e: unknown) => this.lost(e instanceof Error ? e.message : 'the serial port closed'));
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): void {
    const port = this.port;
    if (port === undefined || this.closing || !port.isOpen) return;
    port.write(Buffer.from(bytes), (err) => {
      if (err !== null && err !== undefined) this.lost(err.message);
    });
  }

  onData(listener: (chunk: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  onLost(listener: (reason: string) => void): void {
    this.lostListeners.push(listener);
  }

  close(): Promise<void> {
    this.closing = true;
    const port = this.port;
    this.port = undefined;
    if (port === undefined || !port.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }

  private lost(reason: string): void {
    if (this.closing || this.lostReported) return;
    this.lostReported = true;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen === true) port.close(() => {});
    for (const l of this.lostListeners) l(reason);
  }
}

/** The file-system view `findModemDevice` uses (tests give their own). */
export interface DeviceFs {
  exists(path: string): boolean;
  list(dir: string): string[];
  realpath(path: string): string;
  read(path: string): string | undefined;
}

export const NODE_DEVICE_FS: DeviceFs = {
  exists: (p) => existsSync(p),
  list: (d) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  },
  realpath: (p) => realpathSync(p),
  read: (p) => {
    try {
      return readFileSync(p, 'utf8').trim();
    } catch {
      return undefined;
    }
  },
};

/**
 * The modem's device path now: `path` when it exists, else the /dev/tty* whose
 * USB device is `usbId` ("0572:1329"), else undefined.
 */
export function findModemDevice(spec: { readonly path?: string; readonly usbId?: string }, fs: DeviceFs = NODE_DEVICE_FS, sysTty = '/sys/class/tty'): string | undefined {
  if (spec.path !== undefined && fs.exists(spec.path)) return spec.path;
  if (spec.usbId === undefined) return undefined;
  const [vendor, product] = spec.usbId.toLowerCase().split(':');
  for (const tty of fs.list(sysTty).filter((t) => /^tty(ACM|USB)\d+$/.test(t))) {
    let dir: string;
    try {
      dir = fs.realpath(join(sysTty, tty, 'device'));
    } catch {
      continue;
    }
    // The tty's device is the USB interface (or a usb-serial port below it); idVendor is on the USB device above.
    for (let up = 0; up < 4 && dir !== '/'; up++, dir = dirname(dir)) {
      const v = fs.read(join(dir, 'idVendor'));
      if (v === undefined) continue;
      if (v.toLowerCase() === vendor && fs.read(join(dir, 'idProduct'))?.toLowerCase() === product) return `/dev/${tty}`;
      break;
    }
  }
  return undefined;
}
