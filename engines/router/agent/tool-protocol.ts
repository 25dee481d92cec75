// How a local model asks for a tool: one line `<tool_call>{"name": …, "arguments": {…}}</tool_call>`.
// Any instruction-following model can write it; the tools it may name come from the L5 catalog.
// (Remote providers use the OpenAI `tools` field instead.)
import type { CapabilityName } from '../../bus/index.ts';

export type AgentTool = {
  name: string;
  capability: CapabilityName;
  description: string;
  parameters: Record<string, { type: 'string'; description: string }>;
  /** Which argument is the resource L5 decides on, and which (if any) is extra input. */
  target: string;
  input?: string;
};

export const AGENT_TOOLS: AgentTool[] = [
  {
    name: 'files_read',
    capability: 'files.read',
    description: 'Read a text file',
    parameters: { path: { type: 'string', description: 'the file' } },
    target: 'path',
  },
  {
    name: 'files_list',
    capability: 'files.list',
    description: 'List a folder',
    parameters: { path: { type: 'string', description: 'the folder' } },
    target: 'path',
  },
  {
    name: 'files_write',
    capability: 'files.write',
    description: 'Write a text file (replacing it)',
    parameters: {
      path: { type: 'string', description: 'the file' },
      text: { type: 'string', description: 'the whole new content' },
    },
    target: 'path',
    input: 'text',
  },
  {
    name: 'process_exec',
    capability: 'process.exec',
    description: 'Run a program (no shell)',
    parameters: { command: { type: 'string', description: 'program and arguments' } },
    target: 'command',
  },
  {
    name: 'web_fetch',
    capability: 'web.fetch',
    description: 'Fetch a web page',
    parameters: { url: { type: 'string', description: 'http(s) URL' } },
    target: 'url',
  },
];

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';

export function toolInstructions(tools: AgentTool[]): string {
  const lines = tools.map(
    (t) =>
      `- ${t.name} ${JSON.stringify(Object.fromEntries(Object.entries(t.parameters).map(([k, v]) => [k, v.description])))}: ${t.description}`,
  );
  return [
    "You can act on the user's computer with these tools. Each use is checked by the user's policy and may need their approval.",
    `To use one, reply with exactly ${OPEN}{"name": "<tool>", "arguments": {…}}${CLOSE} and nothing else; you will then see the result.`,
    ...lines,
  ].join('\n');
}

export type ProposedCall = { tool: AgentTool; args: Record<string, string>; raw: string };

/** The tool call a reply asks for, or null when the reply is an answer. Unknown tools count as answers. */
export function parseToolCall(text: string, tools: AgentTool[]): ProposedCall | null {
  const start = text.indexOf(OPEN);
  const end = text.indexOf(CLOSE, start + OPEN.length);
  if (start < 0 || end < 0) return null;
  const raw = text.slice(start, end + CLOSE.length);
  try {
    const body = JSON.parse(text.slice(start + OPEN.length, end)) as {
      name?: unknown;
      arguments?: unknown;
    };
    const tool = tools.find((t) => t.name === body.name);
    if (!tool || typeof body.arguments !== 'object' || body.arguments === null) return null;
    const args = Object.fromEntries(
      Object.entries(body.arguments as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    if (!args[tool.target]) return null;
    return { tool, args, raw };
  } catch {
    return null;
  }
}

/** True while the streamed text could still turn out to be a tool call (so it is not shown yet). */
export function mightBeToolCall(text: string): boolean {
  const t = text.trimStart();
  return t.length === 0 || OPEN.startsWith(t) || t.startsWith(OPEN);
}

export type CallerTool = { name: string; description: string; parameters: Record<string, unknown> };

export function callerToolInstructions(tools: CallerTool[]): string {
  return [
    `You may call these functions. To call one, reply with exactly ${OPEN}{"name": "<function>", "arguments": {…}}${CLOSE} and nothing else.`,
    ...tools.map(
      (t) =>
        `- ${t.name}: ${t.description} Parameters (JSON schema): ${JSON.stringify(t.parameters)}`,
    ),
  ].join('\n');
}

/** A call to one of the caller's functions: name and arguments as JSON text, as OpenAI returns them. */
export function parseCallerCall(
  text: string,
  tools: CallerTool[],
): { name: string; arguments: string } | null {
  const start = text.indexOf(OPEN);
  const end = text.indexOf(CLOSE, start + OPEN.length);
  if (start < 0 || end < 0) return null;
  try {
    const body = JSON.parse(text.slice(start + OPEN.length, end)) as {
      name?: unknown;
      arguments?: unknown;
    };
    if (!tools.some((t) => t.name === body.name)) return null;
    return { name: String(body.name), arguments: JSON.stringify(body.arguments ?? {}) };
  } catch {
    return null;
  }
}

/**
 * Streams a reply's text on to `onToken`, except text that could still turn out to be a tool call,
 * which is held until it clearly is not. `release()` lets out whatever is held (the reply ended).
 */
export function holdToolCalls(onToken: (text: string) => void) {
  let text = '';
  let held: string[] = [];
  let answering = false;
  return {
    push(chunk: string): void {
      text += chunk;
      if (!answering && mightBeToolCall(text)) {
        held.push(chunk);
        return;
      }
      if (!answering) {
        answering = true;
        for (const h of held) onToken(h);
        held = [];
      }
      onToken(chunk);
    },
    release(): void {
      if (!answering) for (const h of held) onToken(h);
      held = [];
    },
  };
}
