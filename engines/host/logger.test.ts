import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('structured log', () => {
  it('writes one JSON object per line with level and event', () => {
    const log = createLogger({ dir: mkdtempSync(join(tmpdir(), 'aether-log-')) });
    log.warn('transport.rejected', { origin: 'ws', reason: 'bad token' });
    const line = JSON.parse(readFileSync(log.file, 'utf8').trim());
    expect(line).toMatchObject({
      level: 'warn',
      event: 'transport.rejected',
      origin: 'ws',
      reason: 'bad token',
    });
    expect(Date.parse(line.t)).not.toBeNaN();
  });

  it('rotates by size and keeps a bounded number of old files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-log-'));
    const log = createLogger({ dir, maxBytes: 500, keep: 2 });
    for (let i = 0; i < 100; i++) log.info('tick', { i });
    expect(readFileSync(log.file, 'utf8').length).toBeLessThanOrEqual(500);
    expect(existsSync(`${log.file}.1`)).toBe(true);
    expect(existsSync(`${log.file}.2`)).toBe(true);
    expect(existsSync(`${log.file}.3`)).toBe(false);
    // The newest lines are in the live file.
    expect(readFileSync(log.file, 'utf8')).toContain('"i":99');
  });
});
