// The first run's progress, kept in settings after every step so a crash or a quit resumes at the
// same step; each step can be skipped, and the whole run replayed from settings.
import { onboardingSteps, type Onboarding, type OnboardingStep } from '../bus/index.ts';

export type Settings = {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
};

type Stored = {
  done: Partial<Record<OnboardingStep, 'done' | 'skipped'>>;
  choices: Record<string, string>;
  finished: boolean;
};

const KEY = 'trust.onboarding';
const fresh = (): Stored => ({ done: {}, choices: {}, finished: false });

export type OnboardingChange =
  | { op: 'step'; step: OnboardingStep; outcome: 'done' | 'skipped'; choice?: string }
  | { op: 'skip_all' }
  | { op: 'replay' };

export function viewOf(s: Stored): Onboarding {
  const steps = onboardingSteps.map((id) => ({ id, state: s.done[id] ?? ('todo' as const) }));
  const current = s.finished ? null : (steps.find((x) => x.state === 'todo')?.id ?? null);
  return { steps, current, finished: s.finished || current === null, choices: { ...s.choices } };
}

/** The next stored state: a pure step, so replays and resumes are table-testable. */
export function next(s: Stored, change: OnboardingChange): Stored {
  switch (change.op) {
    case 'replay':
      return fresh();
    case 'skip_all': {
      const done = { ...s.done };
      for (const id of onboardingSteps) done[id] ??= 'skipped';
      return { ...s, done, finished: true };
    }
    case 'step': {
      const done = { ...s.done, [change.step]: change.outcome };
      const choices = { ...s.choices };
      if (change.choice !== undefined) choices[change.step] = change.choice;
      const finished = onboardingSteps.every((id) => done[id]);
      return { done, choices, finished };
    }
  }
}

export function onboardingStore(settings: Settings) {
  const read = (): Stored => settings.get<Stored>(KEY) ?? fresh();
  return {
    view: () => viewOf(read()),
    /** Whether the first run was ever started or finished here. */
    started: () => settings.get<Stored>(KEY) !== undefined,
    change(change: OnboardingChange): Onboarding {
      const stored = next(read(), change);
      settings.set(KEY, stored);
      return viewOf(stored);
    },
  };
}
