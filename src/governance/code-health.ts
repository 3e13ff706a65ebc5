import { and, desc, eq, lt } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import type { CodeMeasurementRow } from '../db/schema.js';
import type { GovernanceConfig, RepositoryConfig } from '../config/governance-schema.js';
import type { TriggerRule } from '../config/trigger-schema.js';
import type { MetricBatch } from '../triggers/metric-batch-schema.js';
import { measureRepository, repositoryName } from './measure.js';

const DAY_MS = 86_400_000;
/** Growth per day is only told over at least this long: two cycles minutes apart would extrapolate noise. */
const GROWTH_MIN_INTERVAL_MS = 3_600_000;

/** One repository in a cycle: this measurement, the one before it, and the growth between them. */
export interface CodeHealth {
  repository: string;
  path: string;
  current: CodeMeasurementRow;
  previous: CodeMeasurementRow | null;
  /** Lines gained per day since the previous measurement; null without one at least an hour older, or when either could not be measured. */
  growthLinesPerDay: number | null;
}

/** The figures a threshold watches, as metric names: each breach is a trigger rule's WARN. */
export const CODE_METRICS = {
  largestFileLines: 'code.largest_file_lines',
  filesOverLimit: 'code.files_over_limit',
  todoCount: 'code.todo_count',
  duplicatedLines: 'code.duplicated_lines',
  growthLinesPerDay: 'code.growth_lines_per_day',
} as const;

type Watched = keyof typeof CODE_METRICS;

/**
 * Measures every configured repository now and stores each measurement; a repository that cannot
 * be read is stored with its problem (and zero figures) instead of failing the others.
 */
export async function measureCodeHealth(store: Store, config: GovernanceConfig, now = new Date()): Promise<CodeHealth[]> {
  const results: CodeHealth[] = [];
  for (const repository of config.repositories) {
    const name = repositoryName(repository);
    const previous = await latestMeasurement(store, name, now);
    const current = await storeMeasurement(store, name, repository, now);
    const growth =
      previous && previous.problem === null && current.problem === null && now.getTime() - previous.at.getTime() >= GROWTH_MIN_INTERVAL_MS
        ? ((current.lines - previous.lines) * DAY_MS) / (now.getTime() - previous.at.getTime())
        : null;
    results.push({ repository: name, path: repository.path, current, previous, growthLinesPerDay: growth });
  }
  return results;
}

/** The latest measurement of each configured repository, with the one before it (`GET /api/v1/governance`, `opsbot governance`). */
export async function latestCodeHealth(store: Store, config: GovernanceConfig, history = 10): Promise<Array<{ repository: string; path: string; measurements: CodeMeasurementRow[] }>> {
  const { codeMeasurements } = store.t;
  const out = [];
  for (const repository of config.repositories) {
    const name = repositoryName(repository);
    const measurements = await store.db.select().from(codeMeasurements).where(eq(codeMeasurements.repository, name)).orderBy(desc(codeMeasurements.at), desc(codeMeasurements.id)).limit(history);
    out.push({ repository: name, path: repository.path, measurements });
  }
  return out;
}

async function latestMeasurement(store: Store, repository: string, before: Date): Promise<CodeMeasurementRow | null> {
  const { codeMeasurements } = store.t;
  const [row] = await store.db
    .select()
    .from(codeMeasurements)
    .where(and(eq(codeMeasurements.repository, repository), lt(codeMeasurements.at, before)))
    .orderBy(desc(codeMeasurements.at), desc(codeMeasurements.id))
    .limit(1);
  return row ?? null;
}

async function storeMeasurement(store: Store, name: string, repository: RepositoryConfig, now: Date): Promise<CodeMeasurementRow> {
  const { codeMeasurements } = store.t;
  let values: typeof codeMeasurements.$inferInsert;
  try {
    const figures = await measureRepository(repository);
    values = {
      repository: name,
      at: now,
      problem: null,
      files: figures.files,
      lines: figures.lines,
      largestFile: figures.largest?.path ?? null,
      largestLines: figures.largest?.lines ?? 0,
      filesOverLimit: figures.overLimit.length,
      todoCount: figures.todoCount,
      duplicatedLines: figures.duplicatedLines,
      worst: figures.worst,
      durationMs: figures.durationMs,
    };
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    values = { repository: name, at: now, problem, files: 0, lines: 0, largestFile: null, largestLines: 0, filesOverLimit: 0, todoCount: 0, duplicatedLines: 0, worst: [], durationMs: 0 };
  }
  const [row] = await store.transaction((tx) => tx.insert(codeMeasurements).values(values).returning());
  return row!;
}

/** A rule name for a repository's threshold: lower case, within the 64 characters rule names may have. */
function ruleName(repository: string, watched: Watched): string {
  const slug = repository.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
  return `code-${slug}`.slice(0, 40) + `-${watched.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * One threshold trigger rule per watched figure of each repository, on its CODE_METRICS series: the
 * trigger machinery raises the WARN when a cycle's figure passes it and resolves it when it clears.
 */
export function codeHealthRules(config: GovernanceConfig): TriggerRule[] {
  return config.repositories.flatMap((repository) => {
    const name = repositoryName(repository);
    return (Object.keys(CODE_METRICS) as Watched[]).flatMap((watched): TriggerRule[] => {
      const limit = repository.thresholds[watched];
      if (limit === undefined) return [];
      return [
        {
          name: ruleName(name, watched),
          kind: 'threshold',
          metric: CODE_METRICS[watched],
          labels: { repository: name },
          groupBy: ['repository'],
          severity: 'WARN',
          cooldown: 0,
          op: '>',
          value: limit,
          title: `Code health of {labels.repository}: {detail}`,
        },
      ];
    });
  });
}

/** The figures of a cycle's measurements as metric samples for the trigger engine (a repository that could not be measured has none). */
export function codeHealthSamples(results: CodeHealth[]): MetricBatch {
  const metrics = results.flatMap(({ repository, current, growthLinesPerDay }) => {
    if (current.problem !== null) return [];
    const labels = { repository };
    const samples: Array<{ name: string; value: number; labels: Record<string, string> }> = [
      { name: CODE_METRICS.largestFileLines, value: current.largestLines, labels },
      { name: CODE_METRICS.filesOverLimit, value: current.filesOverLimit, labels },
      { name: CODE_METRICS.todoCount, value: current.todoCount, labels },
      { name: CODE_METRICS.duplicatedLines, value: current.duplicatedLines, labels },
    ];
    if (growthLinesPerDay !== null) samples.push({ name: CODE_METRICS.growthLinesPerDay, value: Math.round(growthLinesPerDay), labels });
    return samples;
  });
  return { metrics };
}

/** The report's "Code health" section of one repository: now, the change since the previous measurement, the longest files. */
export interface CodeHealthEntry {
  repository: string;
  path: string;
  /** Why it could not be measured; the figures are then 0. */
  problem: string | null;
  files: number;
  lines: number;
  largest: { path: string; lines: number } | null;
  filesOverLimit: number;
  todoCount: number;
  duplicatedLines: number;
  growthLinesPerDay: number | null;
  /** Each figure minus the previous measurement's; null without a usable previous one. */
  change: { files: number; lines: number; filesOverLimit: number; todoCount: number; duplicatedLines: number } | null;
  worst: Array<{ path: string; lines: number }>;
  durationMs: number;
}

export function codeHealthEntries(results: CodeHealth[]): CodeHealthEntry[] {
  return results.map(({ repository, path, current: c, previous: p, growthLinesPerDay }) => ({
    repository,
    path,
    problem: c.problem,
    files: c.files,
    lines: c.lines,
    largest: c.largestFile === null ? null : { path: c.largestFile, lines: c.largestLines },
    filesOverLimit: c.filesOverLimit,
    todoCount: c.todoCount,
    duplicatedLines: c.duplicatedLines,
    growthLinesPerDay: growthLinesPerDay === null ? null : Math.round(growthLinesPerDay),
    change:
      p && p.problem === null && c.problem === null
        ? { files: c.files - p.files, lines: c.lines - p.lines, filesOverLimit: c.filesOverLimit - p.filesOverLimit, todoCount: c.todoCount - p.todoCount, duplicatedLines: c.duplicatedLines - p.duplicatedLines }
        : null,
    worst: c.worst,
    durationMs: c.durationMs,
  }));
}
