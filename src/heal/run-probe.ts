import type { ProbeConfig } from '../config/service-schema.js';
import { commandProbe, httpProbe, tcpProbe, type ProbeResult } from './probes.js';

/** Runs the one probe a service's config describes; a command probe runs in the service's `cwd` with its `env`. */
export function runProbe(probe: ProbeConfig, service: { cwd?: string | undefined; env?: Readonly<Record<string, string>> } = {}): Promise<ProbeResult> {
  if (probe.http) {
    return httpProbe({
      url: probe.http.url,
      timeoutMs: probe.timeout,
      ...(probe.http.expectStatus ? { expectStatus: probe.http.expectStatus } : {}),
      ...(probe.http.bodyMatch ? { bodyMatch: probe.http.bodyMatch } : {}),
    });
  }
  if (probe.tcp) return tcpProbe({ host: probe.tcp.host, port: probe.tcp.port, timeoutMs: probe.timeout });
  return commandProbe({ command: probe.command!, timeoutMs: probe.timeout, ...(service.cwd ? { cwd: service.cwd } : {}), ...(service.env ? { env: service.env } : {}) });
}
