// The client and its stores reach the components through React context, so nothing connects
// at import and a test can render with a test client.
import { createContext, useContext, type ReactNode } from 'react';
import type { AetherClient } from './ipc/client.ts';
import type { Stores } from './stores/index.ts';

type Aether = { client: AetherClient; stores: Stores };

const AetherContext = createContext<Aether | null>(null);

export function AetherProvider({ value, children }: { value: Aether; children: ReactNode }) {
  return <AetherContext.Provider value={value}>{children}</AetherContext.Provider>;
}

function useAether(): Aether {
  const aether = useContext(AetherContext);
  if (!aether) throw new Error('AetherProvider is missing above this component');
  return aether;
}

export const useClient = (): AetherClient => useAether().client;
export const useStores = (): Stores => useAether().stores;
