// One policy change from a settings control: sent to L5 (an approval card asks first), then said
// in words, and the trust view refreshed.
import { useState } from 'react';
import type { CommandInput } from '../../engines/bus/index.ts';
import { useClient, useStores } from '../context.tsx';
import { say } from '../ipc/client.ts';

type Change = CommandInput<'policy.change'>;

/** Sends one policy change (an approval card asks first) and says how it went. */
export function usePolicyChange() {
  const client = useClient();
  const { useTrust } = useStores();
  const [said, setSaid] = useState<string | null>(null);
  /** True when the change was made (the user may say no on the card). */
  const change = async (input: Change): Promise<boolean> => {
    let done = false;
    try {
      const o = await client.invoke('policy.change', input);
      done = o.status === 'done';
      setSaid(done ? 'Changed.' : o.explanation);
    } catch (e) {
      setSaid(say(e));
    }
    await useTrust.getState().refresh();
    return done;
  };
  return { change, said };
}
