// Session summaries by the local model, for conversations that have gone quiet: the summary so far
// and the turns after it become a short summary kept in the session item. Background work only.
import type { Bus } from '../bus/index.ts';
import { groundedShare } from './extract-model.ts';
import type { Sessions } from './sessions.ts';

const INSTRUCTIONS = `Summarise this conversation in at most three sentences for a later reminder. Keep names, dates,
decisions and what the user asked for. Write plainly, no preamble.`;

/** The model's summary, trimmed to whole sentences; null when it is empty or not about the material. */
export function cleanSummary(text: string, material: string): string | null {
  let s = text.replace(/\s+/g, ' ').trim();
  if (s.length > 800) {
    const cut = s.slice(0, 800);
    const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
    s = end > 0 ? cut.slice(0, end + 1) : `${cut}…`;
  }
  // Most of a summary's words come from what it summarises; a model that wanders is not kept.
  return s.length >= 20 && groundedShare(s, material) >= 0.5 ? s : null;
}

export async function summarizeQuiet(
  bus: Bus,
  sessions: Sessions,
  o: {
    now: number;
    quietMs: number;
    minTurns: number;
    limit: number;
    newId: () => string;
    onSummarized: (rowid: number, content: string) => void;
  },
): Promise<{ summarized: number; failed: number }> {
  const status = await bus.invoke('router.get_status', {});
  if (status.state === 'no-model' || status.state === 'error') return { summarized: 0, failed: 0 };
  let summarized = 0,
    failed = 0;
  for (const conversationId of sessions.quiet(o.now - o.quietMs, o.minTurns, o.limit)) {
    const m = sessions.material(conversationId, 6000);
    if (!m || m.lines.length === 0) continue;
    const material = [m.previous ? `Summary so far: ${m.previous}` : '', ...m.lines]
      .filter(Boolean)
      .join('\n');
    const r = await bus.invoke('router.generate', {
      turnId: `summary:${conversationId}`.slice(0, 64),
      background: true,
      maxTokens: 200,
      temperature: 0,
      messages: [
        { role: 'system', text: INSTRUCTIONS },
        { role: 'user', text: material },
      ],
    });
    if (r.stopReason === 'cancelled') break; // a turn started: the rest waits for the next quiet moment
    const summary = cleanSummary(r.text, material);
    if (summary) {
      const rolled = sessions.summarized(
        conversationId,
        summary,
        m.through,
        `model:${r.model}`,
        o.now,
        o.newId,
      );
      if (rolled) o.onSummarized(rolled.rowid, rolled.content);
      summarized++;
    } else {
      // Not asked again until the conversation has been quiet a while longer.
      sessions.postpone(conversationId, o.now);
      bus.emit(
        'memory.extraction_failed',
        {
          turnId: m.lastTurnId ?? conversationId,
          message: "the model's session summary was empty or not about the conversation",
        },
        { source: 'memory' },
      );
      failed++;
    }
  }
  return { summarized, failed };
}
