import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('logger', () => {
  it('drops the failing row PostgreSQL quotes in a constraint error', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('insert into "donations" ... - new row violates check constraint'), {
      code: '23514',
      detail: 'Failing row contains (1, reader@example.com, Ada Reader, In memory of Grace).',
      where: 'SQL function',
    });
    logger.error({ err: error }, 'request failed');
    const line = lines.join('');
    expect(line).not.toContain('reader@example.com');
    expect(line).not.toContain('Ada Reader');
    expect(JSON.parse(line).err).toMatchObject({ type: 'Error', code: '23514', message: expect.stringContaining('violates check constraint') });
  });

  it('redacts donor fields passed by mistake', () => {
    const { logger, lines } = capture();
    logger.info({ email: 'reader@example.com', session: { customer_details: { email: 'x@example.com' } } }, 'oops');
    expect(lines.join('')).not.toMatch(/example\.com/);
  });
});
