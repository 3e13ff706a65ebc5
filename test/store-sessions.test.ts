import { expect, it } from 'vitest';
import { SessionStore } from '../src/dashboard/sessions.js';
import { describeEachStore } from './helpers/stores.js';

const HOUR = 3_600_000;

describeEachStore('dashboard sessions', (store) => {
  it('a login made on one instance is known on another, with its flash shown once, until logout', async () => {
    const here = new SessionStore(store(), HOUR);
    const there = new SessionStore(store(), HOUR);
    const session = await here.create('alice', 'password');
    expect(await there.get(session.id)).toMatchObject({ user: 'alice', credential: 'password', csrf: session.csrf, flash: null });
    await here.setFlash(session, { kind: 'ok', text: 'Alert #4 acknowledged by alice.' });
    const next = (await there.get(session.id))!;
    expect(await there.takeFlash(next)).toEqual({ kind: 'ok', text: 'Alert #4 acknowledged by alice.' });
    expect(await here.takeFlash((await here.get(session.id))!)).toBeNull();
    await there.destroy(next);
    expect(await here.get(session.id)).toBeUndefined();
  });

  it('an expired session opens nothing, and the store keeps only a hash of the token', async () => {
    const sessions = new SessionStore(store(), HOUR);
    const old = await sessions.create('bob', 'api-token', new Date(Date.now() - 2 * HOUR));
    expect(await sessions.get(old.id)).toBeUndefined();
    expect(await sessions.get('not-a-token')).toBeUndefined();
    const fresh = await sessions.create('carol', 'password');
    const { dashboardSessions } = store().t;
    const ids = (await store().db.select({ id: dashboardSessions.id }).from(dashboardSessions)).map((row) => row.id);
    expect(ids).not.toContain(fresh.id);
    expect(ids).not.toContain(old.id);
  });
});
