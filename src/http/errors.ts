import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { formatIssuePath } from '../validation.js';
import { loggablePath } from './loggable-path.js';

export interface FieldIssue {
  field: string;
  problem: string;
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: formatIssuePath(issue.path) || '(body)', problem: issue.message }));
}

export async function badRequest(reply: FastifyReply, request: FastifyRequest, error: string, issues: FieldIssue[]) {
  request.log.warn({ path: loggablePath(request.url), issues }, `rejected: ${error}`);
  return reply.code(400).send({ error, issues });
}
