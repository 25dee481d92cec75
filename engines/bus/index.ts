// The contract's one door: every name other folders may use, listed by the module it comes from.
export {
  type Disposable,
  type CommandContext,
  type AuditNote,
  type Auditor,
  type CommandHandler,
  type EmitMeta,
  type HandlersFor,
  type Engine,
  type BusOptions,
  type Bus,
  createBus,
} from './bus.ts';
export {
  commands,
  events,
  type Commands,
  type CommandName,
  type CommandInput,
  type ParsedInput,
  type CommandOutput,
  type ExposedCommandName,
  type Events,
  type EventName,
  type EventPayload,
  isCommandName,
  isExposedCommand,
} from './contract.ts';
export {
  type CommandKind,
  type CommandDef,
  command,
  internalCommand,
  sources,
  type Source,
} from './define.ts';
export { ENVELOPE_VERSION, type Envelope, envelopeShape } from './envelope.ts';
export {
  errorCodes,
  type ErrorCode,
  errorInfoSchema,
  type ErrorInfo,
  AetherError,
  toErrorInfo,
} from './errors.ts';
export {
  turnStates,
  turnStateSchema,
  type TurnState,
  conversationSchema,
  type Conversation,
  turnStatuses,
  turnSchema,
  type Turn,
  MAX_MESSAGE_CHARS,
  chatCommands,
  chatEvents,
} from './contract/chat.ts';
export {
  engineHealthSchema,
  healthSchema,
  type Health,
  type EngineHealth,
  hostCommands,
  hostEvents,
} from './contract/host.ts';
export {
  activePersonaSchema,
  type ActivePersona,
  personaErrorSchema,
  type PersonaError,
  personaListItemSchema,
  personaCommands,
  personaEvents,
} from './contract/persona.ts';
export {
  presenceStates,
  presenceStateSchema,
  type PresenceState,
  presenceCommands,
  presenceEvents,
  visemes,
  expressions,
  presenceLayers,
  frameRates,
  type Viseme,
  type Expression,
  type PresenceLayer,
  type FrameRate,
  type BehaviorFrame,
} from './contract/presence.ts';
export {
  riskSchema,
  decisionSchema,
  durationChoiceSchema,
  type DurationChoice,
  actionRequestSchema,
  type ActionRequest,
  actionOutcomeSchema,
  type ActionOutcome,
  scopeOptionSchema,
  approvalSchema,
  type Approval,
  grantViewSchema,
  type GrantView,
  auditRowSchema,
  type AuditRowView,
  verifyResultSchema,
  policyStateSchema,
  policyChangeSchema,
  type PolicyChange,
  policyCommands,
  policyEvents,
} from './contract/policy.ts';
export {
  routerStates,
  routerStatusSchema,
  type RouterStatus,
  chatMessageSchema,
  type ChatMessage,
  agentStepSchema,
  type AgentStepView,
  generationResultSchema,
  type GenerationResult,
  remoteViewSchema,
  type RemoteView,
  routerCommands,
  routerEvents,
} from './contract/router.ts';
export {
  catalogEntrySchema,
  type CatalogEntry,
  installedModelSchema,
  type InstalledModel,
  downloadStateSchema,
  modelCommands,
  modelEvents,
} from './contract/models.ts';
export {
  memoryKinds,
  privacyClasses,
  memoryItemSchema,
  type MemoryItem,
  memoryHitSchema,
  type MemoryHit,
  provenanceSchema,
  memorySettingsSchema,
  type MemorySettings,
  memoryCommands,
  memoryEvents,
} from './contract/memory.ts';
export {
  voiceCommands,
  voiceEvents,
  voiceStatusSchema,
  type VoiceStatus,
} from './contract/voice.ts';
export { DisposableSet, MutableDisposable } from './disposable.ts';
export {
  encodeSpeechFrame,
  decodeSpeechFrame,
  type SpeechHeader,
  type SpeechPiece,
} from './speech-frame.ts';
export {
  systemClock,
  randomId,
  type Clock,
  type NewId,
  type TimerHandle,
  type TimerOptions,
} from './clock.ts';
export {
  invokeRequestSchema,
  type InvokeRequest,
  clientMessageSchema,
  type ClientMessage,
  type InvokeResult,
  type ServerMessage,
  type BridgeMessage,
  bridgeSubscribeSchema,
  invokeResultSchema,
  presenceSubscribeSchema,
  type PresenceSubscribe,
} from './wire.ts';
export { type ToolRequest, type ToolResult, type ToolExecutor, type Executors } from './tools.ts';
export {
  risks,
  type Risk,
  type ResourceKind,
  capabilities,
  type CapabilityName,
  capabilityNames,
  isCapability,
} from './capabilities.ts';
export { isPrivateAddress, isPrivateHost } from './net.ts';
export {
  remoteRequestSchema,
  type RemoteRequest,
  remoteConfigSchema,
  factWriteSchema,
  type FactWrite,
  adminChangeSchema,
  type AdminChange,
  capabilityInputs,
  type CapabilityInput,
  inputSchema,
} from './capability-inputs.ts';
