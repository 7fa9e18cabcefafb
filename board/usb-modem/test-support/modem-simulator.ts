/**
 * A voice modem on a pseudo-terminal pair, for the driver's integration tests.
 * `socat -d -d pty,raw,echo=0,link=<dir>/modem pty,raw,echo=0,link=<dir>/sim`
 * makes two linked ptys; the driver opens `<dir>/modem` as it would
 * /dev/ttyACM0, the simulator answers on `<dir>/sim` like a CX93001 (full
 * duplex, µ-law) or a USR 5637-like half-duplex model (8-bit linear, no
 * AT+GMI/GMM, AT+VTR refused).
 *
 * Scripted by the test: `ring()` with caller-ID lines (formatted or MESG),
 * `sendAudio()` (DLE-escaped into the voice stream), `sendCode('b')` and
 * `send('NO CARRIER')` for the far end leaving, `unplug()` (socat killed: both
 * ptys vanish, the driver's read fails) and `replug()` (a new pair at the same
 * paths). It records the commands it got, the audio bytes the host sent (DLE
 * removed) and the DLE codes. `mute` makes it ignore commands (timeouts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { DLE, dleCode, dleEscape, ETX } from '../dle-codec.js';

export type SimModel = 'cx93001' | 'usr5637';
type Mode = 'command' | 'receive' | 'transmit' | 'duplex';

const FORMATS: Record<SimModel, string[]> = {
  cx93001: ['128,"8-BIT LINEAR",(7200,8000,11025)', '129,"16-BIT LINEAR",(7200,8000,11025)', '130,"8-BIT ALAW",(8000)', '131,"8-BIT ULAW",(8000)', '132,"IMA ADPCM",(7200,8000,11025)'],
  usr5637: ['128,"8-BIT LINEAR",(7200,8000,11025)', '129,"16-BIT LINEAR",(7200,8000,11025)', '130,"ADPCM",(7200,8000,11025)'],
};

/** True when socat is on the PATH (the pty tests skip without it). */
export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export class ModemSimulator {
  /** The modem side: what the driver opens. */
  readonly path: string;
  private readonly simPath: string;
  private socat: ChildProcess | undefined;
  private port: SerialPort | undefined;
  private line = '';
  private dlePending = false;
  mode: Mode = 'command';
  echo = true;
  offHook = false;
  /** When true, commands get no answer. */
  mute = false;
  voiceFormat: string | undefined;
  readonly commands: string[] = [];
  /** Audio bytes the host sent in voice mode, DLE removed. */
  readonly received: number[] = [];
  /** Shielded codes the host sent (e.g. '!'). */
  readonly hostCodes: string[] = [];
  dialed = '';

  private constructor(
    private readonly dir: string,
    readonly model: SimModel,
  ) {
    this.path = join(dir, 'modem');
    this.simPath = join(dir, 'sim');
  }

  static async start(dir: string, model: SimModel = 'cx93001'): Promise<ModemSimulator> {
    const sim = new ModemSimulator(dir, model);
    await sim.replug();
    return sim;
  }

  /** Creates the pty pair (again) and listens on the simulator's side; the modem is reset. */
  async replug(): Promise<void> {
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.path}`, `pty,raw,echo=0,link=${this.simPath}`], { stdio: 'ignore' });
    this.socat = child;
    await waitUntil(() => existsSync(this.path) && existsSync(this.simPath), 3000, 'socat did not create the ptys');
    const port = new SerialPort({ path: this.simPath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => this.onBytes(chunk));
    port.on('error', () => {});
    this.port = port;
    this.mode = 'command';
    this.echo = true;
    this.offHook = false;
    this.line = '';
    this.dlePending = false;
  }

  /** The modem goes away: the pty pair is destroyed. */
  async unplug(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen === true) await new Promise<void>((resolve) => port.close(() => resolve()));
    const child = this.socat;
    this.socat = undefined;
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    await waitUntil(() => !existsSync(this.path), 2000, 'the pty link stayed');
  }

  close(): Promise<void> {
    return this.unplug();
  }

  /** Writes text lines as the modem prints them (CR LF around each). */
  send(...lines: string[]): void {
    this.write(Buffer.from(lines.map((l) => `\r\n${l}\r\n`).join(''), 'latin1'));
  }

  /** A ring, then caller-ID lines (e.g. `DATE = 0321`, or `MESG = 04 12…`). */
  ring(callerId: readonly string[] = []): void {
    this.send('RING');
    if (callerId.length > 0) this.send(...callerId);
  }

  /** Voice data toward the host (DLE-escaped) while it receives. */
  sendAudio(bytes: Uint8Array): void {
    this.write(dleEscape(bytes));
  }

  sendCode(code: string): void {
    this.write(dleCode(code));
  }

  /** Ends the voice stream from the modem's side (`<DLE><ETX>`), back to command mode. */
  endStream(): void {
    this.write(Uint8Array.of(DLE, ETX));
    this.mode = 'command';
  }

  writeRaw(bytes: Uint8Array): void {
    this.write(bytes);
  }

  async waitFor(what: string, pred: () => boolean, timeoutMs = 3000): Promise<void> {
    await waitUntil(pred, timeoutMs, `timed out waiting for ${what}`);
  }

  private write(bytes: Uint8Array): void {
    if (this.port?.isOpen === true) this.port.write(Buffer.from(bytes));
  }

  private onBytes(chunk: Uint8Array): void {
    for (const b of chunk) {
      if (this.mode === 'command') this.commandByte(b);
      else this.dataByte(b);
    }
  }

  private commandByte(b: number): void {
    if (b === 0x0a) return;
    if (b === DLE) {
      // A stray abort after the stream ended (the driver's close()); ignored like a real modem.
      this.dlePending = true;
      return;
    }
    if (this.dlePending) {
      this.dlePending = false;
      return;
    }
    if (b !== 0x0d) {
      this.line += String.fromCharCode(b);
      return;
    }
    const cmd = this.line.trim();
    this.line = '';
    if (cmd.length === 0) return;
    this.commands.push(cmd);
    if (this.mute) return;
    if (this.echo) this.write(Buffer.from(`${cmd}\r`, 'latin1'));
    this.answer(cmd.toUpperCase());
  }

  private dataByte(b: number): void {
    if (!this.dlePending) {
      if (b === DLE) this.dlePending = true;
      else if (this.mode !== 'receive') this.received.push(b);
      return;
    }
    this.dlePending = false;
    if (b === DLE) {
      if (this.mode !== 'receive') this.received.push(DLE);
      return;
    }
    const code = String.fromCharCode(b);
    this.hostCodes.push(b === ETX ? 'ETX' : code);
    if (b === ETX && this.mode === 'transmit') {
      this.mode = 'command';
      this.send('OK');
    } else if (code === '!' || code === '^') {
      this.mode = 'command';
      this.write(Uint8Array.of(DLE, ETX));
      this.send('OK');
    }
  }

  private answer(cmd: string): void {
    const cx = this.model === 'cx93001';
    const ok = (...info: string[]): void => this.send(...info, 'OK');
    const error = (): void => this.send('ERROR');
    const connect = (mode: Mode): void => {
      if (!this.offHook) return error();
      this.send('CONNECT');
      this.mode = mode;
    };
    if (cmd === 'ATZ') {
      this.echo = true;
      this.offHook = false;
      return ok();
    }
    if (cmd === 'ATE0' || cmd === 'ATE1') {
      this.echo = cmd === 'ATE1';
      return ok();
    }
    if (cmd === 'AT+FCLASS=?') return ok(cx ? '0,1,1.0,2,2.0,8' : '0,1,2.0,8');
    if (/^AT\+FCLASS=\d/.test(cmd) || /^AT\+VCID=\d$/.test(cmd)) return ok();
    if (cmd === 'ATI') return ok(cx ? '56000' : '5601');
    if (cmd === 'AT+GMI') return cx ? ok('CONEXANT') : error();
    if (cmd === 'AT+GMM') return cx ? ok('CX93001-EIS_V0.2002-V92') : error();
    if (cmd === 'AT+FMI?') return ok(cx ? 'CONEXANT' : 'U.S. Robotics');
    if (cmd === 'AT+FMM?') return ok(cx ? 'CX93001' : 'USR5637');
    if (cmd === 'AT+VSM=?') return ok(...FORMATS[this.model]);
    if (cmd.startsWith('AT+VSM=')) {
      this.voiceFormat = cmd.slice(7);
      return ok();
    }
    if (cmd === 'AT+VTR=?') return cx ? ok() : error();
    if (cmd === 'AT+VLS=1' || cmd === 'AT+VLS=0') {
      this.offHook = cmd.endsWith('1');
      return ok();
    }
    if (cmd === 'AT+VRX') return connect('receive');
    if (cmd === 'AT+VTX') return connect('transmit');
    if (cmd === 'AT+VTR') return cx ? connect('duplex') : error();
    if (cmd.startsWith('ATDT')) {
      this.offHook = true;
      this.dialed = cmd.slice(4).replace(/;$/, '');
      return ok();
    }
    if (cmd === 'ATH' || cmd === 'ATH0') {
      this.offHook = false;
      return ok();
    }
    return error();
  }
}

async function waitUntil(pred: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
