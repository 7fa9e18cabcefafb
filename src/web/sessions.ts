/**
 * Login sessions for the web page: random ids held in memory (a restart of the
 * process logs people out, which is fine for an appliance). Sessions end after
 * an idle period or a maximum age, measured on the injected clock.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';

export interface Session {
  readonly id: string;
  readonly user: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

export interface SessionPolicy {
  idleMs: number;
  maxAgeMs: number;
  maxSessions: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleMs: 8 * 60 * 60 * 1000,
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  maxSessions: 64,
};

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: Clock, readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY) {}

  create(user: string): Session {
    this.prune();
    // Keep memory bounded: the oldest session makes way.
    while (this.sessions.size >= this.policy.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const now = this.clock.now();
    const session: Session = { id: randomBytes(32).toString('base64url'), user, createdAt: now, lastSeenAt: now };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, refreshed; undefined when unknown or expired. */
  touch(id: string): Session | undefined {
    const s = this.sessions.get(id);
    if (s === undefined) return undefined;
    const now = this.clock.now();
    if (this.expired(s, now)) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeenAt = now;
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Keeps an existing session (after clear(), for the person who changed the password). */
  adopt(session: Session): void {
    this.sessions.set(session.id, session);
  }

  /** Ends every session, e.g. after the admin password changed. */
  clear(): void {
    this.sessions.clear();
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) if (this.expired(s, now)) this.sessions.delete(id);
  }

  private expired(s: Session, now: number): boolean {
    return now - s.lastSeenAt > this.policy.idleMs || now - s.createdAt > this.policy.maxAgeMs;
  }
}
