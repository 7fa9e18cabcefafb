/**
 * One Board made of several drivers, each owning some of the ports: e.g. a profile
 * with two SLIC modules (gpio-slic, ports 1-2) and a DAA (gpio-daa, port 3). The
 * lines see one board: its ports sorted by number, each command and audio request
 * sent to the part that owns the port, the parts' events merged.
 *
 * - A port number served by two parts is refused when the board is made.
 * - A part's device-lost / device-restored without a port (its whole device) is
 *   passed on once per port of that part: on the composite, an event without a
 *   port would mean every part.
 * - close() closes every part, even when one fails (its error is thrown after the
 *   others have closed), and stops the events. It is idempotent.
 */
import type { AudioPort } from '../audio/port/audio-port.js';
import { BoardError, type Board, type BoardEvent, type BoardPort, type VoiceDirection } from './board.js';

export class CompositeBoard implements Board {
  readonly ports: readonly BoardPort[];
  private readonly owners = new Map<number, Board>();
  private readonly listeners = new Set<(event: BoardEvent) => void>();
  private readonly unsubscribes: (() => void)[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly parts: readonly Board[],
  ) {
    if (parts.length === 0) throw new BoardError(`the ${name} board has no parts`);
    for (const part of parts) {
      for (const p of part.ports) {
        const other = this.owners.get(p.port);
        if (other !== undefined) throw new BoardError(`port ${p.port} is on both the ${other.name} and the ${part.name} driver`, { port: p.port });
        this.owners.set(p.port, part);
      }
    }
    this.ports = parts.flatMap((part) => part.ports).sort((a, b) => a.port - b.port);
    for (const part of parts) {
      this.unsubscribes.push(part.onEvent((event) => this.forward(part, event)));
    }
  }

  audio(port: number): AudioPort {
    return this.owner(port).audio(port);
  }

  onEvent(listener: (event: BoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  isOffHook(port: number): boolean {
    return this.owner(port).isOffHook(port);
  }

  setRinging(port: number, on: boolean, frequencyHz?: number): void {
    this.owner(port).setRinging(port, on, frequencyHz);
  }

  setPolarity(port: number, reversed: boolean): void {
    this.owner(port).setPolarity(port, reversed);
  }

  setSeized(port: number, seized: boolean): void {
    this.owner(port).setSeized(port, seized);
  }

  setVoiceDirection(port: number, direction: VoiceDirection): void {
    this.owner(port).setVoiceDirection?.(port, direction);
  }

  close(): Promise<void> {
    this.closing ??= this.closeParts();
    return this.closing;
  }

  /** The part that owns `port` (the part checks the port's kind). */
  private owner(port: number): Board {
    const part = this.owners.get(port);
    if (part === undefined) throw new BoardError(`the ${this.name} board has no port ${port}`, { port });
    return part;
  }

  private forward(part: Board, event: BoardEvent): void {
    if ((event.type === 'device-lost' || event.type === 'device-restored') && event.port === undefined) {
      for (const p of part.ports) this.emit({ ...event, port: p.port });
      return;
    }
    this.emit(event);
  }

  private emit(event: BoardEvent): void {
    // Every listener hears the event; the first failure is then thrown to the part, which handles it as its own.
    let failure: { err: unknown } | undefined;
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure !== undefined) throw failure.err;
  }

  private async closeParts(): Promise<void> {
    for (const off of this.unsubscribes.splice(0)) off();
    this.listeners.clear();
    const results = await Promise.allSettled(this.parts.map(async (part) => part.close()));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ part: this.parts[i]?.name ?? '?', reason: r.reason as unknown }] : []));
    if (failed.length === 0) return;
    const text = failed.map((f) => `${f.part}: ${f.reason instanceof Error ? f.reason.message : String(f.reason)}`).join('; ');
    throw new BoardError(`closing the ${this.name} board failed (${text})`, { failed: failed.map((f) => f.part), errors: failed.map((f) => f.reason) });
  }
}
