import { winAnsi } from '../../../src/receipts/receipt-pdf';

describe('winAnsi (text for the PDF standard fonts)', () => {
  it('keeps Latin-1 and Windows-1252 punctuation as they are', () => {
    expect(winAnsi('José Müller – “Café” €25')).toBe('José Müller – “Café” €25');
  });

  it('drops accents the fonts cannot draw and replaces what is left', () => {
    expect(winAnsi('Dvořák Łukasz 王')).toBe('Dvorák ?ukasz ?');
  });
});
