// Decisions in plain words, for the chat, the approval card and the Audit tab's "why?".
import { reasonText } from '../bus/index.ts';
import { catalog, type Capability } from './catalog.ts';

export function explainDecision(
  capability: string,
  resource: string,
  decision: string,
  reason: string,
): string {
  const what = Object.hasOwn(catalog, capability)
    ? catalog[capability as Capability].label.toLowerCase()
    : capability;
  const target = resource ? ` (${resource})` : '';
  const verdict =
    decision === 'allow'
      ? 'Allowed'
      : decision === 'deny'
        ? 'Refused'
        : decision === 'needs-upgrade'
          ? 'Not allowed by your preset'
          : decision === 'draft-only'
            ? 'Draft only'
            : 'Asked you';
  return `${verdict}: ${what}${target}, because ${reasonText(reason)}.`;
}
