/**
 * The event listeners of a board driver: subscribe and unsubscribe at any time
 * (even from inside a listener: each event goes to the listeners there were when it
 * was sent), and one listener that throws never stops the others or the driver.
 */
import type { BoardEvent } from './board.js';

export class BoardListeners {
  private list: readonly ((event: BoardEvent) => void)[] = [];
  /** Exceptions thrown by listeners (reported to onError and swallowed). */
  errors = 0;

  constructor(private readonly onError: (err: unknown, event: BoardEvent) => void) {}

  /** Adds a listener; returns the function that removes it (the same listener twice is two subscriptions). */
  add(listener: (event: BoardEvent) => void): () => void {
    const entry = (e: BoardEvent): void => listener(e);
    this.list = [...this.list, entry];
    return () => {
      this.list = this.list.filter((l) => l !== entry);
    };
  }

  emit(event: BoardEvent): void {
    for (const l of this.list) {
      try {
        l(event);
      } catch (err) {
        this.errors++;
        this.onError(err, event);
      }
    }
  }

  clear(): void {
    this.list = [];
  }
}
