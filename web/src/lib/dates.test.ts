import { describe, expect, it } from 'vitest';

import { addDays, addMonths, compareMonths, daysInMonth, lastOfMonth, monthWeeks, relativeTime, weekdayOf } from './dates';

describe('calendar dates', () => {
  it('lays a month out in Monday-first weeks', () => {
    const weeks = monthWeeks({ year: 2026, month: 12 }); // 1 December 2026 is a Tuesday
    expect(weeks[0]).toEqual([null, '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(weeks.at(-1)).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', null, null, null]);
    expect(weeks.every((w) => w.length === 7)).toBe(true);
  });

  it('knows leap years and month ends', () => {
    expect(daysInMonth({ year: 2028, month: 2 })).toBe(29);
    expect(daysInMonth({ year: 2026, month: 2 })).toBe(28);
    expect(lastOfMonth({ year: 2026, month: 11 })).toBe('2026-11-30');
  });

  it('steps months across years', () => {
    expect(addMonths({ year: 2026, month: 12 }, 1)).toEqual({ year: 2027, month: 1 });
    expect(addMonths({ year: 2026, month: 1 }, -1)).toEqual({ year: 2025, month: 12 });
    expect(compareMonths({ year: 2026, month: 12 }, { year: 2027, month: 1 })).toBeLessThan(0);
  });

  it('names weekdays and adds days without time zone drift', () => {
    expect(weekdayOf('2026-12-01')).toBe('tue');
    expect(weekdayOf('2026-03-29')).toBe('sun'); // a DST change in Europe
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('says how long ago, in words', () => {
    const now = Date.UTC(2026, 11, 1, 12);
    expect(relativeTime(now - 10_000, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(relativeTime(now - 3 * 3600_000, now)).toBe('3 h ago');
    expect(relativeTime(now - 26 * 3600_000, now)).toBe('yesterday');
  });
});
