import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Files that spawn the bot as a process (`tsx` compiles it at start, 3-10 s on a busy 2-core machine):
 * they run after the in-process files, a few at once, so that a start does not wait behind six busy
 * workers.
 */
const PROCESSES = ['test/failover.test.ts', 'test/startup.test.ts', 'test/recovery.test.ts', 'test/autoheal-restart.test.ts', 'test/child-env.test.ts', 'test/example-config.test.ts', 'test/cli.test.ts', 'test/redis-sentinel-failover.test.ts'];

/**
 * Files that assert a rate or a latency measured in the test process: they run on their own at the
 * end, so that other files busy on the same cores do not bunch or slow what they measure.
 */
const TIMED = ['test/global-budget.test.ts', 'test/untrusted-regex.test.ts'];

const shared = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
  pool: 'forks' as const,
  // Files share a worker's module cache instead of importing everything again (import time 77 s →
  // 11 s over the suite). No test relies on module state: each starts its own bot, fakes, queue
  // prefix and metrics registry.
  isolate: false,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...PROCESSES, ...TIMED],
          // The tests mostly wait on timers, sockets and Redis, so several files at once pay off even
          // on 2 cores. Measured there (wall time of the whole suite): 1 worker about 250 s, 2 workers
          // 125 s, 3 workers 89 s, 4 workers 72 s.
          maxWorkers: Math.max(6, availableParallelism()),
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'processes',
          include: PROCESSES,
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'timed',
          include: TIMED,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
