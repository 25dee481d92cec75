// A frame is a pure function of the recorded inputs and the time: the layer in charge (with a
// crossfade from the one before), then blinks, saccades, sway and breathing on top, and the
// mouth. The same log and times give the same frames — live, in a test, or replayed.
import { expressions, type BehaviorFrame, type Expression } from '../bus/index.ts';
import { DEFAULT_INPUTS, type InputChange, type PresenceInputs } from './inputs.ts';
import { CAPTION, layerOf, POSES, type Pose } from './layers.ts';
import { CLOSED, spokenMouth, textMouth, type Mouth } from './mouth.ts';
import { seeded, sway } from './random.ts';
import { blinkClosure, eventsBetween } from './schedule.ts';

/** A layer taking over blends in over this long: never a jump. */
export const FADE_MS = 250;

const ease = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));
const mixN = (a: number, b: number, w: number) => a + (b - a) * w;

function mix(a: Pose, b: Pose, w: number): Pose {
  const expression: Pose['expression'] = {};
  for (const e of expressions) expression[e] = mixN(a.expression[e] ?? 0, b.expression[e] ?? 0, w);
  return {
    head: {
      yaw: mixN(a.head.yaw, b.head.yaw, w),
      pitch: mixN(a.head.pitch, b.head.pitch, w),
      roll: mixN(a.head.roll, b.head.roll, w),
    },
    gaze: { x: mixN(a.gaze.x, b.gaze.x, w), y: mixN(a.gaze.y, b.gaze.y, w) },
    lids: mixN(a.lids, b.lids, w),
    brows: {
      raise: mixN(a.brows.raise, b.brows.raise, w),
      furrow: mixN(a.brows.furrow, b.brows.furrow, w),
    },
    expression,
  };
}

/**
 * The inputs at `t`, and the pose of the layers in charge with their crossfades. A frame at `t`
 * shows what changed before `t`: a change at the same moment shows from the next frame, whether
 * the frame was computed live before or after the change came.
 */
function poseAt(log: InputChange[], t: number, view: Partial<PresenceInputs> = {}) {
  let inputs: PresenceInputs = DEFAULT_INPUTS;
  const switches: Array<{ at: number; layer: BehaviorFrame['layer'] }> = [];
  for (const change of log) {
    if (change.at >= t) break;
    inputs = { ...inputs, ...change.set };
    const layer = layerOf(inputs);
    if (switches.at(-1)?.layer !== layer) switches.push({ at: change.at, layer });
  }
  inputs = { ...inputs, ...view };
  if (switches.length === 0) switches.push({ at: -Infinity, layer: layerOf(inputs) });
  // Only the switches since the last one fully faded in still matter.
  let from = switches.length - 1;
  while (from > 0 && t - switches[from].at < FADE_MS) from--;
  let pose = POSES[switches[from].layer];
  for (let i = from + 1; i < switches.length; i++)
    pose = mix(pose, POSES[switches[i].layer], ease((t - switches[i].at) / FADE_MS));
  return { inputs, pose, layer: switches.at(-1)!.layer };
}

const SACCADE_MS: Record<string, number> = { wandering: 900, attentive: 1800, steady: 3500 };

/** Small eye jumps, held until the next: wider when resting or thinking than when engaged. */
function saccade(i: PresenceInputs, wide: boolean, t: number) {
  const mean = SACCADE_MS[i.look.gaze] ?? 1800;
  const last = eventsBetween(i.seed + 1, mean, t - mean * 2, t + 1).at(-1);
  if (last === undefined) return { x: 0, y: 0 };
  const r = seeded(i.seed ^ Math.floor(last));
  const reach = wide ? 0.25 : 0.06;
  return { x: (r() * 2 - 1) * reach, y: (r() * 2 - 1) * reach * 0.6 };
}

/** Speaking: with the sound as it plays when replies are spoken, else talking while text streams. */
function mouthOf(i: PresenceInputs, layer: BehaviorFrame['layer'], t: number): Mouth {
  if (layer !== 'speaking') return CLOSED;
  if (i.voiceOut || i.speech) return spokenMouth(i.speech, t) ?? CLOSED;
  return i.turn === 'speaking' ? CLOSED : textMouth(t);
}

function expressionOf(i: PresenceInputs, pose: Pose, layer: string): Record<Expression, number> {
  const out = Object.fromEntries(expressions.map((e) => [e, pose.expression[e] ?? 0]));
  if (i.tone && i.look.expressive && layer === 'speaking')
    out[i.tone] = Math.min(1, out[i.tone] + 0.5);
  return out as Record<Expression, number>;
}

const ACTIVITY: Partial<Record<string, number>> = { speaking: 1, listening: 0.5, thinking: 0.4 };

/** The frame at `t`; `view` is the renderer's own setting (reduced motion), over the log's. */
export function frameAt(
  log: InputChange[],
  t: number,
  view: Partial<PresenceInputs> = {},
): BehaviorFrame {
  const { inputs: i, pose, layer } = poseAt(log, t, view);
  const still = i.reducedMotion;
  const wide = layer === 'idle' || layer === 'thinking';
  const jump = still ? { x: 0, y: 0 } : saccade(i, wide, t);
  const { min, max } = i.look.motion;
  const amount = (min + (max - min) * (ACTIVITY[layer] ?? 0.3)) * 6;
  const blink = blinkClosure(i.seed, i.look.blinkPerMinute, t);
  const lids = Math.max(pose.lids, blink);
  return {
    at: t,
    layer,
    head: still
      ? { yaw: 0, pitch: 0, roll: 0 }
      : {
          yaw: pose.head.yaw + sway(i.seed + 2, t) * amount,
          pitch: pose.head.pitch + sway(i.seed + 3, t) * amount * 0.5,
          roll: pose.head.roll + sway(i.seed + 4, t) * amount * 0.5,
        },
    gaze: { x: pose.gaze.x + jump.x, y: pose.gaze.y + jump.y },
    eyelids: { left: lids, right: lids },
    brows: pose.brows,
    mouth: mouthOf(i, layer, t),
    expression: expressionOf(i, pose, layer),
    breathing: still ? 0 : Math.sin((2 * Math.PI * t) / 4200),
    caption: blink > 0.5 ? `${CAPTION[layer]}, blinking` : CAPTION[layer],
  };
}
