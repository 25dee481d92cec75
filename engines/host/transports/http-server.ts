// Headless mode: the workspace, /health, and a WebSocket that carries the bus to the page.
// Bound to loopback; every socket needs the per-launch token; Host and Origin headers are
// checked so a web page elsewhere cannot reach the host through DNS rebinding.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientMessageSchema, type ServerMessage } from '../../bus/index.ts';
import type { Host } from '../create-host.ts';
import type { Logger } from '../logger.ts';
import { dispatch } from './dispatch.ts';
import { createOpenAiApi } from './openai-api.ts';
import { contentSecurityPolicy, serveStatic } from './static-files.ts';

export type ServerOptions = {
  host: Host;
  port: number;
  bindHost?: string;
  token?: string;
  log: Logger;
  /** The OpenAI-compatible API's key; without one the API is off. */
  apiKey?: string;
  apiRatePerMinute?: number;
};

export type RunningServer = { url: string; port: number; token: string; close(): Promise<void> };

const MAX_MESSAGE_BYTES = 1024 * 1024;

function sameSecret(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { host, log } = options;
  const bindHost = options.bindHost ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(bindHost);
  // On loopback the Host header must name this server (DNS rebinding); a deliberate non-loopback
  // bind cannot know the names it is reached by, so there the token alone guards the socket.
  const hostAllowed = (host: string | undefined) =>
    !loopback || [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host ?? '');
  // A browser's Origin must be this very page.
  const originAllowed = (origin: string | undefined, host: string | undefined) =>
    origin === undefined || origin === `http://${host}`;

  const api = options.apiKey
    ? createOpenAiApi({
        bus: host.bus,
        apiKey: options.apiKey,
        ratePerMinute: options.apiRatePerMinute,
      })
    : null;
  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host)) {
      res.writeHead(421).end('misdirected request');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local');
    // A browser page elsewhere must not drive the API with the user's key: no CORS, and no
    // foreign Origin at all.
    if (api && url.pathname.startsWith('/v1/')) {
      if (
        req.headers.origin !== undefined &&
        !originAllowed(req.headers.origin, req.headers.host)
      ) {
        res.writeHead(403).end('forbidden');
        return;
      }
      api(req, res, url.pathname).catch((error: Error) => {
        log.error('api.failed', { error: error.message });
        if (!res.headersSent)
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end('{"error":{"message":"internal error"}}');
        else res.end();
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
    } else if (url.pathname === '/health') {
      // Any local process may ask whether Aether is up; what it runs (model, counts) needs the token.
      const full = sameSecret(url.searchParams.get('token'), token);
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(full ? host.health() : { name: 'aether', status: 'ok' }));
    } else {
      void serveStatic(
        host.resources.rendererDir,
        url.pathname,
        res,
        contentSecurityPolicy(`ws://${req.headers.host}`),
      );
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const origin = req.headers.origin;
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\n\r\n`);
    };
    if (url.pathname !== '/ws' || !hostAllowed(req.headers.host)) return refuse('404 Not Found');
    if (!originAllowed(origin, req.headers.host)) {
      log.warn('transport.rejected', { origin: 'ws', reason: 'foreign origin' });
      return refuse('403 Forbidden');
    }
    if (!sameSecret(url.searchParams.get('token'), token)) {
      log.warn('transport.rejected', { origin: 'ws', reason: 'bad token' });
      return refuse('401 Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    let subscription: { dispose(): void } | null = null;
    send({ type: 'hello', version: host.health().version, lastSeq: host.bus.lastSeq() });
    ws.on('message', async (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        send({
          type: 'result',
          id: null,
          ok: false,
          error: { code: 'BadRequest', message: 'message is not JSON' },
        });
        return;
      }
      const parsed = clientMessageSchema.safeParse(raw);
      if (!parsed.success) {
        log.warn('transport.rejected', { origin: 'ws', reason: 'malformed message' });
        // Answered under the id it carried, when it carried a usable one, so the client can match it.
        const id = (raw as { id?: unknown } | null)?.id;
        const usable =
          (typeof id === 'string' && id.length <= 64) ||
          (typeof id === 'number' && Number.isSafeInteger(id))
            ? id
            : null;
        const issue = parsed.error.issues[0];
        send({
          type: 'result',
          id: usable,
          ok: false,
          error: {
            code: 'BadRequest',
            message: `malformed message: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
          },
        });
        return;
      }
      const message = parsed.data;
      if (message.type === 'subscribe') {
        subscription?.dispose();
        const sub = host.bus.subscribe((event) => send({ type: 'event', event }), {
          afterSeq: message.afterSeq,
        });
        if (sub.gap) send({ type: 'replay_gap', afterSeq: message.afterSeq });
        subscription = sub;
        return;
      }
      send({ type: 'result', ...(await dispatch(host.bus, message, 'renderer', log)) });
    });
    ws.on('close', () => subscription?.dispose());
    ws.on('error', () => subscription?.dispose());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
