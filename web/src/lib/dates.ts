// Calendar dates as the server speaks them: "YYYY-MM-DD" local dates in the user's time zone
// (the server says what "today" is). All arithmetic here is on those strings through UTC
// Date objects, so the browser's own time zone never shifts a day.

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const BY_INDEX: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface YearMonth {
  year: number;
  month: number; // 1–12
}

function utc(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function isoDate(year: number, month: number, day: number): string {
  return iso(new Date(Date.UTC(year, month - 1, day)));
}

export function monthOf(isoDay: string): YearMonth {
  const d = utc(isoDay);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

export function addMonths(ym: YearMonth, n: number): YearMonth {
  const d = new Date(Date.UTC(ym.year, ym.month - 1 + n, 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

export function compareMonths(a: YearMonth, b: YearMonth): number {
  return a.year * 12 + a.month - (b.year * 12 + b.month);
}

export function daysInMonth(ym: YearMonth): number {
  return new Date(Date.UTC(ym.year, ym.month, 0)).getUTCDate();
}

export function firstOfMonth(ym: YearMonth): string {
  return isoDate(ym.year, ym.month, 1);
}

export function lastOfMonth(ym: YearMonth): string {
  return isoDate(ym.year, ym.month, daysInMonth(ym));
}

export function weekdayOf(isoDay: string): Weekday {
  return BY_INDEX[utc(isoDay).getUTCDay()] as Weekday;
}

export function addDays(isoDay: string, n: number): string {
  const d = utc(isoDay);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}

// The month as weeks of seven cells, Monday first; cells outside the month are null.
export function monthWeeks(ym: YearMonth): Array<Array<string | null>> {
  const first = firstOfMonth(ym);
  const lead = (utc(first).getUTCDay() + 6) % 7; // Monday = 0
  const cells: Array<string | null> = Array.from({ length: lead }, () => null);
  const n = daysInMonth(ym);
  for (let d = 1; d <= n; d++) cells.push(isoDate(ym.year, ym.month, d));
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: Array<Array<string | null>> = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

export function monthLabel(ym: YearMonth, locale?: string): string {
  return new Date(Date.UTC(ym.year, ym.month - 1, 1)).toLocaleDateString(locale, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export function dayLabel(isoDay: string, locale?: string): string {
  return utc(isoDay).toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

// "just now", "5 min ago", "3 h ago", "yesterday", then a date.
export function relativeTime(ms: number, now = Date.now(), locale?: string): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d === 1) return 'yesterday';
  if (d < 7) return `${d} days ago`;
  return new Date(ms).toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
}

export function dateTime(ms: number, locale?: string): string {
  return new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}
