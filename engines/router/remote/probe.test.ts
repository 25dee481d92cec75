// Probing an OpenAI-compatible server before connecting: a real HTTP server on 127.0.0.1 lists
// its models; the request is a web.fetch through L5 (a local address asks first), and the
// local-only posture refuses it with the reason.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../host/index.ts';
import { approveEverything, hostInTemp } from '../../host/testing.ts';

let server: Server;
let base: string;
const hosts: Host[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/v1/models')
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ object: 'list', data: [{ id: 'qwen2.5-7b' }, { id: 'llama-3.1-8b' }] }),
        );
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

describe('router.probe_remote', () => {
  it('lists the models the server offers, once the user allows the request', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-probe-' });
    const asked: string[] = [];
    host.bus.on('policy.approval_pending', (e) => {
      asked.push(e.payload.approval.resource);
      const { ticketId, requestHash } = e.payload.approval;
      void host.bus.invoke(
        'policy.respond_approval',
        { ticketId, requestHash, answer: 'allow' },
        { origin: 'renderer' },
      );
    });
    const r = await host.bus.invoke(
      'router.probe_remote',
      { baseUrl: base },
      { origin: 'renderer' },
    );
    expect(r).toEqual({ models: ['qwen2.5-7b', 'llama-3.1-8b'], problem: null });
    expect(asked[0]).toContain('/v1/models');
  });

  it('says why when the posture keeps everything local, or the server is not an OpenAI one', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-probe-local-' });
    approveEverything(host);
    const other = await host.bus.invoke(
      'router.probe_remote',
      { baseUrl: `${base}/nothing` },
      { origin: 'renderer' },
    );
    expect(other.models).toEqual([]);
    expect(other.problem).toBeTruthy();
    host.storage.settings.set('policy.posture', 'local-only');
    const r = await host.bus.invoke(
      'router.probe_remote',
      { baseUrl: base },
      { origin: 'renderer' },
    );
    expect(r.models).toEqual([]);
    expect(r.problem).toMatch(/privacy posture keeps everything on this machine/);
  });
});
