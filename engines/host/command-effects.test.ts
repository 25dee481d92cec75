// Every command declares what it does to what is stored (engines/bus/define.ts, CommandKind), and
// this walks the whole command map on a real host to check each claim against the database:
// `audit` commands leave their row under the invocation's change id, `effect` commands a policy
// decision for their capability, and `reads` commands leave every table as it was. A command
// missing from SAMPLES does not compile; one whose claim is false fails here.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../../scripts/gguf/cache.ts';
import { makeVrm } from '../../scripts/vrm/make-vrm.ts';
import { commands, type CommandInput, type CommandName } from '../bus/index.ts';
import { createHost, type Host } from './create-host.ts';
import { nextEvent, say } from './testing.ts';

type Fixture = {
  conversationId: string;
  itemId: string;
  proposedId: string;
  modelId: string;
  modelFile: string;
  workspace: string;
  /** The outcome row of a file overwritten (policy.undo's sample). */
  writeSeq: number;
};
type Sample<K extends CommandName> =
  CommandInput<K> | ((f: Fixture) => CommandInput<K>) | { skip: string };

const card = Buffer.from(
  JSON.stringify({
    spec: 'chara_card_v2',
    spec_version: '2.0',
    data: { name: 'Wren', description: 'a bird', first_mes: 'Hi.' },
  }),
).toString('base64');

const SAMPLES: { [K in CommandName]: Sample<K> } = {
  'chat.cancel_turn': {},
  'chat.create_conversation': {},
  'chat.delete_conversation': { skip: 'run last, below: it removes the fixture conversation' },
  'chat.get_conversation': (f) => ({ id: f.conversationId }),
  'chat.list_conversations': {},
  'chat.rename_conversation': (f) => ({ id: f.conversationId, title: 'Renamed' }),
  'chat.send_message': (f) => ({ conversationId: f.conversationId, text: '/help' }),
  'host.get_health': {},
  'host.export_everything': {},
  'host.delete_everything': { confirm: 'delete everything' },
  'memory.confirm': (f) => ({ id: f.proposedId }),
  'memory.context': { text: 'green tea', deadlineMs: 200, budgetTokens: 200 },
  'memory.edit': (f) => ({ id: f.itemId, content: 'I really like black tea' }),
  'memory.export': {},
  'memory.forget': (f) => ({ id: f.itemId }),
  'memory.forget_about': { text: 'nothing that matches' },
  'memory.get_settings': {},
  'memory.ingest_turn': (f) => ({
    turnId: 'walk-turn',
    conversationId: f.conversationId,
    speaker: 'user',
    text: 'walking',
    at: Date.now(),
  }),
  'memory.list': {},
  'memory.query': { text: 'tea' },
  'memory.reject': (f) => ({ id: f.itemId }),
  'memory.set_settings': { modelExtraction: false },
  'memory.why': (f) => ({ id: f.itemId }),
  'models.cancel_download': { catalogId: 'walk-model' },
  'models.download': { catalogId: 'walk-model' },
  'models.import': (f) => ({ path: f.modelFile }),
  'models.list': {},
  'models.remove': { skip: 'run last, below: it removes the fixture model' },
  'models.set_default': (f) => ({ id: f.modelId }),
  'models.set_small': { id: null },
  'persona.activate': { id: 'pip' },
  'persona.create': { from: 'default', id: 'walk-copy', displayName: 'Walker' },
  'persona.get_active': {},
  'persona.get_schema': {},
  'persona.get_source': { id: 'default' },
  'persona.import_card': { fileName: 'wren.json', dataBase64: card },
  'persona.list': {},
  'persona.save': { id: 'atlas', text: 'schema_version: 2\nid: atlas\ndisplay_name: Walked\n' },
  'persona.validate': { id: 'default', text: 'schema_version: 2\nid: default\n' },
  'policy.cancel_pending': { turnId: 'none' },
  'policy.change': { op: 'set_posture', posture: 'balanced' },
  'policy.explain': { seq: 1 },
  'policy.export_audit': {},
  'policy.get_costs': { provider: 'nobody' },
  'policy.get_state': {},
  'policy.get_modes': { preset: 'observer' },
  'policy.list_audit': {},
  'policy.list_grants': {},
  'policy.list_pending': {},
  'policy.perform': { skip: 'the gate itself: every test of engines/policy' },
  'policy.record': { kind: 'walk.record', actor: 'aether' },
  'policy.release_cost': { reservationId: 'none' },
  'policy.reserve_cost': { skip: 'L5 bookkeeping of a remote request (costs.test.ts)' },
  'policy.respond_approval': {
    ticketId: 'f'.repeat(32),
    requestHash: '0'.repeat(64),
    answer: 'allow',
  },
  'policy.revoke_all': {},
  'policy.revoke_capability': { capability: 'files.read' },
  'policy.revoke_grant': { id: 'none' },
  'policy.settle_cost': { reservationId: 'none', cents: 0, tokens: 0 },
  'policy.verify_audit': {},
  'policy.undo': (f) => ({ auditSeq: f.writeSeq }),
  'presence.get_state': {},
  'presence.clear_avatar': {},
  'presence.get_avatar': {},
  'presence.import_avatar': { uploadId: 'walk-avatar' },
  'presence.read_avatar': { offset: 0 },
  'presence.upload_avatar': {
    uploadId: 'walk-other',
    fileName: 'other.vrm',
    total: 3,
    offset: 0,
    dataBase64: 'AAAA',
  },
  'router.cancel': { turnId: 'none' },
  'router.embed': { texts: ['walk'] },
  'router.generate': { skip: 'a model turn: the router and interaction tests' },
  'router.get_remote': {},
  'router.probe_remote': { baseUrl: 'http://127.0.0.1:9/v1' },
  'router.get_status': {},
  'router.set_remote': { baseUrl: 'http://127.0.0.1:9/v1', model: 'walk', enabled: false },
  'turn.get_state': {},
  'trust.get_view': {},
  'trust.list_activity': { window: '7d' },
  'trust.get_hardware': {},
  'trust.get_onboarding': {},
  'trust.get_updates': {},
  'trust.set_updates': { auto: false, channel: 'beta' },
  'trust.restart_to_update': {},
  'trust.report_update': { state: 'up-to-date' },
  'trust.set_onboarding': { op: 'step', step: 'welcome', outcome: 'done', choice: 'dark' },
  'voice.get_status': {},
  'chat.preload': (f) => ({ conversationId: f.conversationId, text: 'what about' }),
  'router.preload': { messages: [{ role: 'user', text: 'what about' }] },
  'voice.playback': { turnId: 'none', heardMs: 0, ended: true },
  'voice.set_output': { speak: false },
  'voice.preview': { text: 'hello' },
  'voice.stop_speaking': {},
};

let host: Host;
let fixture: Fixture;
let dbFile: string;

/** A digest of every table's rows; for `reads: 'counts'`, memory's access statistics are left out. */
function fingerprint(counts = false): string {
  const db = new Database(dbFile, { readonly: true });
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`,
      )
      .all() as Array<{ name: string }>;
    const hash = createHash('sha256');
    for (const { name } of tables) {
      if (/_(data|idx|content|docsize|config|chunks|rowids|info|vector_chunks\d*)$/.test(name))
        continue; // FTS and vector shadow tables
      const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>;
      for (const row of rows) {
        if (counts && name === 'memory_items') {
          delete row.access_count;
          delete row.last_access;
          delete row.salience;
        }
        hash.update(
          `${name}:${JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v))}\n`,
        );
      }
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

const rowsOf = async (changeId: string) =>
  (await host.bus.invoke('policy.list_audit', { limit: 500 })).rows.filter(
    (r) => r.changeId === changeId,
  );

beforeAll(async () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-walk-')));
  const workspace = join(top, 'ws');
  mkdirSync(workspace, { recursive: true });
  const modelFile = join(workspace, 'walk.gguf');
  writeFileSync(modelFile, Buffer.alloc(0));
  const { copyFileSync } = await import('node:fs');
  copyFileSync(cachedModel({ preset: 'tiny', type: 'q8_0' }), modelFile);
  host = createHost({
    mode: 'headless',
    dataDir: join(top, 'data'),
    workspace,
    threads: 1,
    modelCatalog: [
      {
        id: 'walk-model',
        name: 'Walk',
        purpose: 'chat',
        url: 'http://127.0.0.1:9/walk.gguf',
        file: 'walk.gguf',
        sizeBytes: 10,
        sha256: null,
        licence: 'MIT',
        minRamGb: 1,
        recommended: false,
      },
    ],
  });
  dbFile = join(top, 'data', 'aether.db');
  // Every card is answered yes, except starting a download (nothing is listening on port 9).
  host.bus.on('policy.approval_pending', (e) => {
    const { approval } = e.payload;
    void host.bus.invoke('policy.respond_approval', {
      ticketId: approval.ticketId,
      requestHash: approval.requestHash,
      answer: approval.capability === 'models.download' ? 'deny' : 'allow',
    });
  });
  const c = await host.bus.invoke('chat.create_conversation', {});
  const proposed = nextEvent(host, 'memory.changed', (e) => e.payload.reason === 'proposed');
  await say(host, c.id, 'I really like green tea');
  const proposedId = (await proposed).payload.id!;
  const { itemId } = await host.bus.invoke('memory.ingest_turn', {
    turnId: 'walk-fixture',
    conversationId: c.id,
    speaker: 'user',
    text: 'tea in the morning',
    at: Date.now(),
  });
  const imported = await host.bus.invoke('models.import', { path: modelFile });
  writeFileSync(join(workspace, 'undo.md'), 'before');
  const written = await host.bus.invoke('policy.perform', {
    capability: 'files.write',
    target: 'undo.md',
    input: 'after',
    actor: 'user',
    why: 'walk',
  });
  // An avatar file waiting to be imported (presence.import_avatar's sample).
  const vrm = makeVrm();
  await host.bus.invoke('presence.upload_avatar', {
    uploadId: 'walk-avatar',
    fileName: 'walk.vrm',
    total: vrm.length,
    offset: 0,
    dataBase64: vrm.toString('base64'),
  });
  fixture = {
    conversationId: c.id,
    itemId: itemId!,
    proposedId,
    modelId: imported.model!.id,
    modelFile,
    workspace,
    writeSeq: written.auditSeq!,
  };
});
afterAll(async () => {
  await host.dispose();
});

const names = Object.keys(SAMPLES) as CommandName[];
const sampleOf = (name: CommandName) => SAMPLES[name] as Sample<CommandName>;

describe('every command does what it declares to what is stored', () => {
  it('every command in the map has a declared kind and a sample', () => {
    expect(names.sort()).toEqual(Object.keys(commands).sort());
    for (const name of names) expect(Object.keys(commands[name].kind), name).toHaveLength(1);
  });

  it.each(names.filter((n) => !('skip' in (sampleOf(n) as object))))('%s', async (name) => {
    const sample = sampleOf(name);
    const input = typeof sample === 'function' ? sample(fixture) : sample;
    const kind = commands[name].kind;
    const changeId = `walk-${name}`;
    const before = 'reads' in kind ? fingerprint(kind.reads === 'counts') : '';
    await host.bus.invoke(name, input as never, { changeId, origin: 'internal' }).catch(() => null);
    if ('audit' in kind)
      expect(
        (await rowsOf(changeId)).map((r) => r.kind),
        name,
      ).toContain(kind.audit);
    if ('effect' in kind) {
      expect(
        (await rowsOf(changeId)).some(
          (r) => r.kind === 'policy.decision' && r.capability === kind.effect,
        ),
        `${name} → ${kind.effect}`,
      ).toBe(true);
    }
    if ('reads' in kind)
      expect(fingerprint(kind.reads === 'counts'), `${name} changed what is stored`).toBe(before);
  });

  it.each(['models.remove', 'chat.delete_conversation'] as const)(
    '%s (last: it removes a fixture)',
    async (name) => {
      const changeId = `walk-${name}`;
      if (name === 'models.remove')
        await host.bus.invoke(name, { id: fixture.modelId }, { changeId });
      else await host.bus.invoke(name, { id: fixture.conversationId }, { changeId });
      expect((await rowsOf(changeId)).map((r) => r.kind)).toContain(
        (commands[name].kind as { audit: string }).audit,
      );
    },
  );
});
