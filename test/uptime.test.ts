import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/db/sqlite-store.js';
import { ServiceRecords } from '../src/heal/service-records.js';
import { uptimeRatio } from '../src/heal/uptime.js';

const dir = mkdtempSync(join(tmpdir(), 'opsbot-uptime-'));
const store = openSqliteStore(dir);
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const t0 = new Date('2026-11-01T00:00:00Z').getTime();

describe('uptime from service events', () => {
  it('counts the up share of the window from the state changes, starting from the state before it', async () => {
    const records = new ServiceRecords(store);
    await records.event('api', 'started', true, null, new Date(t0 - 5 * HOUR));
    await records.event('api', 'exited', false, null, new Date(t0 + 6 * HOUR));
    await records.event('api', 'restarting', false, null, new Date(t0 + 6 * HOUR));
    await records.event('api', 'started', true, null, new Date(t0 + 12 * HOUR));
    await records.event('api', 'disabled', null, 'by ops', new Date(t0 + 13 * HOUR));
    expect(await uptimeRatio(store, 'api', new Date(t0), new Date(t0 + 24 * HOUR))).toBeCloseTo(18 / 24, 6);
    expect(await uptimeRatio(store, 'api', new Date(t0 + 6 * HOUR), new Date(t0 + 12 * HOUR))).toBe(0);
  });

  it('says nothing before anything is known', async () => {
    expect(await uptimeRatio(store, 'never-seen', new Date(t0), new Date(t0 + HOUR))).toBeNull();
    const records = new ServiceRecords(store);
    await records.event('late', 'healthy', true, null, new Date(t0 + 12 * HOUR));
    expect(await uptimeRatio(store, 'late', new Date(t0), new Date(t0 + 24 * HOUR))).toBe(1);
  });
});
