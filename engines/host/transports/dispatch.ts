// The one validating door from outside the host to the bus, shared by Electron IPC, the
// WebSocket and (later) the HTTP API: known, exposed commands only; input parsed by its
// schema; output parsed before it leaves; failures become typed errors, never a crash.
import {
  AetherError,
  commands,
  invokeRequestSchema,
  isExposedCommand,
  toErrorInfo,
  type Bus,
  type CommandContext,
  type InvokeResult,
} from '../../bus/index.ts';
import type { Logger } from '../logger.ts';

export async function dispatch(
  bus: Bus,
  raw: unknown,
  origin: CommandContext['origin'],
  log?: Logger,
): Promise<InvokeResult> {
  const request = invokeRequestSchema.safeParse(raw);
  if (!request.success) {
    log?.warn('transport.rejected', { origin, reason: 'malformed request' });
    return {
      id: null,
      ok: false,
      error: { code: 'BadRequest', message: 'malformed request: expected { id, command, input }' },
    };
  }
  const { id, command, input } = request.data;
  if (!isExposedCommand(command)) {
    log?.warn('transport.rejected', {
      origin,
      reason: 'unknown command',
      command: command.slice(0, 64),
    });
    return {
      id,
      ok: false,
      error: { code: 'UnknownCommand', message: `unknown command: ${command.slice(0, 64)}` },
    };
  }
  try {
    const output = await bus.invoke(command, input as never, { origin });
    return { id, ok: true, output: commands[command].output.parse(output) };
  } catch (error) {
    const info = toErrorInfo(error);
    if (!(error instanceof AetherError))
      log?.error('command.failed', { command, origin, error: info.message });
    return { id, ok: false, error: info };
  }
}
