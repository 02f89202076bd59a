import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  url: string;
  received: ParsedMail[];
  /** Answer the next `n` messages with a temporary failure (451). */
  refuseNext(n: number): void;
  /** Delay every accepted message by `ms` before answering (a slow server). */
  delayEach(ms: number): void;
  attempts: number;
  close(): Promise<void>;
}

/** A real SMTP server on loopback that parses and keeps what it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  let refusals = 0;
  let delay = 0;
  const state = { attempts: 0 };
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.attempts += 1;
        if (refusals > 0) {
          refusals -= 1;
          const error = Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 });
          callback(error);
          return;
        }
        const finish = async () => {
          received.push(await simpleParser(Buffer.concat(chunks)));
          callback();
        };
        setTimeout(() => void finish(), delay);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext(n) {
      refusals = n;
    },
    delayEach(ms) {
      delay = ms;
    },
    get attempts() {
      return state.attempts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
