// What the engines get from a compiled pack: L1's system prompt and phrases, L2's memory rules,
// L3's look, L4's routing, L5's modes, and the plain-words summary the user is shown.
import type { ActivePersona } from '../bus/index.ts';
import type { Pack } from './schema.ts';

export type Signature = { valid: boolean; signer: string | null; problem: string | null };

const VERBOSITY = {
  terse: 'Answer in as few words as will do.',
  balanced: 'Keep answers short unless asked for depth.',
  expansive: 'Explain fully, with examples when they help.',
};
const HUMOUR = {
  none: 'Stay earnest; no jokes.',
  dry: 'A little dry humour is welcome.',
  playful: 'Be playful and light-hearted.',
};
const EMOJI = {
  never: 'Never use emoji.',
  sometimes: 'An emoji now and then is fine.',
  often: 'Use emoji freely.',
};

function systemPrompt(p: Pack): string {
  const level = (x: number) => (x < 0.34 ? 'low' : x < 0.67 ? 'moderate' : 'high');
  return [
    p.system_prompt.trim(),
    '',
    `You are ${p.display_name}, the user's ${p.identity.relationship}. Warmth: ${level(p.identity.warmth)}; formality: ${level(p.identity.formality)}; initiative: ${level(p.identity.initiative)}.`,
    `${VERBOSITY[p.style.verbosity]} ${HUMOUR[p.style.humour]} ${EMOJI[p.style.emoji]}`,
    ...(p.identity.boundaries.length ? [`Boundaries: ${p.identity.boundaries.join('; ')}.`] : []),
  ].join('\n');
}

function summary(p: Pack, signature: Signature | undefined): string[] {
  const modes = Object.entries(p.policy.defaults).sort(([a], [b]) => a.localeCompare(b));
  return [
    `${p.display_name}: your ${p.identity.relationship}, ${p.style.verbosity}, humour ${p.style.humour}.`,
    `Replies prefer the ${p.routing.preferred_tier} model; privacy posture ${p.routing.privacy_posture}.`,
    `Memories are kept ${p.memory.retention_days} days${p.memory.never_remember.length ? `; never remembered: ${p.memory.never_remember.join(', ')}` : ''}.`,
    ...(modes.length ? [`Its own rules: ${modes.map(([c, m]) => `${c} ${m}`).join(', ')}.`] : []),
    signature?.valid
      ? `Signed by ${signature.signer}: its policy defaults may widen what your preset allows.`
      : `Not signed by a key you trust${signature?.problem ? ` (${signature.problem})` : ''}: its policy defaults can only make Aether more careful.`,
  ];
}

// Bounds that keep one compile well under ~100 ms on a slow machine (bench:persona measures it):
// the largest real packs are a few KB with a hundred fields.
/** What the engines get from a pack (L1 prompt and phrases, L2 rules, L3 look, L4 routing, L5 modes). */
export function artifacts(p: Pack, signature: Signature | undefined): Omit<ActivePersona, 'hash'> {
  const signed = signature?.valid ?? false;
  const { voice, memory, avatar, routing } = p;
  return {
    id: p.id,
    displayName: p.display_name,
    tagline: p.tagline,
    systemPrompt: systemPrompt(p),
    phrases: { ...p.phrases },
    voice: {
      engine: voice.engine,
      voiceId: voice.voice_id,
      speed: voice.speed,
      pitch: voice.pitch,
    },
    memory: {
      retentionDays: memory.retention_days,
      remember: memory.remember,
      neverRemember: memory.never_remember,
    },
    presence: {
      faceColour: avatar.face_colour,
      accentColour: avatar.accent_colour,
      shape: avatar.shape,
      blinkPerMinute: avatar.blink_per_minute,
      gaze: avatar.gaze,
      expressive: avatar.expressive,
      motion: avatar.motion,
    },
    routing: {
      preferredTier: routing.preferred_tier,
      temperature: routing.temperature,
      maxOutputTokens: routing.max_output_tokens,
      latencyBudgetMs: routing.latency_budget_ms,
      privacyPosture: routing.privacy_posture,
    },
    policy: { modes: p.policy.defaults, signed, signer: signed ? signature!.signer : null },
    summary: summary(p, signature),
  };
}
