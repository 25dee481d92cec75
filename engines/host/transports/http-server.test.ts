import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../bus/index.ts';
import { createHost, type Host } from '../create-host.ts';
import { startServer, type RunningServer } from './http-server.ts';

let host: Host;
let server: RunningServer;
const base = () => `http://127.0.0.1:${server.port}`;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aether-ws-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Aether</title>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer folder');
  host = createHost({
    mode: 'headless',
    dataDir: join(dir, 'data'),
    threads: 1,
    resources: { rendererDir },
  });
  server = await startServer({ host, port: 0, log: { info() {}, warn() {}, error() {} } });
});
afterAll(async () => {
  await server.close();
  await host.dispose();
});

function connect(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; inbox: ServerMessage[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    const inbox: ServerMessage[] = [];
    ws.on('message', (d) => inbox.push(JSON.parse(d.toString())));
    ws.on('open', () => resolve({ ws, inbox }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))));
    ws.on('error', reject);
  });
}

async function waitFor<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function get(
  path: string,
  hostHeader?: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base()}${path}`,
      { headers: hostHeader ? { host: hostHeader } : {} },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('headless server', () => {
  it('answers /health without the token with liveness only: no model, files or counts', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ name: 'aether', status: 'ok' });
  });

  it('prints a loopback URL with the token and answers /health with each engine, given the token', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const res = await get(`/health?token=${server.token}`);
    const health = JSON.parse(res.body);
    expect(health).toMatchObject({ name: 'aether', mode: 'headless', version: expect.any(String) });
    expect(Object.keys(health.engines)).toEqual(
      expect.arrayContaining(['storage', 'interaction', 'router', 'persona', 'presence']),
    );
  });

  it('serves the workspace with a strict CSP and never a file outside it', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await get('/../secret.txt')).body).not.toContain('outside');
    expect((await get('/%2e%2e/secret.txt')).body).not.toContain('outside');
  });

  it('refuses requests for another Host name (DNS rebinding)', async () => {
    expect((await get('/health', 'evil.example:80')).status).toBe(421);
  });

  it('refuses a socket without the token, with a wrong one, or from a foreign origin', async () => {
    await expect(connect('/ws')).rejects.toThrow('401');
    await expect(connect('/ws?token=nope')).rejects.toThrow('401');
    await expect(
      connect(`/ws?token=${server.token}`, { origin: 'http://evil.example' }),
    ).rejects.toThrow('403');
  });

  it('answers malformed and unknown messages with typed errors and keeps serving', async () => {
    const { ws, inbox } = await connect(`/ws?token=${server.token}`);
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'invoke', id: 1 }));
    ws.send(JSON.stringify({ type: 'invoke', id: 2, command: 'no.such_thing', input: {} }));
    ws.send(
      JSON.stringify({
        type: 'invoke',
        id: 3,
        command: 'router.generate',
        input: { turnId: 't', messages: [{ role: 'user', text: 'x' }] },
      }),
    );
    ws.send(
      JSON.stringify({
        type: 'invoke',
        id: 4,
        command: 'chat.send_message',
        input: { conversationId: 7 },
      }),
    );
    ws.send(
      JSON.stringify({ type: 'invoke', id: 5, command: 'chat.list_conversations', input: {} }),
    );
    const results = await waitFor(() => {
      const r = inbox.filter(
        (m): m is Extract<ServerMessage, { type: 'result' }> => m.type === 'result',
      );
      return r.length >= 6 ? r : undefined;
    });
    expect(results.slice(0, 2).map((r) => !r.ok && r.error.code)).toEqual([
      'BadRequest',
      'BadRequest',
    ]);
    // An invoke without input is answered under its own id, so the client can match it.
    expect(results[1]).toMatchObject({ id: 1, ok: false });
    expect(results.find((r) => r.id === 2)).toMatchObject({
      ok: false,
      error: { code: 'UnknownCommand' },
    });
    // Internal commands are not reachable from outside the host.
    expect(results.find((r) => r.id === 3)).toMatchObject({
      ok: false,
      error: { code: 'UnknownCommand' },
    });
    expect(results.find((r) => r.id === 4)).toMatchObject({
      ok: false,
      error: { code: 'BadRequest' },
    });
    expect(results.find((r) => r.id === 5)).toMatchObject({
      ok: true,
      output: { conversations: [] },
    });
    ws.close();
  });

  it('replays events after a given seq to a reconnecting client', async () => {
    const first = await connect(`/ws?token=${server.token}`);
    first.ws.send(
      JSON.stringify({
        type: 'invoke',
        id: 'a',
        command: 'chat.create_conversation',
        input: { title: 'One' },
      }),
    );
    await waitFor(() => first.inbox.find((m) => m.type === 'result'));
    const hello = first.inbox.find((m) => m.type === 'hello') as Extract<
      ServerMessage,
      { type: 'hello' }
    >;
    first.ws.close();
    const second = await connect(`/ws?token=${server.token}`);
    second.ws.send(JSON.stringify({ type: 'subscribe', afterSeq: hello.lastSeq }));
    const replayed = await waitFor(() =>
      second.inbox.find((m) => m.type === 'event' && m.event.name === 'chat.conversations_changed'),
    );
    expect(replayed).toMatchObject({ event: { payload: { reason: 'created' } } });
    second.ws.close();
  });
  it("sends the avatar's frames on their own subscription, at the rate asked, until stopped", async () => {
    const { ws, inbox } = await connect(`/ws?token=${server.token}`);
    ws.send(JSON.stringify({ type: 'presence', fps: 30, reducedMotion: false }));
    const frames = () => inbox.filter((m) => m.type === 'presence_frame');
    await waitFor(() => (frames().length >= 5 ? true : undefined));
    expect(frames()[0]).toMatchObject({ frame: { layer: 'idle', mouth: { viseme: 'closed' } } });
    // Frames never come through the event stream, and a bad rate is a typed error.
    expect(inbox.some((m) => m.type === 'event' && m.event.name.startsWith('presence.'))).toBe(
      false,
    );
    ws.send(JSON.stringify({ type: 'presence', fps: 1000, reducedMotion: false }));
    await waitFor(() =>
      inbox.find((m) => m.type === 'result' && !m.ok && m.error.code === 'BadRequest'),
    );
    ws.send(JSON.stringify({ type: 'presence', fps: 0, reducedMotion: false }));
    await new Promise((r) => setTimeout(r, 100));
    const count = frames().length;
    await new Promise((r) => setTimeout(r, 200));
    expect(frames().length).toBe(count);
    ws.close();
  });
});
