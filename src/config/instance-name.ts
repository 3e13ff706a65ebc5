import { z } from 'zod';

/** The name of an opsbot instance (OPSBOT_INSTANCE, and a service's `instance` and `fallback`). */
export const instanceName = z.string().regex(/^[A-Za-z0-9._-]{1,63}$/, 'must be 1 to 63 letters, digits and . _ - (a short name for this instance, e.g. ops-1)');
