// What a turn does once the machine started it: a model turn (persona, memory, router), a slash
// command's one action through L5, or a reply that needs neither. Each ends in chat.turn_finished
// and tells the machine DONE or FAIL.
import { AetherError, toErrorInfo, type Turn } from '../bus/index.ts';
import { formatOutcome } from './format-outcome.ts';
import { classify } from './intent.ts';
import { createRecalled } from './recalled.ts';
import { generate, preload, remember, warm } from './turn-context.ts';
import type { Classified } from './turn-machine.ts';
import type { Runner, RunnerDeps } from './runner.ts';

export type { RunnerDeps } from './runner.ts';

const EMPTY = { error: null, model: null, ttftMs: null, tokens: 0, tokensPerSecond: null } as const;

const finishedEvent = (r: Runner, turn: Turn, changeId: string | undefined) =>
  r.deps.bus.emit(
    'chat.turn_finished',
    { turn },
    { source: 'interaction', changeId, turnId: turn.id },
  );

function cancel(r: Runner, turnId: string): void {
  const { bus } = r.deps;
  const { cancelled, changeOf, actions } = r;
  cancelled.add(turnId);
  const changeId = changeOf.get(turnId);
  const stop = actions.has(turnId)
    ? bus.invoke('policy.cancel_pending', { turnId }, { changeId })
    : bus.invoke('router.cancel', { turnId }, { changeId });
  void stop.catch(() => {});
}

async function runTurn(r: Runner, turnId: string): Promise<void> {
  const { deps, cancelled, changeOf } = r;
  const { conversations } = deps;
  const changeId = changeOf.get(turnId);
  const turn = conversations.turn(turnId);
  if (!turn) throw new AetherError('NotFound', `turn ${turnId} is gone`);
  let finished: Turn | null;
  try {
    const g = await generate(r, turn, changeId);
    const heard = r.cuts.get(turnId);
    finished = conversations.finishTurn(turnId, {
      assistantText: heard ?? g.text,
      status: g.stopReason === 'cancelled' || heard !== undefined ? 'stopped' : 'complete',
      error: null,
      model: g.model,
      ttftMs: g.ttftMs,
      tokens: g.tokens,
      tokensPerSecond: g.tokensPerSecond,
      completedAt: deps.clock.now(),
      steps: g.steps,
    });
  } catch (error) {
    const stopped = cancelled.has(turnId);
    finished = conversations.finishTurn(turnId, {
      ...EMPTY,
      assistantText: r.cuts.get(turnId) ?? '',
      status: stopped ? 'stopped' : 'error',
      error: stopped ? null : toErrorInfo(error),
      completedAt: deps.clock.now(),
    });
  }
  cancelled.delete(turnId);
  r.cuts.delete(turnId);
  // Null: the conversation was deleted while the turn ran; there is nothing left to show.
  if (finished) {
    finishedEvent(r, finished, changeId);
    remember(r, finished, changeId);
  }
  if (finished?.status === 'error' && finished.error)
    deps.send({ type: 'FAIL', turnId, error: finished.error });
  else deps.send({ type: 'DONE', turnId });
  changeOf.delete(turnId);
}

/** A slash command's turn: one action through the policy gate; its outcome is the reply. */
async function runAction(r: Runner, turnId: string): Promise<void> {
  const { deps, cancelled, changeOf, actions } = r;
  const { bus, conversations } = deps;
  const changeId = changeOf.get(turnId);
  const action = actions.get(turnId)!;
  const why = `you typed /${action.capability.split('.')[1]} in the chat`;
  const outcome = await bus.invoke(
    'policy.perform',
    { ...action, actor: 'user', why, turnId },
    { changeId },
  );
  const stopped = cancelled.has(turnId);
  const finished = conversations.finishTurn(turnId, {
    ...EMPTY,
    assistantText: stopped ? '' : formatOutcome(outcome),
    status: stopped ? 'stopped' : 'complete',
    completedAt: deps.clock.now(),
  });
  actions.delete(turnId);
  cancelled.delete(turnId);
  if (finished) finishedEvent(r, finished, changeId);
  deps.send({ type: 'DONE', turnId });
  changeOf.delete(turnId);
}

/** A turn that needs no model and no action: answered now (help, an unknown command) or after `answer` (a memory phrase). */
function reply(
  r: Runner,
  conversationId: string,
  userText: string,
  changeId: string,
  answer: string | (() => Promise<string>),
): string {
  const { deps } = r;
  const { bus, conversations } = deps;
  const turnId = deps.newId();
  const turn = conversations.startTurn(turnId, conversationId, userText, deps.clock.now());
  bus.emit('chat.turn_started', { turn }, { source: 'interaction', changeId, turnId });
  const finish = (text: string) => {
    const finished = conversations.finishTurn(turnId, {
      ...EMPTY,
      assistantText: text,
      status: 'complete',
      completedAt: deps.clock.now(),
    });
    if (finished) finishedEvent(r, finished, changeId);
  };
  if (typeof answer === 'string') finish(answer);
  else
    void answer()
      .catch((e: Error) => `That did not work: ${e.message}`)
      .then(finish);
  return turnId;
}

/** The reflex tier: what the words need — a reply in the persona's words, or the model. */
async function classifyTurn(r: Runner, turnId: string): Promise<Classified> {
  const turn = r.deps.conversations.turn(turnId);
  if (!turn) throw new AetherError('NotFound', `turn ${turnId} is gone`);
  const changeId = r.changeOf.get(turnId);
  const { phrases } = await r.deps.bus.invoke('persona.get_active', {}, { changeId });
  const { greetings, acknowledgements } = phrases;
  const now = new Date(r.deps.clock.now());
  const intent = classify(turn.userText, now, { greetings, acknowledgements, turn: r.reflexCount });
  if (intent.kind !== 'reflex') return { kind: 'model' };
  r.reflexCount++;
  return intent;
}

/** Said when no model can answer what the reflex tier cannot. */
async function missingModelNote(r: Runner): Promise<string> {
  try {
    const [status, remote] = await Promise.all([
      r.deps.bus.invoke('router.get_status', {}),
      r.deps.bus.invoke('router.get_remote', {}),
    ]);
    if (status.state !== 'no-model' || remote.enabled) return '';
  } catch {
    return ''; // no router in this host: nothing to suggest
  }
  return ' (No model is installed yet: open the Models tab to add one.)';
}

/** A reflex reply, well under 100 ms: shown as the route taken, kept as the turn, remembered. */
async function answerReflex(r: Runner, turnId: string, reply: string): Promise<void> {
  const { deps } = r;
  const changeId = r.changeOf.get(turnId);
  const text = reply + (await missingModelNote(r));
  const route = { turnId, tier: 'reflex' as const, provider: 'aether', model: null };
  deps.bus.emit(
    'router.route_decided',
    { ...route, rationale: 'needs no model', fallbacks: [] },
    { source: 'interaction', changeId, turnId },
  );
  const finished = deps.conversations.finishTurn(turnId, {
    ...EMPTY,
    assistantText: text,
    status: 'complete',
    model: 'reflex',
    completedAt: deps.clock.now(),
  });
  r.changeOf.delete(turnId);
  if (!finished) return;
  finishedEvent(r, finished, changeId);
  remember(r, finished, changeId);
}

/** Keeps only what was heard of a reply: now if the turn has ended, else when it ends. */
function cut(r: Runner, turnId: string, heard: string): void {
  const turn = r.deps.conversations.turn(turnId);
  if (!turn) return;
  if (turn.status === 'streaming') {
    r.cuts.set(turnId, heard);
    return;
  }
  const changed = r.deps.conversations.cutReply(turnId, heard);
  if (changed) finishedEvent(r, changed, r.changeOf.get(turnId));
}

export function createTurnRunner(deps: RunnerDeps) {
  const r: Runner = {
    deps,
    changeOf: new Map(),
    reflexCount: 0,
    cancelled: new Set(),
    actions: new Map(),
    cuts: new Map(),
    preloaded: new Map(),
    recalled: createRecalled(),
  };
  return {
    changeOf: r.changeOf,
    actions: r.actions,
    cancel: (turnId: string) => cancel(r, turnId),
    runTurn: (turnId: string) => runTurn(r, turnId),
    runAction: (turnId: string) => runAction(r, turnId),
    classify: (turnId: string) => classifyTurn(r, turnId),
    answerReflex: (turnId: string, text: string) => answerReflex(r, turnId, text),
    cut: (turnId: string, heard: string) => cut(r, turnId, heard),
    preload: (conversationId: string, text: string, pause = false) =>
      preload(r, conversationId, text, pause),
    warm: () => warm(r),
    /** A memory changed: prompts stop holding it as it was. */
    memoryChanged: (reason: string, id: string | null) => {
      // What was recalled for words read ahead may hold it too: it is recalled again.
      if (r.recalled.changed(reason, id)) r.preloaded.clear();
    },
    reply: (...args: Parameters<typeof reply> extends [Runner, ...infer A] ? A : never) =>
      reply(r, ...args),
  };
}

export type TurnRunner = ReturnType<typeof createTurnRunner>;
