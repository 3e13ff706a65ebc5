import { z } from 'zod';
import { regexProblem } from '../linear-regex.js';

/** The source of a regular expression in RE2 syntax, checked to compile and to fit MAX_REGEX_LENGTH. */
export const regexSource = z.string().superRefine((source, ctx) => {
  const problem = regexProblem(source);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
