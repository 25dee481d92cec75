import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { AetherProvider } from './context.tsx';
import { createClient } from './ipc/client.ts';
import { createStores } from './stores/index.ts';
import './styles.css';
import './trust/trust.css';
import { applyTheme } from './trust/appearance.ts';

// One client and one set of stores for the page's life (StrictMode's double effects must not
// open a second socket).
const client = createClient();
const stores = createStores(client);
applyTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AetherProvider value={{ client, stores }}>
      <App />
    </AetherProvider>
  </StrictMode>,
);
