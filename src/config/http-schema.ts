import { z } from 'zod';

/** A host name as it appears in a `Host` header, without the port: `ops.example.com`. */
const hostName = z
  .string()
  .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'a host name like ops.example.com (no scheme, no port)')
  .transform((name) => name.toLowerCase());

/**
 * The HTTP server (intake API, dashboard, /metrics). The timeouts and the connection cap keep slow
 * or idle clients from holding the server; the defaults suit a bot behind a LAN or a reverse proxy.
 */
export const httpSchema = z
  .strictObject({
    bodyLimitBytes: z.number().int().positive().default(1_048_576),
    maxAlertsPerRequest: z.number().int().positive().default(1_000),
    /** Besides loopback, the names this server answers to when API_TOKEN is not set (a reverse proxy's name). */
    allowedHosts: z.array(hostName).max(100).default([]),
    /** A whole request, headers and body, must arrive within this; the client gets 408 and is disconnected. */
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** The request headers must arrive within this. */
    headersTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** An idle keep-alive connection is closed after this (longer than the 60 s of common proxies and load balancers). */
    keepAliveTimeoutMs: z.number().int().min(100).max(600_000).default(72_000),
    /** A connection on which nothing at all arrives or leaves for this long is closed (a client that stops reading its answer). */
    idleTimeoutMs: z.number().int().min(100).max(3_600_000).default(120_000),
    /** Connections beyond this many open at once are refused (closed at once). */
    maxConnections: z.number().int().min(10).max(100_000).default(1_000),
  })
  .refine((http) => http.headersTimeoutMs <= http.requestTimeoutMs, {
    path: ['headersTimeoutMs'],
    message: 'must not be longer than http.requestTimeoutMs',
  })
  .prefault({});

export type HttpConfig = z.infer<typeof httpSchema>;
