// The compiler on its own: determinism, precedence, migration, warnings, refusals, signatures,
// card import, and the policy defaults an unsigned pack may (not) set.
import { ed25519 } from '@noble/curves/ed25519.js';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sourceResources } from '../host/index.ts';
import { cardToPack, readCard } from './card.ts';
import { canonical, compile } from './compile.ts';
import { checkSignature, signPack } from './signature.ts';

const bundled = (id: string) =>
  readFileSync(join(sourceResources.personasDir, id, 'persona.yaml'), 'utf8');
const ok = (text: string, extra: Partial<Parameters<typeof compile>[0]> = {}) => {
  const r = compile({ file: 'p.yaml', text, folderId: 'p', ...extra });
  if (!r.ok) throw new Error(`${r.error.line}:${r.error.column} ${r.error.message}`);
  return r;
};
const V1 =
  'schema_version: 1\nid: p\ndisplay_name: Pat\nsystem_prompt: Be kind.\nrouting:\n  temperature: 0.3\n';

describe('persona compiler', () => {
  it('gives the same bytes for the same input, whatever the order of fields', () => {
    for (const id of ['default', 'atlas', 'pip']) {
      const a = compile({ file: id, text: bundled(id), folderId: id });
      const b = compile({ file: id, text: bundled(id), folderId: id });
      expect(a.ok && b.ok && canonical(a.persona) === canonical(b.persona)).toBe(true);
    }
    const reordered =
      'system_prompt: Be kind.\nrouting:\n  temperature: 0.3\ndisplay_name: Pat\nid: p\nschema_version: 1\n';
    expect(ok(reordered).persona.hash).toBe(ok(V1).persona.hash);
    expect(ok(V1.replace('Be kind.', 'Be brief.')).persona.hash).not.toBe(ok(V1).persona.hash);
  });

  it('applies precedence: user override > onboarding choice > persona > system defaults', () => {
    expect(ok(V1).persona.routing).toMatchObject({ temperature: 0.3, maxOutputTokens: 512 }); // persona, then system default
    const onboarding = { routing: { temperature: 0.5, max_output_tokens: 256 } };
    expect(ok(V1, { overrides: { onboarding } }).persona.routing).toMatchObject({
      temperature: 0.5,
      maxOutputTokens: 256,
    });
    expect(
      ok(V1, { overrides: { onboarding, user: { routing: { temperature: 0.9 } } } }).persona
        .routing,
    ).toMatchObject({ temperature: 0.9, maxOutputTokens: 256 });
  });

  it('migrates version 1 to what the same pack written as version 2 compiles to', () => {
    const v2 = V1.replace('schema_version: 1', 'schema_version: 2');
    expect(ok(V1).persona).toEqual(ok(v2).persona);
  });

  it('keeps unknown fields with a warning, and refuses a newer schema saying so, at its line', () => {
    expect(ok(`${V1}mood: sunny\nstyle:\n  sparkle: 3\n`).warnings).toEqual([
      "unknown field 'mood' is kept but not used",
      "unknown field 'style.sparkle' is kept but not used",
    ]);
    const newer = compile({
      file: 'p.yaml',
      text: V1.replace('schema_version: 1', 'schema_version: 7'),
      folderId: 'p',
    });
    expect(newer).toMatchObject({
      ok: false,
      error: {
        file: 'p.yaml',
        line: 1,
        column: 17,
        message: expect.stringMatching(/newer than this Aether understands \(up to 2\)/),
      },
    });
  });

  it('reports YAML and schema errors at the line and column a person can find', () => {
    expect(
      compile({
        file: 'p.yaml',
        text: `${V1}style:\n  humour: dry\n  humour: none\n`,
        folderId: 'p',
      }),
    ).toMatchObject({
      ok: false,
      error: { line: 9, column: 3, message: 'Map keys must be unique' },
    });
    const wrong = compile({
      file: 'p.yaml',
      text: `${V1}style:\n  verbosity: chatty\n`,
      folderId: 'p',
    });
    expect(wrong).toMatchObject({
      ok: false,
      error: { line: 8, column: 14, message: expect.stringMatching(/^style\.verbosity: /) },
    });
    expect(compile({ file: 'p.yaml', text: V1, folderId: 'q' })).toMatchObject({
      ok: false,
      error: { line: 2, message: "id 'p' must match its folder 'q'" },
    });
  });
});

describe('signed packs', () => {
  const secret = ed25519.utils.randomSecretKey();
  const hex = Buffer.from(secret).toString('hex');
  const publicKey = Buffer.from(ed25519.getPublicKey(secret)).toString('hex');
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-sig-'));
    cpSync(join(sourceResources.personasDir, 'atlas'), dir, { recursive: true });
    return dir;
  };

  it('accepts a good signature from a trusted key, and only then', () => {
    const dir = folder();
    const text = readFileSync(join(dir, 'persona.yaml'), 'utf8');
    expect(checkSignature(dir, text, [])).toEqual({ valid: false, signer: null, problem: null }); // missing
    writeFileSync(join(dir, 'persona.sig'), JSON.stringify(signPack(text, hex, 'Ada')));
    expect(checkSignature(dir, text, [{ name: 'Ada Lovelace', publicKey }])).toEqual({
      valid: true,
      signer: 'Ada Lovelace',
      problem: null,
    });
    expect(checkSignature(dir, text, []).problem).toMatch(/a key you do not trust/);
    // Comments may change; values may not.
    expect(checkSignature(dir, `# a note\n${text}`, [{ name: 'Ada', publicKey }]).valid).toBe(true);
    expect(
      checkSignature(dir, text.replace('temperature: 0.2', 'temperature: 0.3'), [
        { name: 'Ada', publicKey },
      ]).problem,
    ).toMatch(/does not match/);
  });
});

describe('persona:sign', () => {
  it('makes a key and signs a pack with it, which then checks as signed by that key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-signcli-'));
    cpSync(join(sourceResources.personasDir, 'pip'), join(dir, 'pip'), { recursive: true });
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [join(sourceResources.personasDir, '..', 'scripts', 'persona-sign.ts'), ...args],
        { encoding: 'utf8' },
      );
    const made = cli('--new-key', join(dir, 'secret.hex'));
    expect(made.status).toBe(0);
    const { publicKey } = JSON.parse(made.stdout) as { publicKey: string };
    expect(
      cli('--pack', join(dir, 'pip'), '--key-file', join(dir, 'secret.hex'), '--signer', 'Pip Co')
        .status,
    ).toBe(0);
    const text = readFileSync(join(dir, 'pip', 'persona.yaml'), 'utf8');
    expect(checkSignature(join(dir, 'pip'), text, [{ name: 'Pip Co', publicKey }])).toEqual({
      valid: true,
      signer: 'Pip Co',
      problem: null,
    });
    expect(cli('--pack', join(dir, 'pip')).status).toBe(2);
  });
});

describe('character cards', () => {
  const card = {
    spec: 'chara_card_v2',
    spec_version: '2.0',
    data: {
      name: 'Captain Vale',
      description: '{{char}} is a retired sky-pirate.',
      personality: 'gruff, kind',
      scenario: 'A tavern.',
      first_mes: 'Ahoy, {{user}}!',
      mes_example: '',
      alternate_greetings: ['Back again?'],
      character_book: {},
    },
  };
  const png = (keyword: string, json: object) => {
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
      return Buffer.concat([head, data, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(1, 0);
    ihdr.writeUInt32BE(1, 4);
    ihdr[8] = 8;
    ihdr[9] = 6;
    const text = Buffer.concat([
      Buffer.from(`${keyword}\0`, 'latin1'),
      Buffer.from(Buffer.from(JSON.stringify(json)).toString('base64'), 'latin1'),
    ]);
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('tEXt', text),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  };

  it('imports a V2 JSON card and a V3 PNG card into packs that compile', () => {
    const fromJson = cardToPack(
      readCard('vale.json', Buffer.from(JSON.stringify(card))),
      'captain-vale',
    );
    const compiled = ok(fromJson.yaml, { folderId: 'captain-vale' });
    expect(compiled.persona).toMatchObject({
      displayName: 'Captain Vale',
      phrases: { greetings: ['Ahoy, the user!', 'Back again?'] },
    });
    expect(compiled.persona.systemPrompt).toMatch(
      /Captain Vale is a retired sky-pirate\.[\s\S]*Personality: gruff, kind/,
    );
    expect(fromJson.warnings).toEqual(["the card's character_book is not imported"]);
    const v3 = { ...card, spec: 'chara_card_v3', spec_version: '3.0' };
    const fromPng = readCard('vale.png', png('ccv3', v3));
    expect(fromPng.spec).toBe('chara_card_v3');
    expect(ok(cardToPack(fromPng, 'vale').yaml, { folderId: 'vale' }).persona.displayName).toBe(
      'Captain Vale',
    );
  });

  it('says clearly what is wrong with a file that is not a card', () => {
    expect(() => readCard('x.png', Buffer.from('not a png'))).toThrow(/not a PNG file/);
    expect(() => readCard('x.png', png('other', card))).toThrow(/no character card/);
    expect(() => readCard('x.json', Buffer.from('{"spec": "something"}'))).toThrow(
      /not a Character Card V2 or V3/,
    );
  });
});
