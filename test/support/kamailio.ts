/**
 * Runs Kamailio (Debian package `kamailio`, 5.6) as a throwaway registrar and
 * proxy on 127.0.0.1 with test/kamailio/kamailio.cfg: in-memory location
 * table, digest auth against a user list given on the command line, UDP and
 * TCP on the same port, TLS on another when asked. Each instance gets its own temp dir for the pid file
 * and runtime dir, so several can run side by side.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpTcpPort } from './sipp.js';

export const KAMAILIO_CFG = fileURLToPath(new URL('../kamailio/kamailio.cfg', import.meta.url));

export const DEFAULT_DOMAIN = 'dialtone.test';
export const DEFAULT_USERS: Readonly<Record<string, string>> = { alice: 'alice-secret', bob: 'bob-secret' };

export interface StartKamailioOptions {
  /** UDP+TCP port on 127.0.0.1; a free one is picked when absent. */
  port?: number;
  /** user -> plain-text password (default alice/alice-secret, bob/bob-secret). */
  users?: Record<string, string>;
  /** SIP domain and digest realm (default dialtone.test). */
  domain?: string;
  /** How long to wait for the first OPTIONS answer (ms, default 10000). */
  readyTimeoutMs?: number;
  /** Also listen for TLS on a free port, presenting this certificate (PEM file paths); clients are not checked. */
  tls?: { certFile: string; keyFile: string };
}

export interface RunningKamailio {
  port: number;
  /** The TLS port, when started with `tls`. */
  tlsPort?: number;
  domain: string;
  /** Kamailio's stderr and stdout so far. */
  log(): string;
  /** SIGTERM, then SIGKILL to the process group after 3 s; resolves when it has exited. */
  stop(): Promise<void>;
}

let cachedBinary: string | null | undefined;

export function kamailioBinary(): string | null {
  if (cachedBinary !== undefined) return cachedBinary;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  cachedBinary = dirs.filter((d) => d !== '').map((d) => join(d, 'kamailio')).find((p) => existsSync(p)) ?? null;
  return cachedBinary;
}

/** Debian installs modules under /usr/lib/<multiarch>/kamailio/modules; found via dpkg-architecture or by probing. */
export function kamailioModulesDir(): string | null {
  const env = process.env.KAMAILIO_MODULES;
  const candidates: string[] = env !== undefined && env !== '' ? [env] : [];
  const arch = spawnSync('dpkg-architecture', ['-qDEB_HOST_MULTIARCH'], { encoding: 'utf8' });
  if (arch.status === 0 && arch.stdout.trim() !== '') candidates.push(`/usr/lib/${arch.stdout.trim()}/kamailio/modules`);
  for (const base of ['/usr/lib', '/usr/lib64', '/usr/local/lib', '/usr/local/lib64']) {
    candidates.push(join(base, 'kamailio/modules'));
    try {
      for (const e of readdirSync(base, { withFileTypes: true })) {
        if (e.isDirectory() && e.name.includes('-linux-')) candidates.push(join(base, e.name, 'kamailio/modules'));
      }
    } catch {
      // no such base directory
    }
  }
  return candidates.find((d) => existsSync(join(d, 'registrar.so')) && existsSync(join(d, 'auth.so'))) ?? null;
}

export function kamailioAvailable(): boolean {
  return kamailioBinary() !== null && kamailioModulesDir() !== null;
}

function defineString(name: string, value: string): string {
  if (/["\\\n]/.test(value)) throw new Error(`${name} must not contain quotes, backslashes or newlines: ${value}`);
  return `${name}="${value}"`;
}

function usersDefine(users: Record<string, string>): string {
  const parts = Object.entries(users).map(([u, p]) => {
    if (!/^[A-Za-z0-9._~+-]+$/.test(u)) throw new Error(`unsupported user name for the test registrar: ${u}`);
    if (p === '' || /[;=\s]/.test(p)) throw new Error(`password for ${u} must be non-empty without ';', '=' or spaces`);
    return `${u}=${p}`;
  });
  return defineString('USERS', parts.join(';'));
}

/** The tls module's profiles: our certificate as server, no client certificates asked, no checks as client. */
function tlsConfig(certFile: string, keyFile: string): string {
  const common = ['method = TLSv1.2+', 'verify_certificate = no', 'require_certificate = no'];
  return [
    '[server:default]', ...common, `certificate = ${certFile}`, `private_key = ${keyFile}`, '',
    '[client:default]', ...common, '',
  ].join('\n');
}

/** Sends OPTIONS sip:127.0.0.1:port over UDP every 100 ms until any SIP response arrives. */
export async function waitForSipOptions(port: number, timeoutMs: number, gaveUp: () => string | undefined = () => undefined): Promise<string> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const local = socket.address().port;
  try {
    return await new Promise<string>((resolve, reject) => {
      let n = 0;
      const send = (): void => {
        const why = gaveUp();
        if (why !== undefined) {
          reject(new Error(why));
          return;
        }
        n++;
        const msg = [
          `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKprobe${process.pid}x${n};rport`,
          'Max-Forwards: 70',
          `From: <sip:probe@127.0.0.1:${local}>;tag=probe${n}`,
          `To: <sip:127.0.0.1:${port}>`,
          `Call-ID: readiness-${process.pid}-${Date.now()}-${n}`,
          `CSeq: ${n} OPTIONS`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        socket.send(msg, port, '127.0.0.1');
      };
      const timer = setInterval(send, 100);
      const deadline = setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`no answer to OPTIONS on udp:127.0.0.1:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.on('message', (m) => {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve(m.toString('latin1').split('\r\n')[0] ?? '');
      });
      send();
    });
  } finally {
    socket.close();
  }
}

/** Starts Kamailio in the foreground (-DD -E) and resolves once it answers OPTIONS over UDP. */
export async function startKamailio(opts: StartKamailioOptions = {}): Promise<RunningKamailio> {
  const bin = kamailioBinary();
  const modules = kamailioModulesDir();
  if (bin === null || modules === null) throw new Error('kamailio not installed');
  const domain = opts.domain ?? DEFAULT_DOMAIN;
  const users = opts.users ?? DEFAULT_USERS;

  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? (await freeUdpTcpPort());
    const tlsPort = opts.tls === undefined ? undefined : await freeUdpTcpPort();
    const dir = mkdtempSync(join(tmpdir(), 'dialtone-kamailio-'));
    const tlsArgs: string[] = [];
    if (opts.tls !== undefined && tlsPort !== undefined) {
      const cfg = join(dir, 'tls.cfg');
      writeFileSync(cfg, tlsConfig(opts.tls.certFile, opts.tls.keyFile));
      tlsArgs.push('-l', `tls:127.0.0.1:${tlsPort}`, '-A', 'WITH_TLS', '-A', defineString('TLS_CFG', cfg));
    }
    const args = [
      '-f', KAMAILIO_CFG,
      '-DD', '-E', '-n', '1',
      '-L', modules,
      '-P', join(dir, 'kamailio.pid'),
      '-Y', dir,
      '-w', dir,
      '-m', '32', '-M', '4',
      '-l', `udp:127.0.0.1:${port}`,
      '-l', `tcp:127.0.0.1:${port}`,
      '-A', defineString('DOMAIN', domain),
      '-A', usersDefine(users),
      ...tlsArgs,
    ];
    // detached: own process group, so the SIGKILL fallback reaches the children it forked too.
    const child = spawn(bin, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('latin1')));
    let exitInfo: string | undefined;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = `kamailio exited (code ${String(code)}, signal ${String(signal)})`;
        resolve();
      });
      child.once('error', (err) => {
        exitInfo = `kamailio could not start: ${err.message}`;
        resolve();
      });
    });
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || exitInfo !== undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };
    const onExit = (): void => killGroup('SIGKILL');
    process.once('exit', onExit);

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        if (exitInfo === undefined) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => killGroup('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        }
        // Children forked by kamailio get SIGTERM from it; make sure none is left.
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // group already gone
          }
        }
        process.off('exit', onExit);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    };

    try {
      await waitForSipOptions(port, opts.readyTimeoutMs ?? 10_000, () => (exitInfo === undefined ? undefined : exitInfo));
    } catch (err) {
      await stop();
      const text = output;
      if (opts.port === undefined && attempt < 3 && /bind|Address already in use/i.test(text)) continue;
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- kamailio log ---\n${text.slice(-8000)}`, { cause: err });
    }
    return { port, ...(tlsPort !== undefined ? { tlsPort } : {}), domain, log: () => output, stop };
  }
}
