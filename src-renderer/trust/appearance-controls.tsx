// Theme and less motion: the page's own choices, in the first run's welcome and in settings.
import { useState } from 'react';
import { useStores } from '../context.tsx';
import { setTheme, storedTheme, type Theme } from './appearance.ts';

export function Appearance({ testId }: { testId: string }) {
  const { usePresence } = useStores();
  const still = usePresence((s) => s.still);
  const setStill = usePresence((s) => s.setStill);
  const [theme, pick] = useState<Theme>(storedTheme());
  return (
    <>
      <label>
        Theme{' '}
        <select
          data-testid={testId}
          value={theme}
          onChange={(e) => {
            pick(e.target.value as Theme);
            setTheme(e.target.value as Theme);
          }}
        >
          <option value="system">Like the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={still} onChange={(e) => setStill(e.target.checked)} /> Less
        motion
      </label>
    </>
  );
}
