import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../db/store.js';
import { listReports } from '../reports/cycle.js';
import type { CycleResult } from '../reports/cycle-runner.js';
import { badRequest, issuesOf } from './errors.js';

const runBody = z.union([z.strictObject({ by: z.string().min(1).max(200).optional() }), z.undefined(), z.null()]);

/**
 * `GET /api/v1/reports` lists the ops reports; `POST /api/v1/reports` runs a cycle now (201), or, when
 * one is already being written, waits for it and answers with that report (200, `joined: true`).
 */
export function registerReportRoutes(app: FastifyInstance, reports: { store: Store; run: (trigger: string) => Promise<CycleResult> }) {
  app.get('/api/v1/reports', async () => ({ reports: await listReports(reports.store) }));
  app.post('/api/v1/reports', async (request, reply) => {
    const body = runBody.safeParse(request.body ?? undefined);
    if (!body.success) return badRequest(reply, request, 'invalid report request', issuesOf(body.error));
    const { row, report, joined } = await reports.run(`api:${body.data?.by ?? 'api'}`);
    const answer = { report: { name: row.name, path: row.markdownPath, jsonPath: row.jsonPath, summary: row.headline, failures: report.failures }, joined };
    if (!joined) return reply.code(201).send(answer);
    return reply.code(200).send({ ...answer, message: `a report was already being written when this request came; this is that report, ${row.name} (no second report or digest)` });
  });
}
