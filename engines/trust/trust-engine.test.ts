// L7 through a real host: its views are computed from the real gate, grants and ledger (a real
// SQLite file), and the first run's progress survives a restart.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { cachedModel } from '../../scripts/gguf/cache.ts';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host/index.ts';
import { approveEverything, hostInTemp } from '../host/testing.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

/** Answers the next approval, as the renderer would. */
function allowNext(host: Host, extra: { duration?: 'session' | 'always'; uses?: number } = {}) {
  const sub = host.bus.on('policy.approval_pending', (e) => {
    sub.dispose();
    const { ticketId, requestHash } = e.payload.approval;
    void host.bus.invoke(
      'policy.respond_approval',
      { ticketId, requestHash, answer: 'allow', scopeOption: 'folder', ...extra },
      { origin: 'renderer' },
    );
  });
}

describe('the first run', () => {
  it('starts at welcome, moves on, resumes after a restart, replays, and audits each change', async () => {
    const { host, dataDir, workspace } = hostInTemp(hosts, { prefix: 'aether-onboard-' });
    expect(await host.bus.invoke('trust.get_onboarding', {})).toMatchObject({
      current: 'welcome',
      finished: false,
    });
    await host.bus.invoke(
      'trust.set_onboarding',
      { op: 'step', step: 'welcome', outcome: 'done', choice: 'dark' },
      { origin: 'renderer' },
    );
    const after = await host.bus.invoke(
      'trust.set_onboarding',
      { op: 'step', step: 'computer', outcome: 'skipped' },
      { origin: 'renderer' },
    );
    expect(after.current).toBe('persona');
    await host.dispose();
    const again = createHost({ mode: 'headless', dataDir, workspace, threads: 1 });
    hosts.push(again);
    const resumed = await again.bus.invoke('trust.get_onboarding', {});
    expect(resumed).toMatchObject({ current: 'persona', choices: { welcome: 'dark' } });
    expect(resumed.steps.slice(0, 2)).toEqual([
      { id: 'welcome', state: 'done' },
      { id: 'computer', state: 'skipped' },
    ]);
    const skipped = await again.bus.invoke(
      'trust.set_onboarding',
      { op: 'skip_all' },
      { origin: 'renderer' },
    );
    expect(skipped).toMatchObject({ current: null, finished: true });
    const replay = await again.bus.invoke(
      'trust.set_onboarding',
      { op: 'replay' },
      { origin: 'renderer' },
    );
    expect(replay).toMatchObject({ current: 'welcome', finished: false, choices: {} });
    const { rows } = await again.bus.invoke('policy.list_audit', {
      kind: 'trust.onboarding_changed',
    });
    expect(rows.map((r) => r.resource)).toEqual(['replay', 'skip_all', 'computer', 'welcome']);
  });

  it('a host started for scripts skips a first run never started, and leaves one in progress alone', async () => {
    const { host, dataDir, workspace } = hostInTemp(hosts, { prefix: 'aether-onboard-skip-' });
    await host.bus.invoke(
      'trust.set_onboarding',
      { op: 'step', step: 'welcome', outcome: 'done' },
      { origin: 'renderer' },
    );
    await host.dispose();
    const scripted = createHost({
      mode: 'headless',
      dataDir,
      workspace,
      threads: 1,
      skipFirstRun: true,
    });
    hosts.push(scripted);
    expect((await scripted.bus.invoke('trust.get_onboarding', {})).current).toBe('computer');
    const fresh = hostInTemp(hosts, { prefix: 'aether-onboard-fresh-' });
    await fresh.host.dispose();
    const other = createHost({
      mode: 'headless',
      dataDir: fresh.dataDir,
      workspace,
      threads: 1,
      skipFirstRun: true,
    });
    hosts.push(other);
    expect(await other.bus.invoke('trust.get_onboarding', {})).toMatchObject({
      finished: true,
      current: null,
    });
  });
});

describe('the trust center view', () => {
  it('lists what the preset allows, and a grant given in an approval with its uses, until revoked', async () => {
    const { host, workspace } = hostInTemp(hosts, {
      prefix: 'aether-trust-',
      files: { 'notes/todo.md': 'buy milk' },
    });
    const before = await host.bus.invoke('trust.get_view', {});
    expect(before.can.map((l) => l.capability)).toEqual(['clipboard.write', 'app.update']);
    expect(before.ask.map((l) => l.capability)).toContain('files.read');
    expect(before.posture.map((b) => b.label)).toEqual(
      expect.arrayContaining(['Local only', 'Audit healthy', 'Memory on', 'No model']),
    );
    allowNext(host, { duration: 'session', uses: 3 });
    const read = await host.bus.invoke('policy.perform', {
      capability: 'files.read',
      target: 'notes/todo.md',
      actor: 'user',
      why: 'what is on my list?',
    });
    expect(read.status).toBe('done');
    const view = await host.bus.invoke('trust.get_view', {});
    const line = view.can.find((l) => l.grantId !== null)!;
    expect(line.text).toBe(`Read a file: ${join(workspace, 'notes')}`);
    // The approved request itself used one of the three.
    expect(line.why).toBe('You allowed it for this session, 2 uses left.');
    expect(view.audit).toMatchObject({
      healthy: true,
      keyFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    const { entries } = await host.bus.invoke('trust.list_activity', { window: '24h' });
    expect(entries[0]).toMatchObject({ capability: 'files.read', outcome: 'done' });
    expect(entries[0].sentence).toMatch(
      /^Aether read .*todo\.md because “what is on my list\?” — you allowed it, for this session$/,
    );
    await host.bus.invoke('policy.revoke_grant', { id: line.grantId! }, { origin: 'renderer' });
    const after = await host.bus.invoke('trust.get_view', {});
    expect(after.can.some((l) => l.grantId === line.grantId)).toBe(false);
    expect((await host.bus.invoke('trust.list_activity', { outcome: 'denied' })).entries).toEqual(
      [],
    );
  });

  it('memory off shows in the posture; a grant used once counts its use', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-trust-mem-', files: { 'a.md': 'a' } });
    await host.bus.invoke('memory.set_settings', { keeping: 'off' }, { origin: 'renderer' });
    allowNext(host, { duration: 'always' });
    const ask = { capability: 'files.read' as const, target: 'a.md', actor: 'user', why: 'x' };
    await host.bus.invoke('policy.perform', ask);
    await host.bus.invoke('policy.perform', ask);
    const view = await host.bus.invoke('trust.get_view', {});
    expect(view.posture.find((b) => b.id === 'memory')).toMatchObject({
      label: 'No memory',
      tone: 'warn',
    });
    expect(view.grants[0]).toMatchObject({ timesUsed: 1, lastUsedAt: expect.any(Number) });
  });
});

describe('this computer', () => {
  it('reads the hardware, recommends a model that fits, and says what an added GGUF file needs', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-hw-' });
    approveEverything(host);
    const file = cachedModel({ preset: 'tiny', type: 'q8_0' });
    await host.bus.invoke('models.import', { path: file }, { origin: 'renderer' });
    const r = await host.bus.invoke('trust.get_hardware', {});
    expect(r.problem).toBeNull();
    expect(r.hardware!.cores).toBeGreaterThan(0);
    expect(r.hardware!.freeDiskBytes).toBeGreaterThan(0);
    expect(r.recommendation.sentence).toMatch(/^This computer has/);
    expect(r.recommendation.chat.length).toBeGreaterThan(0);
    expect(r.installed).toEqual([
      expect.objectContaining({
        sizeBytes: statSync(file).size,
        needBytes: Math.round(statSync(file).size * 1.2 + 300e6),
        fit: 'fits',
      }),
    ]);
  });

  it('when the models folder cannot be read, says why and offers the smallest model', async () => {
    const { host, dataDir } = hostInTemp(hosts, { prefix: 'aether-hw-fail-' });
    rmSync(join(dataDir, 'models'), { recursive: true, force: true });
    writeFileSync(join(dataDir, 'models'), 'not a folder');
    const r = await host.bus.invoke('trust.get_hardware', {});
    expect(r.hardware).toBeNull();
    expect(r.problem).toMatch(/could not read this computer/);
    const smallest = [...r.recommendation.chat].sort((a, b) => a.sizeBytes - b.sizeBytes)[0];
    expect(r.recommendation.pick).toMatchObject({ id: smallest.id, fit: 'unknown' });
  });
});
