// The first run: eight steps, each skippable, shown over the workspace until every step is done
// or skipped. Where it stands is the host's (trust.get_onboarding), so a reload or a crash comes
// back to the same step.
import type { OnboardingStep } from '../../engines/bus/index.ts';
import { Approvals } from '../components/approval-card.tsx';
import { useStores } from '../context.tsx';
import { ModelStep, VoiceStep } from './steps-model.tsx';
import { AutonomyStep, PrivacyStep, SummaryStep } from './steps-end.tsx';
import { ComputerStep, PersonaStep, WelcomeStep } from './steps-start.tsx';
import type { StepProps } from './step-nav.tsx';

const STEPS: Record<OnboardingStep, (p: StepProps) => React.JSX.Element> = {
  welcome: WelcomeStep,
  computer: ComputerStep,
  persona: PersonaStep,
  model: ModelStep,
  voice: VoiceStep,
  autonomy: AutonomyStep,
  privacy: PrivacyStep,
  summary: SummaryStep,
};

/** Downloads go on while the user moves through the other steps: said on every step. */
function Downloads() {
  const { useModels } = useStores();
  const downloads = useModels((s) => s.downloads);
  const catalog = useModels((s) => s.catalog);
  const going = Object.entries(downloads);
  if (going.length === 0) return null;
  return (
    <p className="muted" data-testid="onboarding-downloads" role="status">
      {going
        .map(([id, d]) => {
          const entry = catalog.find((e) => e.id === id);
          const pct = Math.round((d.received / (d.total ?? entry?.sizeBytes ?? 1)) * 100);
          return `Downloading ${entry?.name ?? id}… ${pct}%`;
        })
        .join(' · ')}
    </p>
  );
}

export function Wizard() {
  const { useTrust } = useStores();
  const onboarding = useTrust((s) => s.onboarding);
  const notice = useTrust((s) => s.notice);
  const current = onboarding?.current;
  if (!onboarding || !current) return null;
  const Step = STEPS[current];
  const at = onboarding.steps.findIndex((s) => s.id === current);
  return (
    <div
      className="onboarding"
      data-testid="onboarding"
      role="dialog"
      aria-modal="true"
      aria-label="First run"
    >
      <ol className="onboarding-steps">
        {onboarding.steps.map((s) => (
          <li key={s.id} className={`${s.state} ${s.id === current ? 'current' : ''}`}>
            {s.id}
          </li>
        ))}
      </ol>
      <Approvals onAnswered={() => {}} />
      <section
        className="onboarding-step"
        data-testid="onboarding-step"
        data-step={current}
        aria-label={`Step ${at + 1} of ${onboarding.steps.length}`}
      >
        <Step key={current} id={current} />
        <Downloads />
        {notice && <p className="deny">{notice}</p>}
      </section>
    </div>
  );
}
