// Updates through electron-updater's real DebUpdater (in plain Node: node-updater.fixture.ts
// stands in for what Electron gives it) against a feed served on 127.0.0.1: what is offered,
// what is refused before anything is downloaded, the sha512 check, the staged rollout, and a
// restart that waits for what is under way. Installing (dpkg -i as root) is the one step not run.
import { ed25519 } from '@noble/curves/ed25519.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../engines/host/index.ts';
import { stringify } from 'yaml';
import { signFeed, type Feed } from './feed-signature.ts';
import { gatedCheck, updateExecutor } from './gated.ts';
import { nodeDebUpdater } from './node-updater.fixture.ts';
import { createUpdateService, type UpdateSettings, type UpdateState } from './update-service.ts';

const key = ed25519.utils.randomSecretKey();
const other = ed25519.utils.randomSecretKey();
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const publicKey = hexOf(ed25519.getPublicKey(key));
const deb = randomBytes(300_000);
const sha512 = createHash('sha512').update(deb).digest('base64');

/** What the server answers, by path; and every path asked for. */
const routes = new Map<string, string | Buffer>();
const asked: string[] = [];
let server: Server;
let base: string;

function feed(version: string, extra: Record<string, unknown> = {}): Feed {
  const file = { url: `aether_${version}_amd64.deb`, sha512, size: deb.length };
  return { version, files: [file], path: file.url, sha512, ...extra } as Feed;
}
const signed = (f: Feed, by = key) => stringify(signFeed(f, hexOf(by)));

function publish(name: string, text: string): void {
  routes.set(`/${name}`, text);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    asked.push(path);
    const body = routes.get(path) ?? (path.endsWith('.deb') ? deb : undefined);
    res.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((r) => server.close(r)));
const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

/** A real host whose L5 runs the update check as its `app.update` executor. */
function gatedSetup() {
  const made = setup();
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-update-host-')),
    threads: 1,
    executors: { 'app.update': updateExecutor(() => made.service) },
  });
  hosts.push(host);
  return { ...made, host, check: gatedCheck(host, base) };
}

function setup(settings: UpdateSettings = { auto: false, channel: 'stable' }, version = '1.0.0') {
  const updater = nodeDebUpdater(version, mkdtempSync(join(tmpdir(), 'aether-update-')), base);
  const installs: boolean[] = [];
  // Installing runs dpkg as root: recorded, not run.
  updater.quitAndInstall = (silent?: boolean) => void installs.push(silent ?? false);
  const states: UpdateState[] = [];
  let busy: string | null = null;
  const service = createUpdateService({
    updater,
    publicKey,
    settings,
    busy: () => busy,
    onState: (s) => states.push(s),
  });
  const until = (state: UpdateState['state']) =>
    new Promise<UpdateState>((resolve) => {
      const poll = setInterval(() => {
        if (service.state().state !== state) return;
        clearInterval(poll);
        resolve(service.state());
      }, 5);
    });
  return { service, updater, installs, states, until, setBusy: (b: string | null) => (busy = b) };
}

describe('updates', () => {
  it('offers a newer signed version, downloads it, and says it is ready', async () => {
    publish('latest-linux.yml', signed(feed('1.1.0')));
    const { service, until } = setup();
    await service.check();
    expect(await until('ready')).toEqual({ state: 'ready', version: '1.1.0', waitingFor: null });
  });

  it('offers nothing for the same or an older version', async () => {
    for (const v of ['1.0.0', '0.9.0']) {
      publish('latest-linux.yml', signed(feed(v)));
      const { service } = setup();
      expect(await service.check()).toEqual({ state: 'up-to-date' });
    }
  });

  it('keeps betas from the stable channel and offers them on the beta one', async () => {
    publish('latest-linux.yml', signed(feed('1.2.0-beta.1')));
    expect(await setup().service.check()).toMatchObject({ state: 'refused' });
    publish('beta-linux.yml', signed(feed('1.2.0-beta.1')));
    const beta = setup({ auto: false, channel: 'beta' });
    await beta.service.check();
    expect(await beta.until('ready')).toMatchObject({ version: '1.2.0-beta.1' });
  });

  it('refuses an unsigned, foreign, replayed or garbled feed before downloading anything', async () => {
    const old = signFeed(feed('1.0.5'), hexOf(key));
    const replayed = { ...feed('1.1.0'), files: old.files };
    const garbled = signFeed(feed('1.1.0'), hexOf(key));
    garbled.files[0].signature = 'bm90IGEgc2lnbmF0dXJl';
    for (const [text, reason] of [
      [stringify(feed('1.1.0')), /is not signed$/],
      [signed(feed('1.1.0'), other), /not signed by Aether's release key/],
      [stringify(replayed), /not signed by Aether's release key for 1\.1\.0/],
      [stringify(garbled), /not signed by Aether's release key/],
    ] as const) {
      publish('latest-linux.yml', text);
      asked.length = 0;
      const state = await setup().service.check();
      expect(state).toMatchObject({ state: 'refused', reason: expect.stringMatching(reason) });
      expect(asked.filter((p) => p.endsWith('.deb'))).toEqual([]);
    }
  });

  it('says so when the feed is not a feed, or the file is not the one signed', async () => {
    publish('latest-linux.yml', 'this: [is not, a feed');
    expect(await setup().service.check()).toMatchObject({ state: 'failed' });
    const wrong = feed('1.1.0');
    wrong.files[0].sha512 = createHash('sha512').update('other bytes').digest('base64');
    publish('latest-linux.yml', stringify(signFeed(wrong, hexOf(key))));
    const { service, until } = setup();
    await service.check();
    expect(await until('failed')).toMatchObject({ reason: expect.stringMatching(/sha512/i) });
  });

  it('offers a staged rollout to about its share of installations', async () => {
    publish('latest-linux.yml', signed(feed('1.1.0', { stagingPercentage: 30 })));
    let offered = 0;
    for (let i = 0; i < 200; i++) {
      const { service, updater } = setup();
      updater.autoDownload = false;
      if ((await service.check()).state === 'downloading') offered++;
    }
    expect(offered).toBeGreaterThan(30);
    expect(offered).toBeLessThan(90);
  });

  it('checks only as an app.update action: decided by the gate and audited with the feed', async () => {
    publish('latest-linux.yml', signed(feed('1.1.0')));
    const { host, check, until } = gatedSetup();
    // The real feed (github.com) is automatic; this one is on 127.0.0.1, a private address,
    // which the gate never fetches without a person's yes.
    const cards: string[] = [];
    host.bus.on('policy.approval_pending', ({ payload: { approval } }) => {
      cards.push(approval.capability);
      void host.bus.invoke('policy.respond_approval', {
        ticketId: approval.ticketId,
        requestHash: approval.requestHash,
        answer: 'allow',
      });
    });
    expect(await check()).toMatchObject({ status: 'done' });
    expect(cards).toEqual(['app.update']);
    await until('ready');
    const { rows } = await host.bus.invoke('policy.list_audit', { capability: 'app.update' });
    expect(
      rows.some((r) => r.kind === 'policy.outcome' && (r.resource ?? '').startsWith(base)),
    ).toBe(true);
  });

  it('asks the feed nothing when the gate refuses the check', async () => {
    publish('latest-linux.yml', signed(feed('1.1.0')));
    const { host, check, service } = gatedSetup();
    const preset = { name: 'custom', overrides: { 'app.update': 'deny' } };
    host.storage.settings.set('policy.preset', preset);
    asked.length = 0;
    expect(await check()).toMatchObject({ status: 'denied' });
    expect(asked).toEqual([]);
    expect(service.state()).toEqual({ state: 'idle' });
    const { rows } = await host.bus.invoke('policy.list_audit', { capability: 'app.update' });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.decision !== 'allow')).toBe(true);
  });

  it('restarts only when the user asks, and not before what is under way has ended', async () => {
    publish('latest-linux.yml', signed(feed('1.1.0')));
    const { service, until, installs, setBusy } = setup();
    await service.check();
    await until('ready');
    expect(installs).toEqual([]); // ready is not a restart
    // A later scheduled check leaves the waiting update as it is.
    expect(await service.check()).toMatchObject({ state: 'ready', version: '1.1.0' });
    setBusy('a reply is being written');
    expect(service.restart()).toBe(false);
    expect(service.state()).toMatchObject({ waitingFor: 'a reply is being written' });
    expect(service.idle()).toBe(false);
    setBusy(null);
    expect(service.idle()).toBe(true);
    expect(installs).toEqual([false]);
  });
});
