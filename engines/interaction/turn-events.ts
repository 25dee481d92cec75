// What moves the turn machine: the turn's own progress, and the speech pipeline's.
import type { ErrorInfo } from '../bus/index.ts';

type Turn = { turnId: string };

export type TurnEvent =
  | ({ type: 'SUBMIT'; conversationId: string; kind: 'chat' | 'action' } & Turn)
  | ({ type: 'FIRST_TOKEN' } & Turn)
  | ({ type: 'TOOL_STARTED' } & Turn)
  | ({ type: 'TOOL_FINISHED' } & Turn)
  | ({ type: 'APPROVAL_NEEDED' } & Turn)
  | ({ type: 'APPROVAL_RESOLVED' } & Turn)
  | ({ type: 'DONE' } & Turn)
  | ({ type: 'FAIL'; error: ErrorInfo } & Turn)
  | { type: 'CANCEL' }
  | { type: 'RESET' }
  // The speech pipeline: the microphone opened, the user stopped talking, nothing was said.
  | { type: 'LISTEN_STARTED' }
  | { type: 'LISTEN_STOPPED' }
  | { type: 'SPEECH_ENDED' }
  | { type: 'NOTHING_HEARD' }
  // The reply's audio: it started and finished playing; the user spoke over it (energy onset),
  // that was clearly speech (VAD or a recognised word), and the reply was cut to what was heard.
  | ({ type: 'SPEAK_STARTED' } & Turn)
  | { type: 'SPEAK_FINISHED' }
  | { type: 'USER_SPEECH' }
  | { type: 'BARGE_CONFIRMED' }
  | { type: 'REPAIRED' };
