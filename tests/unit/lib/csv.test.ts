import { Readable } from 'node:stream';
import fc from 'fast-check';
import { copiedCsv, csvAmount, csvDocument, csvField, csvRecord, neutraliseFormula, UTF8_BOM } from '../../../src/lib/csv';

describe('csv (RFC 4180)', () => {
  it('quotes a field holding a comma, a quote, a carriage return or a line feed, doubling its quotes', () => {
    expect(csvField('Smith, Jane')).toBe('"Smith, Jane"');
    expect(csvField('She said "thanks"')).toBe('"She said ""thanks"""');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    expect(csvField('plain')).toBe('plain');
  });

  it('writes records ending in CRLF, empty fields for null, numbers as numbers', () => {
    expect(csvRecord(['a', null, 25.5, -12.5, undefined, true])).toBe('a,,25.5,-12.5,,yes\r\n');
    expect(() => csvField(Number.NaN)).toThrow(RangeError);
  });

  it.each(['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])('neutralises the formula %j with a leading quote', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
    expect(csvField(text).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
  });

  it('leaves text that only contains those characters later alone', () => {
    expect(neutraliseFormula('Jane = donor')).toBe('Jane = donor');
    expect(neutraliseFormula('jane+news@example.org')).toBe('jane+news@example.org');
  });

  it('adds the byte-order mark only when asked', () => {
    expect(csvDocument(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
    expect(csvDocument(['a'], [], { bom: true })).toBe(`${UTF8_BOM}a\r\n`);
  });
});

describe('copiedCsv (a file PostgreSQL wrote, as csv.ts writes one)', () => {
  /** Runs `text` through the transform in the given chunks. */
  async function through(chunks: string[], options: { bom?: boolean } = {}): Promise<string> {
    const out: Buffer[] = [];
    const stream = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(copiedCsv(options));
    for await (const chunk of stream) out.push(chunk as Buffer);
    return Buffer.concat(out).toString();
  }

  const copied = 'id,note\n1,plain\n2,"line one\nline two"\n3,"She said ""hi""\n"\n4,"a,b"\n';
  const expected = 'id,note\r\n1,plain\r\n2,"line one\nline two"\r\n3,"She said ""hi""\n"\r\n4,"a,b"\r\n';

  it('ends records in CRLF and leaves line feeds inside quoted fields alone', async () => {
    expect(await through([copied])).toBe(expected);
  });

  it('gives the same bytes however the input is split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: copied.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), copied.length];
        const chunks = at.slice(1).map((end, i) => copied.slice(at[i], end));
        expect(await through(chunks)).toBe(expected);
      }),
    );
  });

  it('puts the byte-order mark before the first byte only when asked', async () => {
    expect(await through(['a\n', 'b\n'], { bom: true })).toBe(`${UTF8_BOM}a\r\nb\r\n`);
    expect(await through(['a\n'])).toBe('a\r\n');
  });
});

describe('csvAmount', () => {
  it('writes minor units as major units with two decimals, never neutralising a refund', () => {
    expect(csvRecord([csvAmount(2550), csvAmount(-1250), csvAmount(5), csvAmount('100000')])).toBe('25.50,-12.50,0.05,1000.00\r\n');
    expect(() => csvAmount(12.5)).toThrow(RangeError);
  });
});
