import { revenueReportQuery } from '../../../src/admin/report-routes';
import { addDays, isCalendarDate, todayInTimeZone } from '../../../src/admin/report-period';

describe('a report period', () => {
  it('knows real calendar dates from look-alikes', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('0000-01-01')).toBe(false);
    expect(isCalendarDate('2026-3-1')).toBe(false);
  });

  it('takes today in the organisation’s zone, not the server’s', () => {
    const lateEvening = new Date('2026-03-11T03:30:00Z');
    expect(todayInTimeZone(lateEvening, 'America/New_York')).toBe('2026-03-10');
    expect(todayInTimeZone(lateEvening, 'Europe/Paris')).toBe('2026-03-11');
  });

  it('defaults to the 30 days up to today, or up to the `to` given', () => {
    const schema = revenueReportQuery('2026-03-31');
    expect(schema.parse({})).toEqual({ from: '2026-03-02', to: '2026-03-31', sort: 'revenue', dir: 'desc', page: 1 });
    expect(schema.parse({ from: '', to: '2026-01-30' })).toMatchObject({ from: '2026-01-01', to: '2026-01-30' });
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('refuses a reversed period on the from field', () => {
    const parsed = revenueReportQuery('2026-03-31').safeParse({ from: '2026-03-10', to: '2026-03-09' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['from']);
  });
});
