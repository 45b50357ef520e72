import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';

describe('logs', () => {
  it('are one JSON line each, and credentials never reach them', () => {
    const lines: string[] = [];
    const logger = createLogger('gateway', 'info', { write: (line) => lines.push(line) });
    logger.info({
      requestId: 'r1',
      headers: { authorization: 'Bearer secret-token', 'x-gateway-signature': 'sig' },
      upstream: { token: 'square-token' },
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({
      service: 'gateway',
      requestId: 'r1',
      headers: { authorization: '[redacted]', 'x-gateway-signature': '[redacted]' },
      upstream: { token: '[redacted]' },
    });
    expect(lines[0]).not.toContain('secret-token');
    expect(lines[0]).not.toContain('square-token');
  });
});
