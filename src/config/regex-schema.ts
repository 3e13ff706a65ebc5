import { z } from 'zod';

/** The source of a regular expression, checked to compile. */
export const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);
