import { afterEach } from 'vitest';
import { sentinelAsk, startRedisServer, startSentinel, waitFor, type TestRedisServer, type TestSentinel } from './sentinel.js';

/*
 * A private master and its replica (never the machine's Redis), watched by one Sentinel that judges
 * the master down after 1 s and promotes the replica.
 */
export interface Pair {
  master: TestRedisServer;
  replica: TestRedisServer;
  sentinel: TestSentinel;
  url: string;
}

const pairs: Pair[] = [];

export async function startPair(): Promise<Pair> {
  const master = await startRedisServer();
  const replica = await startRedisServer(master.port);
  const sentinel = await startSentinel({ masterPort: master.port, downAfterMs: 1_000 });
  const pair = { master, replica, sentinel, url: `redis+sentinel://127.0.0.1:${sentinel.port}/${sentinel.masterName}` };
  pairs.push(pair);
  await waitFor(() => replicaInSync(sentinel.port, sentinel.masterName), 'the sentinel seeing the replica in sync');
  return pair;
}

/** Stops every pair the file's tests started, after each test. */
export function stopPairsAfterEach(): void {
  afterEach(async () => {
  for (const { sentinel, replica, master } of pairs.splice(0)) {
    await sentinel.stop();
    await replica.kill();
    await master.kill();
  }
  });
}

/** True once the sentinel sees a replica of its master group that is in sync with the master. */
async function replicaInSync(sentinelPort: number, masterName: string): Promise<boolean> {
  const replicas = (await sentinelAsk(sentinelPort, 'REPLICAS', masterName)) as string[][] | null;
  return (replicas ?? []).some((fields) => {
    const field = (name: string) => fields[fields.indexOf(name) + 1];
    return field('flags') === 'slave' && field('master-link-status') === 'ok';
  });
}

