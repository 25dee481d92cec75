// /metrics on a real host behind a real server: the API key is needed, and what it counts comes
// from what happened (a turn, a decision, an approval waiting).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../create-host.ts';
import { say } from '../testing.ts';
import { startServer, type RunningServer } from './http-server.ts';

let host: Host;
let server: RunningServer;
const KEY = 'sk-aether-test-metrics-key';
const metrics = (key?: string) =>
  fetch(`http://127.0.0.1:${server.port}/metrics`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aether-metrics-'));
  host = createHost({ mode: 'headless', dataDir: join(dir, 'data'), workspace: dir, threads: 1 });
  server = await startServer({
    host,
    port: 0,
    log: { info() {}, warn() {}, error() {} },
    apiKey: KEY,
  });
});
afterAll(async () => {
  await server.close();
  await host.dispose();
});

describe('/metrics', () => {
  it('needs the API key', async () => {
    expect((await metrics()).status).toBe(401);
    expect((await metrics('sk-wrong')).status).toBe(401);
  });

  it('counts turns, decisions by verdict and the approvals waiting, in Prometheus text', async () => {
    const c = await host.bus.invoke('chat.create_conversation', {});
    await say(host, c.id, 'tell me something'); // no model here: the turn ends in an error
    const waiting = host.bus.invoke('policy.perform', {
      capability: 'files.read',
      target: 'a.md',
      actor: 'user',
      why: 'metrics test',
    });
    await expect
      .poll(async () => (await host.bus.invoke('policy.list_pending', {})).approvals.length)
      .toBe(1);
    const res = await metrics(KEY);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^aether_turns_total\{status="error"\} 1$/m);
    expect(text).toMatch(/^aether_policy_decisions_total\{verdict="ask"\} 1$/m);
    expect(text).toMatch(/^aether_approvals_waiting 1$/m);
    expect(text).toMatch(/^# TYPE aether_ttft_ms histogram$/m);
    expect(text).toMatch(/^aether_memory_query_ms_count \d+$/m);
    expect(text).toMatch(/^aether_process_restarts_total\{process="model"\} 0$/m);
    const [pending] = (await host.bus.invoke('policy.list_pending', {})).approvals;
    await host.bus.invoke('policy.respond_approval', {
      ticketId: pending.ticketId,
      requestHash: pending.requestHash,
      answer: 'deny',
    });
    await waiting;
    expect(await (await metrics(KEY)).text()).toMatch(/^aether_approvals_waiting 0$/m);
  });
});
