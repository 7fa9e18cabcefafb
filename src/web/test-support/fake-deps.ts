/** In-memory stand-ins for the web server's dependencies, for route tests. */
import { FakeClock } from '../../clock.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { MemoryLogger } from '../../log.js';
import { MetricsRegistry } from '../../metrics/registry.js';
import { LoginLimiter } from '../login-limiter.js';
import type { AdminCredentials, ApiTokenStore, ConfigDocuments, WebDeps } from '../server.js';
import { SessionStore } from '../sessions.js';

export class MemoryAdmin implements AdminCredentials {
  password: string | null = null;
  isSet(): boolean { return this.password !== null; }
  setPassword(pw: string): void {
    if (pw.length < 8) throw new ValidationError('password too short', { password: 'at least 8 characters' });
    this.password = pw;
  }
  verifyPassword(pw: string): boolean { return this.password !== null && pw === this.password; }
}

export class MemoryTokens implements ApiTokenStore {
  private next = 1;
  readonly tokens = new Map<string, { id: number; name: string }>();
  create(name: string): { id: number; name: string; token: string } {
    const id = this.next++;
    const token = `dt_test${id}`;
    this.tokens.set(token, { id, name });
    return { id, name, token };
  }
  verify(token: string): { id: number; name: string } | null { return this.tokens.get(token) ?? null; }
  list(): { id: number; name: string; createdAt: number; lastUsedAt: number | null }[] {
    return [...this.tokens.values()].map((t) => ({ ...t, createdAt: 0, lastUsedAt: null }));
  }
  revoke(id: number): void {
    const entry = [...this.tokens].find(([, v]) => v.id === id);
    if (entry === undefined) throw new NotFoundError(`API token ${id}`);
    this.tokens.delete(entry[0]);
  }
}

export class MemoryDocuments implements ConfigDocuments {
  doc: unknown = { version: 1 };
  exportDocument(): unknown { return this.doc; }
  importDocument(doc: unknown): void {
    if (typeof doc !== 'object' || doc === null || (doc as { version?: unknown }).version !== 1) {
      throw new ValidationError('invalid document', { version: 'must be 1' });
    }
    this.doc = doc;
  }
}

export interface TestDeps extends WebDeps {
  clock: FakeClock;
  log: MemoryLogger;
  admin: MemoryAdmin;
  tokens: MemoryTokens;
  config: MemoryDocuments;
}

export function fakeWebDeps(): TestDeps {
  const clock = new FakeClock();
  const log = new MemoryLogger();
  return {
    admin: new MemoryAdmin(),
    tokens: new MemoryTokens(),
    config: new MemoryDocuments(),
    sessions: new SessionStore(clock),
    limiter: new LoginLimiter(clock),
    clock,
    log,
    logLevel: log,
    metrics: new MetricsRegistry(),
    status: () => ({ healthy: true }),
  };
}
