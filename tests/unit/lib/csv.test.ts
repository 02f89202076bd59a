import { csvDocument, csvField, csvRecord, neutraliseFormula, UTF8_BOM } from '../../../src/lib/csv';

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
