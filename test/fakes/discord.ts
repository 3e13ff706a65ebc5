/**
 * A fake Discord API for tests: REST (`${apiUrl}/v10/...`) and the Gateway WebSocket on one local port, close
 * enough to the real wire protocol that the real discord.js runs against it:
 *
 *   const fake = await FakeDiscord.start({ token, guilds: [{ id: '1001', channels: ['2001'] }] });
 *   const rest = new REST({ api: fake.apiUrl }).setToken(token);
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 *
 * It enforces Discord's message and command limits, can be scripted to answer 429 / 5xx / errors or to hang,
 * and records every call. Modules: discord-http (plumbing), discord-rest (routes), discord-interactions,
 * discord-limits (validation), discord-gateway (WebSocket), discord-payloads (wire objects).
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { bucketHash, compileRoutes, matchRoute, normalizeRoute, rateLimitedReply, readBody, writeReply } from './discord-http.js';
import { apiError, type DcCall, type DcInteractionResponse, type DcMessage, type DcScript, type FakeDiscordOptions, type Reply } from './discord-types.js';
import { isSnowflake } from './discord-limits.js';
import { restRoutes, type FakeState } from './discord-rest.js';
import { InteractionDesk } from './discord-interactions.js';
import { FakeGateway } from './discord-gateway.js';

export type { DcCall, DcGuild, DcInteractionResponse, DcMessage, DcScript, FakeDiscordOptions } from './discord-types.js';

const DEFAULT_APPLICATION_ID = '1100000000000000001';
const notFound = apiError(404, 0, '404: Not Found');
const unauthorized = apiError(401, 0, '401: Unauthorized');

interface ScriptEntry {
  match: string;
  behaviour: DcScript;
  remaining: number;
}

export class FakeDiscord {
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly applicationId: string;
  /** The bot user's id (equal to the application id, as for current Discord apps). */
  readonly botUserId: string;
  readonly messages: DcMessage[] = [];
  readonly calls: DcCall[] = [];
  readonly commands: { global: any[]; guild: Record<string, any[]> } = { global: [], guild: {} };
  readonly interactionResponses: DcInteractionResponse[] = [];

  private scripts: ScriptEntry[] = [];
  private readonly rejectedChannels = new Map<string, Reply>();
  private readonly channelOverwrites = new Map<string, Array<{ id: string; type: 0 | 1; allow: string; deny: string }>>();
  private readonly listeners = new Set<(m: DcMessage) => void>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly routes: ReturnType<typeof compileRoutes>;
  private readonly gateway: FakeGateway;
  private readonly desk: InteractionDesk;
  private closed?: Promise<void>;
  private connections = 0;

  private constructor(private readonly server: Server, port: number, private readonly options: FakeDiscordOptions) {
    this.apiUrl = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    this.applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
    this.botUserId = this.applicationId;
    const guilds = options.guilds ?? [];
    const state: FakeState = {
      applicationId: this.applicationId,
      guilds,
      messages: this.messages,
      commands: this.commands,
      interactionResponses: this.interactionResponses,
      rejectedChannels: this.rejectedChannels,
      channelOverwrites: this.channelOverwrites,
      gatewayUrl: () => this.gatewayUrl,
      messageAccepted: (m) => this.notify(m),
    };
    this.desk = new InteractionDesk(state, options.interactionTimeoutMs ?? 3000);
    this.routes = compileRoutes([...restRoutes(state), ...this.desk.routes()]);
    this.gateway = new FakeGateway({ url: () => this.gatewayUrl, token: options.token, botId: this.botUserId, guilds });
    this.gateway.attach(server);
    server.on('connection', () => this.connections++);
    server.on('request', (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error('FakeDiscord could not handle', req.method, req.url, error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fake Discord crashed: ${String(error)}`, code: 0 }));
      });
    });
  }

  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    for (const id of [opts.applicationId, ...(opts.guilds ?? []).flatMap((g) => [g.id, ...g.channels])]) {
      if (id !== undefined && !isSnowflake(id)) {
        throw new Error(`FakeDiscord.start: id "${id}" is not a snowflake (digits only); discord.js parses ids as BigInt`);
      }
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    return new FakeDiscord(server, (server.address() as AddressInfo).port, opts);
  }

  inChannel(channelId: string): DcMessage[] {
    return this.messages.filter((m) => m.channelId === channelId);
  }

  /** Scripts the next `times` (default 1) requests matching `match`: '*', 'METHOD /route/:template', 'METHOD /concrete/path' or a path for any method. */
  script(match: string, behaviour: DcScript, times = 1): void {
    this.scripts.push({ match, behaviour, remaining: times });
  }

  /** Every /channels/:id route for this channel answers this error until reset(). */
  /** Denies `permissions` (Discord's bits) to @everyone in a channel of a guild, as a permission overwrite does: the channel can still be read. */
  denyInChannel(channelId: string, permissions: bigint): void {
    const guild = this.options.guilds?.find((g) => g.channels.includes(channelId));
    if (!guild) throw new Error(`FakeDiscord.denyInChannel: channel ${channelId} is in no guild given to FakeDiscord.start`);
    this.channelOverwrites.set(channelId, [{ id: guild.id, type: 0, allow: '0', deny: String(permissions) }]);
  }

  rejectChannel(channelId: string, status: number, code: number, message: string): void {
    this.rejectedChannels.set(channelId, apiError(status, code, message));
  }

  /** TCP connections accepted so far (REST and gateway). */
  get connectionsOpened(): number {
    return this.connections;
  }

  onMessage(listener: (m: DcMessage) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = probe();
        if (value !== undefined && value !== false && value !== null) return value;
      } catch (error) {
        lastError = error;
      }
      if (performance.now() >= deadline) {
        const cause = lastError instanceof Error ? ` (last probe error: ${lastError.message})` : '';
        const recent = this.calls.slice(-5).map((c) => `${c.method} ${c.path} → ${c.status}`).join('; ') || 'none';
        throw new Error(`FakeDiscord.waitFor: condition not met within ${timeoutMs} ms${cause}; last calls: ${recent}`);
      }
      await sleep(10);
    }
  }

  dispatch(event: string, data: unknown): void {
    void this.gateway.dispatch(event, data);
  }

  /** Dispatches INTERACTION_CREATE, filling id, token, application_id, version, channel, …; resolves with the payload sent. */
  async sendInteraction(interaction: Record<string, any>): Promise<Record<string, any>> {
    if (this.gateway.knownSessions === 0) {
      throw new Error('FakeDiscord.sendInteraction: no gateway session has identified yet (log a Client in and wait for clientReady)');
    }
    const filled = this.desk.prepare(interaction);
    await this.gateway.dispatch('INTERACTION_CREATE', filled);
    this.desk.started(filled.id);
    return filled;
  }

  get gatewaySessions(): number {
    return this.gateway.connectedSessions;
  }

  /** Closes every gateway socket with `code` (default 4000, resumable): discord.js reconnects and RESUMEs. */
  dropGateway(code = 4000): void {
    this.gateway.drop(code);
  }

  /** Sends op 7 RECONNECT to every gateway session. */
  requestReconnect(): Promise<void> {
    return this.gateway.requestReconnect();
  }

  /** Forgets messages, calls, commands, interactions, scripts and channel rejections (listeners and sessions stay). */
  reset(): void {
    this.messages.length = 0;
    this.calls.length = 0;
    this.commands.global = [];
    this.commands.guild = {};
    this.interactionResponses.length = 0;
    this.scripts = [];
    this.rejectedChannels.clear();
    this.channelOverwrites.clear();
    this.desk.clear();
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.gateway.close();
      for (const res of this.hanging) res.destroy();
      this.hanging.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  private notify(message: DcMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        console.error('FakeDiscord.onMessage listener threw', error);
      }
    }
  }

  private takeScript(method: string, path: string, template: string | undefined): DcScript | undefined {
    const index = this.scripts.findIndex(({ match }) => {
      if (match.trim() === '*') return true;
      const normalized = normalizeRoute(match);
      const [wantMethod, wantPath] = normalized.includes(' ') ? normalized.split(/\s+/, 2) : [method, normalized];
      if (wantMethod?.toUpperCase() !== method) return false;
      return wantPath === path || (template !== undefined && wantPath === normalizeRoute(template));
    });
    const entry = this.scripts[index];
    if (!entry) return undefined;
    if (--entry.remaining <= 0) this.scripts.splice(index, 1);
    return entry.behaviour;
  }

  private authorized(header: string | undefined): boolean {
    if (!header?.startsWith('Bot ')) return false;
    const token = header.slice(4);
    return this.options.token === undefined ? token.length > 0 : token === this.options.token;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = decodePath(url.pathname);
    const versioned = pathname.startsWith('/api/v10/');
    const path = versioned ? pathname.slice('/api/v10'.length) : pathname;
    const call: DcCall = { method, path, query: url.search.slice(1), body: undefined, auth: req.headers.authorization, at: performance.now(), status: 0 };
    this.calls.push(call);
    const { body, files, invalid } = await readBody(req);
    call.body = body;
    if (files.length > 0) call.files = files;
    const match = versioned ? matchRoute(this.routes, method, path) : undefined;
    const found = match && 'route' in match ? match : undefined;
    if (found) call.route = `${method} ${found.route.template}`;
    const bucket = bucketHash(call.route ?? path);
    const respond = (reply: Reply) => {
      call.status = reply.status;
      writeReply(res, reply, bucket);
    };
    const run = (): Reply => {
      if (!found) return notFound;
      try {
        return found.route.handle({ method, path, params: found.params, query: url.searchParams, body, files });
      } catch (error) {
        console.error('FakeDiscord route crashed', call.route, error);
        return apiError(500, 0, `fake Discord crashed: ${String(error)}`);
      }
    };

    const script = this.takeScript(method, path, found?.route.template);
    if (script?.kind === 'hang') {
      if (script.process) run();
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (script?.kind === '5xx') {
      if (script.process) run();
      const status = script.status ?? 502;
      return respond(apiError(status, 0, STATUS_CODES[status] ?? 'Server Error'));
    }
    if (script?.kind === '429') return respond(rateLimitedReply(bucket, script.retryAfter, script.global ?? false));
    if (script?.kind === 'error') return respond(apiError(script.status, script.code, script.message));

    if (match && 'allowed' in match) return respond(apiError(405, 0, '405: Method Not Allowed'));
    if (!found) return respond(notFound);
    if (invalid) return respond(apiError(400, 50109, 'The request body contains invalid JSON.'));
    if (found.route.auth && !this.authorized(call.auth)) return respond(unauthorized);
    respond(run());
  }
}

/** undici sends '@original' as '%40original': route on decoded segments. */
function decodePath(pathname: string): string {
  return pathname
    .split('/')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    })
    .join('/');
}
