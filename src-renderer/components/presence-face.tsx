// A simple face that shows the presence state. The L3 behaviour frames (blink, gaze, visemes)
// will drive it; for now the state alone sets its expression.
import type { PresenceState } from '../../engines/bus/index.ts';

const MOUTH: Record<PresenceState, string> = {
  idle: 'M 38 66 Q 50 72 62 66',
  listening: 'M 40 66 Q 50 70 60 66',
  thinking: 'M 40 68 L 60 66',
  speaking: 'M 38 64 Q 50 78 62 64 Q 50 70 38 64',
  concerned: 'M 38 70 Q 50 62 62 70',
};

/** The persona's look (its L3 artifact): colours, outline and blink rate. */
export type FaceLook = {
  faceColour: string;
  accentColour: string;
  shape: string;
  blinkPerMinute: number;
};

function Outline({ shape }: { shape: string }) {
  if (shape === 'soft-square')
    return <rect x="8" y="8" width="84" height="84" rx="22" className="face-bg" />;
  if (shape === 'drop')
    return (
      <path
        d="M 50 4 C 70 30 94 44 94 62 A 44 36 0 0 1 6 62 C 6 44 30 30 50 4 Z"
        className="face-bg"
      />
    );
  return <circle cx="50" cy="50" r="44" className="face-bg" />;
}

export function PresenceFace({
  state,
  look,
  name = 'Aether',
}: {
  state: PresenceState;
  look?: FaceLook;
  name?: string;
}) {
  const style = look
    ? ({
        '--face-fill': look.faceColour,
        '--face-accent': look.accentColour,
        '--blink-every':
          look.blinkPerMinute > 0 ? `${(60 / look.blinkPerMinute).toFixed(2)}s` : '0s',
      } as React.CSSProperties)
    : undefined;
  return (
    <svg
      className={`face face-${state}`}
      viewBox="0 0 100 100"
      role="img"
      aria-label={`${name} is ${state}`}
      data-testid="presence-face"
      data-shape={look?.shape ?? 'round'}
      style={style}
    >
      <Outline shape={look?.shape ?? 'round'} />
      <g className="eyes">
        <ellipse cx="36" cy="42" rx="5" ry="6" />
        <ellipse cx="64" cy="42" rx="5" ry="6" />
      </g>
      <path d={MOUTH[state]} className="mouth" />
    </svg>
  );
}
