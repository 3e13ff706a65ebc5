import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPidAlive, readPidfile } from '../src/heal/process-group.js';
import { ProcessSupervisor, type SupervisorEvent, type SupervisorOptions } from '../src/heal/supervisor.js';
import { waitUntil } from './helpers/wait.js';

let dir: string;
const supervisors: ProcessSupervisor[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'opsbot-heal-'));
});

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function supervise(overrides: Partial<SupervisorOptions> & Pick<SupervisorOptions, 'command'>) {
  const events: SupervisorEvent[] = [];
  const supervisor = new ProcessSupervisor({
    name: 'svc',
    backoff: { initialMs: 20, factor: 2, maxMs: 1_000, resetAfterMs: 10_000 },
    crashLoop: { maxRestarts: 3, windowMs: 5_000 },
    stopTimeoutMs: 2_000,
    logDir: dir,
    logMaxBytes: 1_000_000,
    logFiles: 2,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  supervisors.push(supervisor);
  const ofType = <T extends SupervisorEvent['type']>(type: T) => events.filter((e): e is Extract<SupervisorEvent, { type: T }> => e.type === type);
  return { supervisor, events, ofType };
}

const log = (stream: 'out' | 'err', suffix = '') => {
  try {
    return readFileSync(join(dir, `svc.${stream}.log${suffix}`), 'utf8');
  } catch {
    return '';
  }
};

describe('ProcessSupervisor restarts', () => {
  it('restarts a child that exits 1 with growing back-off and ends fatal in a crash loop', async () => {
    const { supervisor, ofType } = supervise({ command: ['sh', '-c', 'exit 1'] });
    supervisor.start();
    await waitUntil('fatal', () => supervisor.state === 'fatal');

    expect(ofType('started')).toHaveLength(4);
    expect(ofType('exited').map((e) => e.code)).toEqual([1, 1, 1, 1]);
    expect(ofType('restarting')).toEqual([
      { type: 'restarting', delayMs: 20, attempt: 1 },
      { type: 'restarting', delayMs: 40, attempt: 2 },
      { type: 'restarting', delayMs: 80, attempt: 3 },
    ]);
    expect(ofType('fatal')).toEqual([{ type: 'fatal', restarts: 4, windowMs: 5_000 }]);
    expect(supervisor.restartsInWindow).toBe(3);
    expect(supervisor.pid).toBeUndefined();
  });

  it('with back-off 0 restarts at once, still ending fatal in a crash loop', async () => {
    const { supervisor, ofType } = supervise({
      command: ['sh', '-c', 'exit 3'],
      backoff: { initialMs: 0, factor: 2, maxMs: 1_000, resetAfterMs: 10_000 },
    });
    supervisor.start();
    await waitUntil('fatal', () => supervisor.state === 'fatal');
    expect(ofType('restarting').map((e) => e.delayMs)).toEqual([0, 0, 0]);
    expect(ofType('exited').map((e) => e.code)).toEqual([3, 3, 3, 3]);
  });

  it('leaves a clean exit 0 stopped (state exited)', async () => {
    const { supervisor, events } = supervise({ command: ['sh', '-c', 'exit 0'] });
    supervisor.start();
    await waitUntil('exited', () => supervisor.state === 'exited');
    expect(events.map((e) => e.type)).toEqual(['started', 'exited']);
  });

  it('restarts after exit 0 when restartOnZeroExit is set', async () => {
    const { supervisor, ofType } = supervise({ command: ['sh', '-c', 'exit 0'], restartOnZeroExit: true });
    supervisor.start();
    await waitUntil('a restart', () => ofType('started').length >= 2);
    await supervisor.stop();
    expect(ofType('exited')[0]!.code).toBe(0);
    expect(ofType('restarting')[0]).toEqual({ type: 'restarting', delayMs: 20, attempt: 1 });
    expect(supervisor.state).toBe('stopped');
  });

  it('resets the back-off after the process stayed up resetAfterMs', async () => {
    const { supervisor, ofType } = supervise({
      command: ['sh', '-c', 'sleep 0.3; exit 1'],
      backoff: { initialMs: 20, factor: 2, maxMs: 1_000, resetAfterMs: 100 },
      crashLoop: { maxRestarts: 100, windowMs: 5_000 },
    });
    supervisor.start();
    await waitUntil('three restarts', () => ofType('restarting').length >= 3);
    await supervisor.stop();
    expect(ofType('restarting').slice(0, 3)).toEqual([
      { type: 'restarting', delayMs: 20, attempt: 1 },
      { type: 'restarting', delayMs: 20, attempt: 1 },
      { type: 'restarting', delayMs: 20, attempt: 1 },
    ]);
    const crashes = ofType('exited').filter((e) => e.code === 1);
    expect(crashes.length).toBeGreaterThanOrEqual(3);
    expect(crashes.every((e) => e.uptimeMs >= 100)).toBe(true);
  });

  it('treats a missing program as a crash: spawn-error, back-off, then fatal', async () => {
    const { supervisor, events, ofType } = supervise({ command: [join(dir, 'no-such-program')], crashLoop: { maxRestarts: 2, windowMs: 5_000 } });
    supervisor.start();
    await waitUntil('fatal', () => supervisor.state === 'fatal');
    expect(events.map((e) => e.type)).toEqual(['spawn-error', 'restarting', 'spawn-error', 'restarting', 'spawn-error', 'fatal']);
    expect(ofType('spawn-error')[0]!.message).toContain('ENOENT');
  });

  it('restart() recovers from fatal and forgets the crash history', async () => {
    const flag = join(dir, 'fixed');
    const { supervisor, ofType } = supervise({ command: ['sh', '-c', `test -f ${flag} || exit 1; exec sleep 30`] });
    supervisor.start();
    await waitUntil('fatal', () => supervisor.state === 'fatal');
    writeFileSync(flag, '');
    await supervisor.restart();
    await waitUntil('running', () => supervisor.state === 'running');
    expect(supervisor.restartsInWindow).toBe(0);
    expect(isPidAlive(supervisor.pid!)).toBe(true);
    expect(ofType('started')).toHaveLength(5);
  });
});

describe('ProcessSupervisor stop', () => {
  it('stops a running child with SIGTERM and does not restart it', async () => {
    const { supervisor, events } = supervise({ command: ['sleep', '30'] });
    supervisor.start();
    await waitUntil('running', () => supervisor.state === 'running');
    const pid = supervisor.pid!;
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
    expect(isPidAlive(pid)).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['started', 'exited', 'stopped']);
    expect(events[1]).toMatchObject({ type: 'exited', code: null, signal: 'SIGTERM' });
  });

  it('escalates to SIGKILL for a child that traps SIGTERM', async () => {
    const script = "process.on('SIGTERM', () => console.log('got TERM, staying')); setInterval(() => {}, 1000); console.log('ready');";
    const { supervisor, ofType } = supervise({ command: [process.execPath, '-e', script], stopTimeoutMs: 300 });
    supervisor.start();
    await waitUntil('ready in the log', () => log('out').includes('ready'));
    await supervisor.stop();
    expect(ofType('exited')[0]).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(log('out')).toContain('got TERM, staying');
    expect(supervisor.state).toBe('stopped');
  });

  it('stop() during back-off cancels the pending restart', async () => {
    const { supervisor, events } = supervise({
      command: ['sh', '-c', 'exit 1'],
      backoff: { initialMs: 60_000, factor: 2, maxMs: 60_000, resetAfterMs: 10_000 },
    });
    supervisor.start();
    await waitUntil('backoff', () => supervisor.state === 'backoff');
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
    expect(events.map((e) => e.type)).toEqual(['started', 'exited', 'restarting', 'stopped']);
  });
});

describe('ProcessSupervisor logs', () => {
  it('appends stdout and stderr to their files, across restarts and with env and cwd', async () => {
    const { supervisor } = supervise({
      command: ['sh', '-c', 'echo "out $GREETING from $(pwd)"; echo "err line" >&2; exit 2'],
      env: { GREETING: 'hello' },
      cwd: dir,
      crashLoop: { maxRestarts: 1, windowMs: 5_000 },
    });
    supervisor.start();
    await waitUntil('fatal', () => supervisor.state === 'fatal');
    await supervisor.stop();
    expect(log('out')).toBe(`out hello from ${dir}\n`.repeat(2));
    expect(log('err')).toBe('err line\n'.repeat(2));
  });

  it('gets all of a large output into the log although the exit is seen first', async () => {
    const script = "process.stdout.write('y'.repeat(3_000_000) + 'end\\n')";
    const { supervisor } = supervise({ command: [process.execPath, '-e', script], logMaxBytes: 10_000_000 });
    supervisor.start();
    await waitUntil('exited', () => supervisor.state === 'exited');
    await supervisor.stop();
    expect(Buffer.byteLength(log('out'))).toBe(3_000_004);
    expect(log('out').endsWith('yend\n')).toBe(true);
  });

  it('rotates a log by size and keeps logFiles rotated files', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(40)}\n`).join('');
    const script = `process.stdout.write(${JSON.stringify(lines)})`;
    const { supervisor } = supervise({ command: [process.execPath, '-e', script], logMaxBytes: 300, logFiles: 2 });
    supervisor.start();
    await waitUntil('exited', () => supervisor.state === 'exited');
    await supervisor.stop();
    expect(readdirSync(dir).filter((f) => f.startsWith('svc.out.log')).sort()).toEqual(['svc.out.log', 'svc.out.log.1', 'svc.out.log.2']);
    for (const suffix of ['', '.1', '.2']) expect(Buffer.byteLength(log('out', suffix))).toBeLessThanOrEqual(300);
    const kept = log('out', '.2') + log('out', '.1') + log('out');
    expect(kept).toBe(lines.slice(lines.length - kept.length));
    expect(kept.length).toBeGreaterThan(600);
    expect(log('out')).toContain('line 039');
  });
});

describe('ProcessSupervisor options', () => {
  it('refuses an empty command and log sizes that cannot work', () => {
    const base = { name: 'svc', backoff: { initialMs: 0, factor: 1, maxMs: 0, resetAfterMs: 0 }, crashLoop: { maxRestarts: 1, windowMs: 1 }, stopTimeoutMs: 1, logDir: '/tmp', logMaxBytes: 100, logFiles: 1 };
    expect(() => new ProcessSupervisor({ ...base, command: [] })).toThrow('service svc: command is empty');
    expect(() => new ProcessSupervisor({ ...base, command: ['true'], logMaxBytes: 0 })).toThrow('logMaxBytes must be at least 1');
    expect(() => new ProcessSupervisor({ ...base, command: ['true'], logFiles: -1 })).toThrow('logFiles must be a whole number');
  });
});

describe('external services', () => {
  it('reads a pidfile and tells whether the process lives', async () => {
    const pidfile = join(dir, 'svc.pid');
    writeFileSync(pidfile, `${process.pid}\n`);
    const pid = await readPidfile(pidfile);
    expect(pid).toBe(process.pid);
    expect(isPidAlive(pid)).toBe(true);
    expect(isPidAlive(2 ** 22 + 1)).toBe(false);
  });

  it('explains a missing or malformed pidfile', async () => {
    await expect(readPidfile(join(dir, 'missing.pid'))).rejects.toThrow(/missing\.pid does not exist/);
    const bad = join(dir, 'bad.pid');
    writeFileSync(bad, 'not-a-pid');
    await expect(readPidfile(bad)).rejects.toThrow(/does not hold a process id \(found "not-a-pid"\)/);
  });
});
