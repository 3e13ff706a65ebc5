import { randomBytes } from 'node:crypto';

export interface Session {
  id: string;
  /** The per-session CSRF token every form carries. */
  csrf: string;
  /** Who is acting, for ackedBy, the audit log and the service events. */
  user: string;
  /** Which credential opened it: `api-token` or `password`. */
  credential: 'api-token' | 'password';
  expiresAt: number;
  /** One message shown on the next page (after an action's redirect). */
  flash?: { kind: 'ok' | 'error'; text: string };
}

/**
 * Dashboard sessions kept in memory: a restart logs everybody out, and several opsbot instances
 * behind one address would each need their own login (sticky sessions). Fine for one instance.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly ttlMs: number) {}

  create(user: string, credential: Session['credential'], now = Date.now()): Session {
    this.sweep(now);
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      user,
      credential,
      expiresAt: now + this.ttlMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined, now = Date.now()): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number) {
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}
