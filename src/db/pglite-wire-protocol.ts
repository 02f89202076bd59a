/**
 * The parts of the PostgreSQL frontend/backend protocol (3.0) the PGlite wire
 * server reads and writes itself; everything else passes through to PGlite.
 */

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** Messages after which the client waits for the server: the end of a unit of work. */
const BATCH_END = new Set(['S', 'Q', 'H']);

export type FrontendMessage =
  /** SSLRequest or GSSENCRequest: the server answers 'N' and the client goes on in plain text. */
  | { kind: 'encryption-request' }
  /** CancelRequest: PGlite cannot interrupt a running statement, so there is nothing to cancel. */
  | { kind: 'cancel-request' }
  | { kind: 'startup'; bytes: Buffer }
  | { kind: 'terminate' }
  | { kind: 'message'; type: string; bytes: Buffer; endsBatch: boolean };

/** Splits a client's byte stream into whole messages; the first ones have no type byte. */
export class FrontendMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  next(): FrontendMessage | null {
    return this.started ? this.nextTyped() : this.nextStartup();
  }

  private nextStartup(): FrontendMessage | null {
    if (this.buffer.length < 8) return null;
    const length = this.buffer.readInt32BE(0);
    if (this.buffer.length < length) return null;
    const code = this.buffer.readInt32BE(4);
    const bytes = Buffer.from(this.buffer.subarray(0, length));
    this.buffer = this.buffer.subarray(length);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: 'encryption-request' };
    if (code === CANCEL_REQUEST) return { kind: 'cancel-request' };
    this.started = true;
    return { kind: 'startup', bytes };
  }

  private nextTyped(): FrontendMessage | null {
    if (this.buffer.length < 5) return null;
    const length = this.buffer.readInt32BE(1) + 1;
    if (this.buffer.length < length) return null;
    const bytes = Buffer.from(this.buffer.subarray(0, length));
    this.buffer = this.buffer.subarray(length);
    const type = String.fromCharCode(bytes[0]!);
    if (type === 'X') return { kind: 'terminate' };
    return { kind: 'message', type, bytes, endsBatch: BATCH_END.has(type) };
  }
}

export interface ServerError {
  /** FATAL closes the connection after the message; ERROR ends only the current exchange. */
  severity: 'ERROR' | 'FATAL';
  /** SQLSTATE, which clients match on (pg puts it in `error.code`). */
  code: string;
  message: string;
  hint?: string;
}

/** ErrorResponse ('E'): one type byte and NUL-terminated string per field. */
export function errorResponse(error: ServerError): Buffer {
  const fields: [string, string][] = [
    ['S', error.severity],
    ['V', error.severity],
    ['C', error.code],
    ['M', error.message],
  ];
  if (error.hint) fields.push(['H', error.hint]);
  const body = Buffer.concat([...fields.map(([type, value]) => Buffer.from(`${type}${value}\0`, 'utf8')), Buffer.from([0])]);
  return Buffer.concat([Buffer.from('E'), int32(body.length + 4), body]);
}

/** ReadyForQuery ('Z'): 'I' idle, 'T' in a transaction, 'E' in a failed transaction. */
export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return Buffer.concat([Buffer.from('Z'), int32(5), Buffer.from(status)]);
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}
