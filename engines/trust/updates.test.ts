// Update settings and state through a real host: a host that does not update itself says so;
// once the desktop reports its updater, settings show it, the user's choices are kept and on
// record, and "restart now" reaches the desktop only when an update is ready.
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../host/index.ts';
import { hostInTemp } from '../host/testing.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

describe('update settings', () => {
  it('says a copy that does not update itself, and shows the updater once it reports', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-updates-' });
    expect(await host.bus.invoke('trust.get_updates', {})).toEqual({
      available: false,
      auto: true,
      channel: 'stable',
      state: null,
    });
    const said: unknown[] = [];
    host.bus.on('trust.updates_changed', (e) => said.push(e.payload.state));
    await host.bus.invoke('trust.report_update', {
      state: 'downloading',
      version: '1.1.0',
      percent: 40,
    });
    expect(await host.bus.invoke('trust.get_updates', {})).toMatchObject({
      available: true,
      state: { state: 'downloading', percent: 40 },
    });
    expect(said).toEqual([{ state: 'downloading', version: '1.1.0', percent: 40 }]);
  });

  it('keeps the choices, on record, for the updater to follow', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-updates-' });
    const heard: unknown[] = [];
    host.bus.on('trust.updates_changed', (e) => heard.push([e.payload.auto, e.payload.channel]));
    await host.bus.invoke(
      'trust.set_updates',
      { auto: false, channel: 'beta' },
      { origin: 'renderer' },
    );
    expect(host.storage.settings.get('update.auto')).toBe(false);
    expect(host.storage.settings.get('update.channel')).toBe('beta');
    expect(heard).toEqual([[false, 'beta']]);
    const { rows } = await host.bus.invoke('policy.list_audit', { kind: 'trust.updates_changed' });
    expect(rows).toHaveLength(1);
    await expect(
      host.bus.invoke('trust.set_updates', { channel: 'nightly' as 'beta' }),
    ).rejects.toMatchObject({ code: 'BadRequest' });
  });

  it('asks the desktop to restart only when an update is ready', async () => {
    const { host } = hostInTemp(hosts, { prefix: 'aether-updates-' });
    let asked = 0;
    host.bus.on('trust.update_restart_requested', () => asked++);
    await host.bus.invoke('trust.report_update', { state: 'up-to-date' });
    expect(await host.bus.invoke('trust.restart_to_update', {})).toEqual({ requested: false });
    await host.bus.invoke('trust.report_update', {
      state: 'ready',
      version: '1.1.0',
      waitingFor: null,
    });
    expect(await host.bus.invoke('trust.restart_to_update', {})).toEqual({ requested: true });
    expect(asked).toBe(1);
  });
});
