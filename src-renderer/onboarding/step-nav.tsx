// The first run's buttons, the same on every step: go on (doing what the step chose), skip this
// step, or skip the rest and go straight to the chat.
import type { OnboardingStep } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';

export type StepProps = { id: OnboardingStep };

export function StepNav({
  id,
  onNext,
  nextLabel = 'Next',
  busy = false,
}: StepProps & {
  onNext?: () => Promise<string | undefined> | string | undefined;
  nextLabel?: string;
  busy?: boolean;
}) {
  const { useTrust } = useStores();
  const { step, skipAll } = useTrust();
  return (
    <nav className="onboarding-nav">
      <button className="link" data-testid="onboarding-skip-all" onClick={() => void skipAll()}>
        Skip the rest
      </button>
      <button data-testid="onboarding-skip" onClick={() => void step(id, 'skipped')}>
        Skip this step
      </button>
      <button
        className="primary"
        data-testid="onboarding-next"
        disabled={busy}
        onClick={async () => {
          // A step whose change did not happen (a "no" on its approval card) stays where it is.
          let choice: string | undefined;
          try {
            choice = await onNext?.();
          } catch {
            return;
          }
          await step(id, 'done', choice);
        }}
      >
        {nextLabel}
      </button>
    </nav>
  );
}
