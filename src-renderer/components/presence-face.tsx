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

export function PresenceFace({ state }: { state: PresenceState }) {
  return (
    <svg className={`face face-${state}`} viewBox="0 0 100 100" role="img" aria-label={`Aether is ${state}`} data-testid="presence-face">
      <circle cx="50" cy="50" r="44" className="face-bg" />
      <g className="eyes">
        <ellipse cx="36" cy="42" rx="5" ry="6" />
        <ellipse cx="64" cy="42" rx="5" ry="6" />
      </g>
      <path d={MOUTH[state]} className="mouth" />
    </svg>
  );
}
