/**
 * The fake Discord Gateway: plain JSON over `ws` on the REST server's port, path /gateway?v=10&encoding=json.
 * HELLO on connect, IDENTIFY → READY + GUILD_CREATE per guild, heartbeat ACKs, RESUME with replay of the
 * dispatches a dropped session missed, and the real close codes for bad input.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { DcGuild } from './discord-types.js';
import { botUser, guildCreate } from './discord-payloads.js';

export const HEARTBEAT_INTERVAL = 41250;
const GUILDS_INTENT = 1 << 0;
const MAX_BACKLOG = 1000;
/** Close codes after which Discord does not allow RESUME. */
const NON_RESUMABLE = new Set([1000, 1001, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

interface Payload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

interface Connection {
  session?: Session;
}

interface Session {
  id: string;
  seq: number;
  socket?: WebSocket;
  /** Dispatches made while the session had no socket, replayed on RESUME. */
  backlog: Payload[];
}

export interface GatewayConfig {
  url: () => string;
  token: string | undefined;
  botId: string;
  guilds: DcGuild[];
}

export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();

  constructor(private readonly config: GatewayConfig) {}

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** Identified sessions that currently have a socket. */
  get connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === WebSocket.OPEN).length;
  }

  /** Sessions that would receive a dispatch now or on RESUME. */
  get knownSessions(): number {
    return this.sessions.size;
  }

  /** Sends op 0 to every identified session; sessions that dropped keep it for their RESUME. Resolves once written. */
  async dispatch(event: string, data: unknown): Promise<void> {
    const writes: Array<Promise<void>> = [];
    for (const session of this.sessions.values()) {
      const payload: Payload = { op: 0, t: event, s: ++session.seq, d: data };
      if (session.socket?.readyState === WebSocket.OPEN) writes.push(send(session.socket, payload));
      else if (session.backlog.length < MAX_BACKLOG) session.backlog.push(payload);
    }
    await Promise.all(writes);
  }

  /** Closes every socket with `code`; the sessions stay resumable unless the code forbids it. */
  drop(code = 4000, reason = 'Dropped by the fake'): void {
    for (const socket of this.sockets) socket.close(code, reason);
  }

  /** Sends op 7 RECONNECT to every connected session (the client is expected to RESUME). */
  async requestReconnect(): Promise<void> {
    await Promise.all([...this.sockets].map((socket) => send(socket, { op: 7, d: null, s: null, t: null })));
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    this.sessions.clear();
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${text}`);
    };
    if (url.pathname !== '/gateway') return refuse(404, 'Not Found');
    if (url.searchParams.has('compress')) {
      return refuse(400, 'fake Discord gateway speaks plain JSON only: drop the compress parameter (uninstall zlib-sync)');
    }
    const version = url.searchParams.get('v');
    const encoding = url.searchParams.get('encoding') ?? 'json';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => ws.terminate());
      if (version !== '10') return ws.close(4012, 'Invalid API version.');
      if (encoding !== 'json') return ws.close(4002, 'Error while decoding payload.');
      const connection: Connection = {};
      ws.on('close', (code) => {
        const session = connection.session;
        if (!session || session.socket !== ws) return;
        session.socket = undefined;
        if (NON_RESUMABLE.has(code)) this.sessions.delete(session.id);
      });
      ws.on('message', (raw) => void this.receive(ws, connection, raw));
      void send(ws, { op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL }, s: null, t: null });
    });
  }

  private async receive(ws: WebSocket, connection: Connection, raw: RawData): Promise<void> {
    let payload: { op?: unknown; d?: any };
    try {
      payload = JSON.parse(raw.toString());
    } catch {
      return ws.close(4002, 'Error while decoding payload.');
    }
    switch (payload.op) {
      case 1:
        return send(ws, { op: 11, d: null, s: null, t: null });
      case 2:
        return this.identify(ws, connection, payload.d);
      case 6:
        return this.resume(ws, connection, payload.d);
      case 3: // presence update
      case 4: // voice state update
      case 8: // request guild members
        if (!connection.session) return ws.close(4003, 'Not authenticated.');
        return;
      default:
        return ws.close(4001, 'Unknown opcode.');
    }
  }

  private tokenMatches(token: unknown): boolean {
    if (typeof token !== 'string' || token.length === 0) return false;
    return this.config.token === undefined || token === this.config.token;
  }

  private async identify(ws: WebSocket, connection: Connection, d: any): Promise<void> {
    if (connection.session) return ws.close(4005, 'Already authenticated.');
    if (!this.tokenMatches(d?.token)) return ws.close(4004, 'Authentication failed.');
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, socket: ws, backlog: [] };
    connection.session = session;
    this.sessions.set(session.id, session);
    const { botId, guilds } = this.config;
    const ready = {
      v: 10, user: { ...botUser(botId), verified: true, mfa_enabled: false, email: null },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })), session_id: session.id,
      resume_gateway_url: this.config.url(), session_type: 'normal', shard: [0, 1],
      application: { id: botId, flags: 0 }, private_channels: [], relationships: [], presences: [],
      guild_join_requests: [], geo_ordered_rtc_regions: [], user_settings: {}, auth: {},
    };
    await send(ws, { op: 0, t: 'READY', s: ++session.seq, d: ready });
    if ((Number(d?.intents) & GUILDS_INTENT) === 0) return;
    for (const guild of guilds) {
      await send(ws, { op: 0, t: 'GUILD_CREATE', s: ++session.seq, d: guildCreate(guild, botId) });
    }
  }

  private async resume(ws: WebSocket, connection: Connection, d: any): Promise<void> {
    const session = this.sessions.get(String(d?.session_id));
    const reusable = session && !session.socket && this.tokenMatches(d?.token) && !connection.session;
    if (!session || !reusable) return send(ws, { op: 9, d: false, s: null, t: null });
    connection.session = session;
    session.socket = ws;
    const seen = Number(d?.seq ?? 0);
    const missed = session.backlog.filter((p) => (p.s ?? 0) > seen);
    session.backlog = [];
    for (const payload of missed) await send(ws, payload);
    await send(ws, { op: 0, t: 'RESUMED', s: ++session.seq, d: {} });
  }
}

function send(ws: WebSocket, payload: Payload): Promise<void> {
  if (ws.readyState !== WebSocket.OPEN) return Promise.resolve();
  return new Promise((resolve) => ws.send(JSON.stringify(payload), () => resolve()));
}
