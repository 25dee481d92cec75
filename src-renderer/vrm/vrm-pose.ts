// A behaviour frame as a VRM pose: expression weights by VRM's names (the mouth shapes aa/ih/
// ou/ee/oh, blink, moods), head and neck rotation, eye direction and breathing. Pure, so what
// a frame does to a 3D avatar is tested without WebGL; vrm-view.ts applies it.
import type { BehaviorFrame, Viseme } from '../../engines/bus/index.ts';

export type VrmPose = {
  /** VRM expression name → weight 0..1; only names the avatar has. */
  expressions: Record<string, number>;
  /** Radians, split between neck and head so the turn is not all in one joint. */
  neck: { x: number; y: number; z: number };
  head: { x: number; y: number; z: number };
  /** Degrees, as three-vrm's look-at takes them. */
  look: { yaw: number; pitch: number };
  /** Chest tilt in radians for breathing. */
  chest: number;
};

const MOUTHS: Exclude<Viseme, 'closed'>[] = ['aa', 'ih', 'ou', 'ee', 'oh'];
const RAD = Math.PI / 180;
/** How far the eyes turn for a gaze of ±1. */
const GAZE_YAW = 20;
const GAZE_PITCH = 14;

/** Our expressions in VRM's preset names (VRM has no "thinking" preset: a custom one is used if present). */
function moods(frame: BehaviorFrame): Record<string, number> {
  const e = frame.expression;
  return {
    happy: e.happy,
    surprised: e.surprised,
    sad: e.concerned * 0.7,
    relaxed: e.sleepy * 0.6,
    thinking: e.thinking,
    neutral: e.neutral,
  };
}

function mouth(frame: BehaviorFrame, has: (name: string) => boolean): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(MOUTHS.map((v) => [v, 0]));
  const { viseme, open } = frame.mouth;
  if (viseme === 'closed') return out;
  // An avatar with only some mouth shapes still talks: "aa" stands in for the missing ones.
  out[has(viseme) ? viseme : 'aa'] = Math.max(0.15, open);
  return out;
}

/**
 * The pose for `frame` on an avatar with the expressions `available`. `mirrored` is VRM 0.x,
 * whose normalised bones turn the other way about X and Z.
 */
export function vrmPose(
  frame: BehaviorFrame,
  available: ReadonlySet<string>,
  mirrored = false,
): VrmPose {
  const has = (name: string) => available.has(name);
  const lids = frame.eyelids;
  const blink =
    has('blinkLeft') && has('blinkRight')
      ? { blinkLeft: lids.left, blinkRight: lids.right }
      : { blink: Math.max(lids.left, lids.right) };
  const all = { ...moods(frame), ...mouth(frame, has), ...blink };
  const expressions = Object.fromEntries(Object.entries(all).filter(([name]) => has(name)));
  const flip = mirrored ? -1 : 1;
  const turn = (share: number) => ({
    x: -frame.head.pitch * RAD * share * flip,
    y: frame.head.yaw * RAD * share,
    z: frame.head.roll * RAD * share * flip,
  });
  return {
    expressions,
    neck: turn(0.4),
    head: turn(0.6),
    look: { yaw: frame.gaze.x * GAZE_YAW, pitch: frame.gaze.y * GAZE_PITCH },
    chest: frame.breathing * 0.012 * flip,
  };
}
