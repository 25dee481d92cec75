// The 2D avatar: a vector rig (head, eyes, lids, pupils, brows, a mouth for every viseme) that
// draws L3's behaviour frames. It decides nothing: every pose comes from the host's frame; the
// persona's look gives its colours and outline.
import {
  expressions,
  type BehaviorFrame,
  type Expression,
  type Viseme,
} from '../../engines/bus/index.ts';
import type { FaceLook } from './presence-face.tsx';

/** Width and height of each mouth shape at full open (the jaw scales the height). */
const MOUTH: Record<Exclude<Viseme, 'closed'>, { w: number; h: number; min: number }> = {
  aa: { w: 26, h: 26, min: 8 },
  ih: { w: 32, h: 10, min: 4 },
  ee: { w: 36, h: 12, min: 3 },
  oh: { w: 20, h: 20, min: 10 },
  ou: { w: 13, h: 13, min: 8 },
};

export function dominant(e: Record<Expression, number>): Expression {
  return expressions.reduce((best, x) => (e[x] > e[best] ? x : best), 'neutral' as Expression);
}

function Head({ shape }: { shape: string }) {
  if (shape === 'soft-square')
    return <rect x="-78" y="-78" width="156" height="156" rx="44" className="avatar-head" />;
  if (shape === 'drop')
    return (
      <path
        d="M 0 -92 C 36 -46 80 -22 80 20 A 80 68 0 0 1 -80 20 C -80 -22 -36 -46 0 -92 Z"
        className="avatar-head"
      />
    );
  return <circle r="80" className="avatar-head" />;
}

function Eye({ x, frame, lid }: { x: number; frame: BehaviorFrame; lid: number }) {
  const open = 1 - 0.92 * lid;
  return (
    <g transform={`translate(${x} -14)`}>
      <ellipse rx="15" ry={18 * open} className="avatar-eye" />
      {open > 0.2 && (
        <circle
          cx={frame.gaze.x * 7}
          cy={-frame.gaze.y * 6 * open}
          r={7 * Math.min(1, open + 0.3)}
          className="avatar-pupil"
        />
      )}
    </g>
  );
}

function Brows({ frame }: { frame: BehaviorFrame }) {
  const y = -42 - frame.brows.raise * 8;
  const inner = frame.brows.furrow * 6; // inner ends come down when furrowed
  return (
    <g className="avatar-brows">
      <line x1="-46" y1={y} x2="-20" y2={y + inner} />
      <line x1="46" y1={y} x2="20" y2={y + inner} />
    </g>
  );
}

function Mouth({ frame }: { frame: BehaviorFrame }) {
  const { viseme, open } = frame.mouth;
  if (viseme === 'closed') {
    // At rest the lips curve with the mood: up when happy, down when concerned.
    const curve = 3 + 8 * (frame.expression.happy - frame.expression.concerned);
    return <path d={`M -20 38 Q 0 ${38 + curve} 20 38`} className="avatar-lips" />;
  }
  const m = MOUTH[viseme];
  const h = m.min + (m.h - m.min) * open;
  return <ellipse cy={38 + h / 4} rx={m.w / 2} ry={h / 2} className="avatar-mouth" />;
}

export function Avatar({
  frame,
  look,
  name,
  size = 'large',
  testId = size === 'large' ? 'avatar' : `avatar-${size}`,
}: {
  frame: BehaviorFrame;
  look?: FaceLook;
  name: string;
  /** The stage's, the header's (stage collapsed), or the persona card's in the inspector. */
  size?: 'large' | 'compact' | 'card';
  testId?: string;
}) {
  const { yaw, pitch, roll } = frame.head;
  const breathe = 1 + 0.012 * frame.breathing;
  const style = look
    ? ({
        '--face-fill': look.faceColour,
        '--face-accent': look.accentColour,
      } as React.CSSProperties)
    : undefined;
  return (
    <svg
      className={`avatar avatar-${size}`}
      viewBox="-100 -100 200 200"
      role="img"
      aria-label={`${name}: ${frame.caption}`}
      data-testid={testId}
      data-kind="2d"
      data-viseme={frame.mouth.viseme}
      data-expression={dominant(frame.expression)}
      data-layer={frame.layer}
      data-shape={look?.shape ?? 'round'}
      style={style}
    >
      <g transform={`translate(${yaw * 1.6} ${pitch * 1.6}) rotate(${roll}) scale(${breathe})`}>
        <Head shape={look?.shape ?? 'round'} />
        {[-48, 48].map((x) => (
          <circle
            key={x}
            cx={x}
            cy="20"
            r="11"
            className="avatar-cheek"
            opacity={frame.expression.happy * 0.6}
          />
        ))}
        <Eye x={-30} frame={frame} lid={frame.eyelids.left} />
        <Eye x={30} frame={frame} lid={frame.eyelids.right} />
        <Brows frame={frame} />
        <Mouth frame={frame} />
      </g>
    </svg>
  );
}
