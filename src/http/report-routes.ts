import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/open.js';
import type { ReportRow } from '../db/schema.js';
import { listReports } from '../reports/cycle.js';
import type { OpsReport } from '../reports/report.js';
import { badRequest, issuesOf } from './errors.js';

const runBody = z.union([z.strictObject({ by: z.string().min(1).max(200).optional() }), z.undefined(), z.null()]);

/** `GET /api/v1/reports` lists the ops reports; `POST /api/v1/reports` runs a cycle now. */
export function registerReportRoutes(app: FastifyInstance, reports: { db: Db; run: (trigger: string) => Promise<{ row: ReportRow; report: OpsReport }> }) {
  app.get('/api/v1/reports', async () => ({ reports: listReports(reports.db) }));
  app.post('/api/v1/reports', async (request, reply) => {
    const body = runBody.safeParse(request.body ?? undefined);
    if (!body.success) return badRequest(reply, request, 'invalid report request', issuesOf(body.error));
    const { row, report } = await reports.run(`api:${body.data?.by ?? 'api'}`);
    return reply.code(201).send({ report: { name: row.name, path: row.markdownPath, jsonPath: row.jsonPath, summary: row.headline, failures: report.failures } });
  });
}
