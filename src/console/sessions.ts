import { randomBytes } from 'node:crypto';
import type { UserIdentity } from '../records/index.js';

/** A signed-in console user: who they are and where they look. */
export interface ConsoleSession {
  id: string;
  accountId: string;
  region: string;
  accessKeyId: string;
  identity: UserIdentity;
  /** Epoch ms after which the session no longer authorises anything. */
  expiresAt: number;
}

/**
 * Console sessions, in memory: a restart signs everyone out, which is the safe failure.
 * Expiry is absolute (from sign-in), as AWS console sessions are.
 */
export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(private readonly ttlMs: number) {}

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  open(fields: Omit<ConsoleSession, 'id' | 'expiresAt'>, now: number): ConsoleSession {
    this.sweep(now);
    const session: ConsoleSession = { ...fields, id: randomBytes(32).toString('base64url'), expiresAt: now + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id; an expired one is forgotten and reads as absent. */
  get(id: string | undefined, now: number): ConsoleSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  private sweep(now: number): void {
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}
