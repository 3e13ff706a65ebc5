import { z } from 'zod';

/** An optional environment variable: unset and blank both mean absent; surrounding spaces go. */
export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const optionalUrl = (protocols: string[]) =>
  optionalText.refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
    message: `must be a URL starting with ${protocols.join(' or ')}`,
  });

/** A secret callers present (a bearer token): long enough that guessing it is hopeless. */
export const callerSecret = optionalText.refine((v) => v === undefined || v.length >= 16, {
  message: 'must be at least 16 characters long, or anyone who can reach the bot could guess it; generate one with `openssl rand -hex 24`',
});
