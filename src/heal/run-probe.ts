import type { ProbeConfig } from '../config/service-schema.js';
import { commandProbe, httpProbe, tcpProbe, type ProbeResult } from './probes.js';

/** Runs the one probe a service's config describes. */
export function runProbe(probe: ProbeConfig): Promise<ProbeResult> {
  if (probe.http) {
    return httpProbe({
      url: probe.http.url,
      timeoutMs: probe.timeout,
      ...(probe.http.expectStatus ? { expectStatus: probe.http.expectStatus } : {}),
      ...(probe.http.bodyMatch ? { bodyMatch: probe.http.bodyMatch } : {}),
    });
  }
  if (probe.tcp) return tcpProbe({ host: probe.tcp.host, port: probe.tcp.port, timeoutMs: probe.timeout });
  return commandProbe({ command: probe.command!, timeoutMs: probe.timeout });
}
