// SillyTavern / Character Card V2 and V3 import: JSON, or PNG with the card base64-encoded in a
// tEXt chunk ('ccv3' for V3, 'chara' for V2). The card becomes a persona pack's YAML.
import { stringify } from 'yaml';
import { z } from 'zod';
import { AetherError } from '../bus/index.ts';
import { SCHEMA_VERSION } from './schema.ts';

const cardData = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    personality: z.string().default(''),
    scenario: z.string().default(''),
    first_mes: z.string().default(''),
    mes_example: z.string().default(''),
    system_prompt: z.string().default(''),
    creator_notes: z.string().default(''),
    alternate_greetings: z.array(z.string()).default([]),
  })
  .loose();
const card = z.object({ spec: z.enum(['chara_card_v2', 'chara_card_v3']), data: cardData });

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The tEXt chunks of a PNG, by keyword. */
export function pngText(png: Buffer): Map<string, string> {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG))
    throw new AetherError('BadRequest', 'not a PNG file');
  const out = new Map<string, string>();
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > png.length)
      throw new AetherError('BadRequest', 'the PNG file is cut short');
    if (type === 'tEXt') {
      const data = png.subarray(at + 8, at + 8 + length);
      const nul = data.indexOf(0);
      if (nul > 0) out.set(data.toString('latin1', 0, nul), data.toString('latin1', nul + 1));
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return out;
}

export function readCard(fileName: string, bytes: Buffer): z.infer<typeof card> {
  let json: string;
  if (/\.png$/i.test(fileName)) {
    const chunks = pngText(bytes);
    const encoded = chunks.get('ccv3') ?? chunks.get('chara');
    if (!encoded)
      throw new AetherError(
        'BadRequest',
        'this PNG holds no character card (no ccv3 or chara text chunk)',
      );
    json = Buffer.from(encoded, 'base64').toString('utf8');
  } else {
    json = bytes.toString('utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new AetherError('BadRequest', 'the character card is not valid JSON');
  }
  const r = card.safeParse(parsed);
  if (!r.success)
    throw new AetherError(
      'BadRequest',
      `not a Character Card V2 or V3: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`,
    );
  return r.data;
}

export const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48) || 'imported';

/** The pack's YAML for a card, and what could not be carried over. */
export function cardToPack(
  c: z.infer<typeof card>,
  id: string,
): { yaml: string; warnings: string[] } {
  const d = c.data;
  const fill = (s: string) =>
    s
      .replaceAll(/\{\{char\}\}/gi, d.name)
      .replaceAll(/\{\{user\}\}/gi, 'the user')
      .trim();
  const warnings: string[] = [];
  const clip = (s: string, n: number, what: string) => {
    if (s.length <= n) return s;
    warnings.push(`${what} was shortened to ${n} characters`);
    return s.slice(0, n);
  };
  const prompt = [
    fill(d.system_prompt) || `You are ${d.name}.`,
    d.description && `Description: ${fill(d.description)}`,
    d.personality && `Personality: ${fill(d.personality)}`,
    d.scenario && `Scenario: ${fill(d.scenario)}`,
    d.mes_example && `Example dialogue:\n${fill(d.mes_example)}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const greetings = [d.first_mes, ...d.alternate_greetings]
    .map(fill)
    .filter(Boolean)
    .slice(0, 200)
    .map((g, i) => clip(g, 300, `greeting ${i + 1}`));
  for (const key of ['character_book', 'assets', 'extensions'])
    if (key in d) warnings.push(`the card's ${key} is not imported`);
  const tagline = fill(d.creator_notes || d.description).split(/(?<=[.!?])\s/)[0] ?? '';
  const pack = {
    schema_version: SCHEMA_VERSION,
    id,
    display_name: clip(d.name, 80, 'the name'),
    tagline: clip(tagline, 200, 'the tagline'),
    identity: { relationship: 'companion' },
    system_prompt: clip(prompt, 20_000, 'the prompt'),
    phrases: { greetings },
  };
  return {
    yaml: `# Imported from a ${c.spec === 'chara_card_v3' ? 'Character Card V3' : 'Character Card V2'}.\n${stringify(pack, { lineWidth: 0 })}`,
    warnings,
  };
}
