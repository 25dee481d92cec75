// Right column: the live turn, what Aether may do (grants), and what it did (audit).
import { useState } from 'react';
import { AuditTab } from './audit-tab.tsx';
import { GrantsTab } from './grants-tab.tsx';
import { Inspector } from './inspector.tsx';
import { MemoryTab } from './memory-tab.tsx';
import { ModelsTab } from './models-tab.tsx';
import { PersonaTab } from './persona-tab.tsx';
import { useStores } from '../context.tsx';

const TABS = [
  ['inspector', 'Live'],
  ['memory', 'Memory'],
  ['persona', 'Persona'],
  ['models', 'Models'],
  ['grants', 'Grants'],
  ['audit', 'Audit'],
] as const;
const TEST_IDS: Partial<Record<Tab, string>> = { memory: 'memory-tab', persona: 'persona-tab' };
type Tab = (typeof TABS)[number][0];

export function RightColumn() {
  const { usePolicy } = useStores();
  const [tab, setTab] = useState<Tab>('inspector');
  const grants = usePolicy((s) => s.grants.length);
  const notice = usePolicy((s) => s.notice);
  return (
    // The editor needs room: the column widens while the Persona tab is open.
    <aside className={`column right${tab === 'persona' ? ' wide' : ''}`} aria-label="Inspector">
      <header className="column-header tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'active' : ''}
            data-testid={TEST_IDS[id] ?? `tab-${id}`}
            onClick={() => setTab(id)}
          >
            {label}
            {id === 'grants' && grants > 0 ? ` (${grants})` : ''}
          </button>
        ))}
      </header>
      {notice && (
        <p className="notice" role="status" data-testid="policy-notice">
          {notice}
        </p>
      )}
      {/* All tabs stay mounted (hidden when not shown), so each keeps its state and stays live. */}
      <div className="tab-panel" hidden={tab !== 'inspector'}>
        <Inspector />
      </div>
      <div className="tab-panel" hidden={tab !== 'memory'}>
        <MemoryTab />
      </div>
      <div className="tab-panel" hidden={tab !== 'persona'}>
        <PersonaTab visible={tab === 'persona'} />
      </div>
      <div className="tab-panel" hidden={tab !== 'models'}>
        <ModelsTab />
      </div>
      <div className="tab-panel" hidden={tab !== 'grants'}>
        <GrantsTab />
      </div>
      <div className="tab-panel" hidden={tab !== 'audit'}>
        <AuditTab />
      </div>
    </aside>
  );
}
