// The agent loop: the model proposes a tool call, L5 decides (asking the user when it must),
// the executor runs, and the result goes back to the model — up to a step budget. Each call is
// evaluated on its own, so a grant that covered step 1 is checked again for every later step.
import type { ActionOutcome, Bus, ChatMessage, GenerationResult } from '../../bus/index.ts';
import {
  AGENT_TOOLS,
  holdToolCalls,
  parseToolCall,
  toolInstructions,
  type ProposedCall,
} from './tool-protocol.ts';

export type AgentStep = {
  name: string;
  capability: string;
  target: string;
  status: ActionOutcome['status'];
  summary: string;
  output: string;
};

export type AgentContext = {
  bus: Bus;
  turnId: string;
  changeId: string;
  actor: string;
  maxSteps: number;
  /** One model call through the router's tiers; tokens go to `onToken` as they come. */
  generate: (messages: ChatMessage[], onToken: (text: string) => void) => Promise<GenerationResult>;
  /** Where visible tokens go (text that turned out not to be a tool call). */
  onToken: (text: string) => void;
};

const MAX_RESULT = 4000;

/** The messages as the agent sends them: its tool instructions after the system prompt. */
export function withInstructions(messages: ChatMessage[]): ChatMessage[] {
  const doc = toolInstructions(AGENT_TOOLS);
  const [first, ...rest] = messages;
  return first?.role === 'system'
    ? [{ ...first, text: `${first.text}\n\n${doc}` }, ...rest]
    : [{ role: 'system', text: doc }, ...messages];
}

function resultText(outcome: ActionOutcome): string {
  const r = outcome.result as { summary?: string; output?: string } | undefined;
  if (outcome.status === 'done')
    return `${r?.summary ?? 'done'}\n${(r?.output ?? '').slice(0, MAX_RESULT)}`;
  if (outcome.status === 'failed') return `failed: ${outcome.error?.message ?? outcome.reason}`;
  return outcome.explanation;
}

/** What the loop answers with when the model repeats a call: the steps so far. */
const stepsSummary = (steps: AgentStep[]) =>
  steps.map((s) => `${s.summary}${s.output ? `\n\`\`\`\n${s.output}\n\`\`\`` : ''}`).join('\n\n');

/** One proposed call through L5, shown as a step while it runs and once it is done. */
async function callTool(
  ctx: AgentContext,
  call: ProposedCall,
  step: number,
): Promise<{ done: AgentStep; outcome: ActionOutcome }> {
  const meta = { source: 'router' as const, changeId: ctx.changeId, turnId: ctx.turnId };
  const { tool } = call;
  const target = call.args[tool.target];
  const shown = { turnId: ctx.turnId, step, name: tool.name, capability: tool.capability, target };
  ctx.bus.emit('router.tool_call', { ...shown, status: 'proposed', summary: '', output: '' }, meta);
  const outcome = await ctx.bus.invoke(
    'policy.perform',
    {
      capability: tool.capability,
      target,
      input: tool.input ? (call.args[tool.input] ?? '') : undefined,
      actor: ctx.actor,
      why: `the model wants to ${tool.description.toLowerCase()}`,
      turnId: ctx.turnId,
    },
    { changeId: ctx.changeId },
  );
  const r = outcome.result as { summary?: string; output?: string } | undefined;
  const done: AgentStep = {
    name: tool.name,
    capability: tool.capability,
    target: outcome.resource || target,
    status: outcome.status,
    summary:
      outcome.status === 'done'
        ? (r?.summary ?? 'done')
        : outcome.status === 'failed'
          ? `failed: ${outcome.error?.message ?? outcome.reason}`
          : outcome.explanation,
    output: outcome.status === 'done' ? (r?.output ?? '').slice(0, MAX_RESULT) : '',
  };
  ctx.bus.emit('router.tool_call', { turnId: ctx.turnId, step, ...done }, meta);
  return { done, outcome };
}

export async function runAgent(
  ctx: AgentContext,
  input: ChatMessage[],
): Promise<GenerationResult & { steps: AgentStep[] }> {
  const messages = withInstructions(input);
  const steps: AgentStep[] = [];
  const seen = new Set<string>();
  let last: GenerationResult | null = null;
  for (let step = 0; step <= ctx.maxSteps; step++) {
    // Text that might be a tool call is held back; once it clearly is not, it streams.
    const stream = holdToolCalls(ctx.onToken);
    const result = await ctx.generate(messages, stream.push);
    last = result;
    const call: ProposedCall | null = parseToolCall(result.text, AGENT_TOOLS);
    if (!call || step === ctx.maxSteps) {
      stream.release();
      return { ...result, steps };
    }
    const key = JSON.stringify([call.tool.name, call.args]);
    if (seen.has(key)) {
      // The same call again: the model is going round in circles; answer with what we have.
      const summary = stepsSummary(steps);
      ctx.onToken(summary);
      return { ...result, text: summary, steps };
    }
    seen.add(key);
    const { done, outcome } = await callTool(ctx, call, step);
    steps.push(done);
    const told = `<tool_result name="${call.tool.name}">\n${resultText(outcome)}\n</tool_result>`;
    messages.push({ role: 'assistant', text: call.raw }, { role: 'user', text: told });
  }
  return { ...last!, steps };
}
