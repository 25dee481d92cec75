// What a behaviour frame does to a VRM avatar, without WebGL: the mouth shape shown is the
// frame's (or "aa" where the avatar lacks it), blinks follow the lids, moods map to VRM's
// presets, only expressions the avatar has are set, and VRM 0.x turns the other way.
import { describe, expect, it } from 'vitest';
import type { BehaviorFrame } from '../../engines/bus/index.ts';
import { vrmPose } from './vrm-pose.ts';

const ALL = new Set([
  'aa',
  'ih',
  'ou',
  'ee',
  'oh',
  'blink',
  'blinkLeft',
  'blinkRight',
  'happy',
  'sad',
  'relaxed',
  'surprised',
  'neutral',
]);

function frame(patch: Partial<BehaviorFrame> = {}): BehaviorFrame {
  return {
    at: 0,
    layer: 'idle',
    head: { yaw: 0, pitch: 0, roll: 0 },
    gaze: { x: 0, y: 0 },
    eyelids: { left: 0, right: 0 },
    brows: { raise: 0, furrow: 0 },
    mouth: { viseme: 'closed', open: 0 },
    expression: { neutral: 1, happy: 0, thinking: 0, concerned: 0, surprised: 0, sleepy: 0 },
    breathing: 0,
    caption: 'resting',
    ...patch,
  };
}

describe('a frame as a VRM pose', () => {
  it('shows the frame’s mouth shape at its opening, and nothing when closed', () => {
    const open = vrmPose(frame({ mouth: { viseme: 'ou', open: 0.8 } }), ALL).expressions;
    expect(open).toMatchObject({ ou: 0.8, aa: 0, ih: 0, ee: 0, oh: 0 });
    const shut = vrmPose(frame(), ALL).expressions;
    expect([shut.aa, shut.ih, shut.ou, shut.ee, shut.oh]).toEqual([0, 0, 0, 0, 0]);
  });

  it('lets "aa" stand in for a mouth shape the avatar does not have', () => {
    const only = new Set(['aa', 'blink']);
    const e = vrmPose(frame({ mouth: { viseme: 'ee', open: 0.5 } }), only).expressions;
    expect(e).toEqual({ aa: 0.5, blink: 0 });
  });

  it('blinks each eye when the avatar can, both at once when it cannot', () => {
    const lids = frame({ eyelids: { left: 1, right: 0.2 } });
    expect(vrmPose(lids, ALL).expressions).toMatchObject({ blinkLeft: 1, blinkRight: 0.2 });
    expect(vrmPose(lids, new Set(['blink'])).expressions).toEqual({ blink: 1 });
  });

  it('maps moods to VRM presets and sets only what the avatar has', () => {
    const worried = frame({
      expression: { neutral: 0, happy: 0.5, thinking: 1, concerned: 1, surprised: 0, sleepy: 0 },
    });
    const e = vrmPose(worried, ALL).expressions;
    expect(e.happy).toBe(0.5);
    expect(e.sad).toBeCloseTo(0.7);
    expect(e).not.toHaveProperty('thinking');
    expect(vrmPose(worried, new Set([...ALL, 'thinking'])).expressions.thinking).toBe(1);
  });

  it('turns head and eyes with the frame, mirrored about X and Z for VRM 0.x', () => {
    const turned = frame({ head: { yaw: 10, pitch: 5, roll: 2 }, gaze: { x: 1, y: -0.5 } });
    const v1 = vrmPose(turned, ALL);
    const v0 = vrmPose(turned, ALL, true);
    const total = (p: typeof v1) => p.head.y + p.neck.y;
    expect(total(v1)).toBeCloseTo((10 * Math.PI) / 180);
    expect(v1.head.x).toBeLessThan(0); // looking up is a negative turn about X in three.js
    expect(v0.head.x).toBeCloseTo(-v1.head.x);
    expect(v0.head.z).toBeCloseTo(-v1.head.z);
    expect(v0.head.y).toBeCloseTo(v1.head.y);
    expect(v1.look.yaw).toBeGreaterThan(0);
    expect(v1.look.pitch).toBeLessThan(0);
  });
});
