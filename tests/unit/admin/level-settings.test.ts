import { levelFormRows, parseLevelRows } from '../../../src/admin/level-settings';

describe('levels as typed on the settings form', () => {
  it('reads repeated fields row by row and drops empty rows', () => {
    expect(levelFormRows({ level_name: ['Friend', '', ' Patron '], level_min: ['0', '', '500'] })).toEqual([
      { name: 'Friend', min: '0' },
      { name: 'Patron', min: '500' },
    ]);
    expect(levelFormRows({ level_name: 'Only', level_min: '0' })).toEqual([{ name: 'Only', min: '0' }]);
  });

  it('turns amounts into minor units, accepting thousands separators and cents', () => {
    const { levels, errors } = parseLevelRows([
      { name: 'Friend', min: '0' },
      { name: 'Member', min: '$60' },
      { name: 'Circle', min: '1,000' },
      { name: 'Founders', min: '12,500.50' },
    ]);
    expect(errors).toEqual([]);
    expect(levels.map((l) => l.min_yearly)).toEqual([0, 6_000, 100_000, 1_250_050]);
  });

  it('names every problem with its row', () => {
    const { errors } = parseLevelRows([
      { name: 'Friend', min: '5' },
      { name: '', min: '60' },
      { name: 'FRIEND', min: '1,00' },
      { name: 'x'.repeat(61), min: '-3' },
    ]);
    expect(errors.map((e) => e.field)).toEqual(['level_min_1', 'level_name_2', 'level_name_3', 'level_min_3', 'level_name_4', 'level_min_4']);
  });
});
