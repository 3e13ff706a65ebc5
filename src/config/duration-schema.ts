import { z } from 'zod';
import { parseDuration } from '../time/duration.js';

function toMs(text: string, ctx: z.RefinementCtx): number {
  const ms = parseDuration(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a duration like 30s, 15m, 1h30m or 2d` });
    return z.NEVER;
  }
  return ms;
}

/** A duration written `30s`, `15m`, `1h30m`, `2d`, as milliseconds. */
export const duration = z.string().transform(toMs);

export const durationWithDefault = (fallback: string) => z.string().default(fallback).transform(toMs);
