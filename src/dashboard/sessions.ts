import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lte } from 'drizzle-orm';
import type { Store } from '../db/store.js';

export interface Session {
  /** The cookie's token; the store keeps only its hash. */
  id: string;
  /** The per-session CSRF token every form carries. */
  csrf: string;
  /** Who is acting, for ackedBy, the audit log and the service events. */
  user: string;
  /** Which credential opened it: `api-token` or `password`. */
  credential: 'api-token' | 'password';
  expiresAt: Date;
  /** One message shown on the next page (after an action's redirect). */
  flash: { kind: 'ok' | 'error'; text: string } | null;
}

/** What the store keeps for a session token: its SHA-256, so that a copy of the store opens no session. */
function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Dashboard sessions kept in the store, so that a login holds on every instance behind one address
 * and across restarts. The cookie carries a random token; the store keeps its hash.
 */
export class SessionStore {
  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
  ) {}

  async create(user: string, credential: Session['credential'], now = new Date()): Promise<Session> {
    const { dashboardSessions } = this.store.t;
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      user,
      credential,
      expiresAt: new Date(now.getTime() + this.ttlMs),
      flash: null,
    };
    await this.store.transaction(async (tx) => {
      await tx.delete(dashboardSessions).where(lte(dashboardSessions.expiresAt, now));
      await tx.insert(dashboardSessions).values({ ...session, id: keyOf(session.id), createdAt: now });
    });
    return session;
  }

  async get(token: string | undefined, now = new Date()): Promise<Session | undefined> {
    if (!token) return undefined;
    const { dashboardSessions: s } = this.store.t;
    const [row] = await this.store.db.select().from(s).where(and(eq(s.id, keyOf(token)), gt(s.expiresAt, now)));
    return row ? { id: token, csrf: row.csrf, user: row.user, credential: row.credential, expiresAt: row.expiresAt, flash: row.flash } : undefined;
  }

  /** Keeps `flash` for the session's next page, whichever instance serves it. */
  async setFlash(session: Session, flash: NonNullable<Session['flash']>): Promise<void> {
    await this.update(session, flash);
  }

  /** The message waiting for this page, shown once. */
  async takeFlash(session: Session): Promise<Session['flash']> {
    if (!session.flash) return null;
    await this.update(session, null);
    return session.flash;
  }

  async destroy(session: Session): Promise<void> {
    const { dashboardSessions } = this.store.t;
    await this.store.transaction((tx) => tx.delete(dashboardSessions).where(eq(dashboardSessions.id, keyOf(session.id))));
  }

  private async update(session: Session, flash: Session['flash']): Promise<void> {
    const { dashboardSessions } = this.store.t;
    await this.store.transaction((tx) => tx.update(dashboardSessions).set({ flash }).where(eq(dashboardSessions.id, keyOf(session.id))));
  }
}
