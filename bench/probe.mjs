/**
 * Preloaded into the bot child by the bench (`node --import bench/probe.mjs dist/src/main.js`).
 * Wraps a few prototype methods of the compiled bot (same module instances main.js imports) to time
 * its stages, samples the event-loop delay, and writes a JSON report to BENCH_PROBE_FILE at exit.
 * Plain JS so that the child runs exactly what `npm start` runs, plus these wrappers.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const file = process.env.BENCH_PROBE_FILE;
const withTimeline = process.env.BENCH_PROBE_TIMELINE === '1';
const dist = process.env.BENCH_BOT_ROOT ? pathToFileURL(`${process.env.BENCH_BOT_ROOT}/dist/`) : new URL('../dist/', import.meta.url);
const epoch = () => performance.timeOrigin + performance.now();

const samples = new Map();
const record = (stage, value) => {
  let list = samples.get(stage);
  if (!list) samples.set(stage, (list = []));
  if (list.length < 500_000) list.push(value);
};
const missing = [];
/** alertId → { acceptStart, acceptEnd } */
const alertTimes = new Map();
/** `${alertId}:${platform}` → timeline row */
const rows = new Map();
const row = (alertId, platform) => {
  const key = `${alertId}:${platform}`;
  let r = rows.get(key);
  if (!r) rows.set(key, (r = { alertId, platform }));
  return r;
};

async function patch(modulePath, className, method, wrap) {
  try {
    const mod = await import(new URL(modulePath, dist).href);
    const proto = mod[className]?.prototype;
    if (typeof proto?.[method] !== 'function') throw new Error('not found');
    proto[method] = wrap(proto[method]);
  } catch (error) {
    missing.push(`${modulePath} ${className}.${method}: ${error.message}`);
  }
}

/** Times a synchronous or promise-returning method under `stage`. */
const timed = (stage) => (original) =>
  function (...args) {
    const start = performance.now();
    const result = original.apply(this, args);
    if (result && typeof result.then === 'function') {
      return result.then((value) => {
        record(stage, performance.now() - start);
        return value;
      });
    }
    record(stage, performance.now() - start);
    return result;
  };

await patch('src/http/intake-service.js', 'IntakeService', 'accept', (original) =>
  function (inputs) {
    const acceptStart = epoch();
    const t = performance.now();
    const promise = original.call(this, inputs);
    const took = performance.now() - t;
    const acceptEnd = epoch();
    record('intake: commit + enqueue call (per request)', took);
    record('intake: per alert', took / Math.max(1, inputs.length));
    if (withTimeline) {
      promise.then((response) => {
        for (const outcome of response.alerts) if (outcome.id !== null) alertTimes.set(outcome.id, { acceptStart, acceptEnd });
      }, () => undefined);
    }
    return promise;
  },
);

const bullmq = await import('bullmq');
const addBulk = bullmq.Queue.prototype.addBulk;
bullmq.Queue.prototype.addBulk = function (jobs) {
  const t = performance.now();
  return addBulk.call(this, jobs).then((value) => {
    record('queue: addBulk round trip', performance.now() - t);
    return value;
  });
};
bullmq.Queue.prototype.add = timed('queue: add (follow-up)')(bullmq.Queue.prototype.add);

await patch('src/delivery/store.js', 'DeliveryStore', 'load', (original) =>
  function (deliveryId) {
    const loadAt = epoch();
    const t = performance.now();
    return original.call(this, deliveryId).then((loaded) => {
      record('store.load', performance.now() - t);
      if (withTimeline && loaded) {
        const r = row(loaded.alert.id, loaded.delivery.platform);
        r.loadAt ??= loadAt;
      }
      return loaded;
    });
  },
);
for (const method of ['countPending', 'countWaiting', 'claimForSending', 'markSent']) {
  await patch('src/delivery/store.js', 'DeliveryStore', method, timed(`store.${method}`));
}
for (const method of ['claimSummary', 'loadSummary', 'markSummarySent']) {
  await patch('src/delivery/summary-store.js', 'SummaryStore', method, timed(`summaries.${method}`));
}
await patch('src/delivery/pacer.js', 'Pacer', 'take', timed('pacer.take (Redis eval)'));

for (const [path, name, platform] of [
  ['src/platforms/discord/adapter.js', 'DiscordAdapter', 'discord'],
  ['src/platforms/telegram/adapter.js', 'TelegramAdapter', 'telegram'],
]) {
  await patch(path, name, 'postAlert', (original) =>
    function (destination, alert) {
      const postStart = epoch();
      const t = performance.now();
      return original.call(this, destination, alert).then((id) => {
        record(`${platform}: postAlert (render + HTTP round trip)`, performance.now() - t);
        if (withTimeline) Object.assign(row(alert.id, platform), { postStart, postEnd: epoch() });
        return id;
      });
    },
  );
  await patch(path, name, 'postSummary', timed(`${platform}: postSummary`));
}

// discord.js's REST client waits on its own limiters (global 50 req/s, per-route buckets): count those waits.
const discord = await import('discord.js');
const emit = discord.REST.prototype.emit;
discord.REST.prototype.emit = function (event, data) {
  if (event === 'rateLimited') record(`discord.js REST waited (${data.global ? 'global 50 req/s' : 'route bucket'})`, data.timeToReset);
  return emit.apply(this, arguments);
};

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

process.on('exit', () => {
  if (!file) return;
  const stages = {};
  for (const [stage, values] of samples) {
    values.sort((a, b) => a - b);
    const at = (p) => values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))];
    const total = values.reduce((sum, v) => sum + v, 0);
    stages[stage] = { n: values.length, p50: at(50), p99: at(99), max: values[values.length - 1], mean: total / values.length, total };
  }
  const timeline = [];
  if (withTimeline) {
    for (const r of rows.values()) timeline.push({ ...r, ...alertTimes.get(r.alertId) });
  }
  const ns = (v) => v / 1e6;
  const eventLoopDelay = { p50: ns(loopDelay.percentile(50)), p99: ns(loopDelay.percentile(99)), max: ns(loopDelay.max) };
  writeFileSync(file, JSON.stringify({ stages, eventLoopDelay, timeline, missing }));
});
