// What the host's own log records of what happens on the bus.
import type { Bus, DisposableSet } from '../bus/index.ts';
import type { Logger } from './logger.ts';

/** What the host's own log says about routing and turns. */
export function logEvents(bus: Bus, log: Logger, own: DisposableSet): void {
  own.add(
    bus.on('router.status_changed', ({ payload: p }) =>
      log.info('router.status', { state: p.state, model: p.model, error: p.error?.code }),
    ),
  );
  own.add(
    bus.on('chat.turn_finished', ({ payload: { turn } }) =>
      log.info('turn.finished', {
        turnId: turn.id,
        status: turn.status,
        error: turn.error?.code,
        tokens: turn.tokens,
        ttftMs: turn.ttftMs,
      }),
    ),
  );
}
