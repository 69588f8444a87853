// An audit entry in plain words. Pure: names and labels come from the caller.
import type { AuditEntry } from './api/get-audit';

export type Tone = 'neutral' | 'success' | 'warning' | 'danger';

export interface Described {
  text: string;
  tone: Tone;
  category: 'account' | 'security' | 'apps' | 'data';
}

const s = (v: unknown) => (typeof v === 'string' ? v : '');

export function describeEntry(
  e: AuditEntry,
  nameOf: (app: string) => string,
  labelOf: (app: string, output: string) => string = (_a, o) => o.replace(/_/g, ' '),
): Described {
  const d = e.detail ?? {};
  const app = nameOf(s(d.app) || e.app_id || '');
  const consumer = nameOf(s(d.consumer));
  const provider = nameOf(s(d.provider));
  const what = s(d.kind) === 'output' ? labelOf(s(d.provider), s(d.name)) : s(d.name).replace(/_/g, ' ');
  switch (e.action) {
    case 'account.created':
      return { text: 'Account created', tone: 'success', category: 'account' };
    case 'account.disabled':
      return { text: 'Account disabled by an administrator', tone: 'danger', category: 'account' };
    case 'account.enabled':
      return { text: 'Account enabled again', tone: 'success', category: 'account' };
    case 'account.deleted':
      return { text: 'Account deleted', tone: 'danger', category: 'account' };
    case 'login.succeeded':
      return { text: 'Signed in', tone: 'neutral', category: 'security' };
    case 'login.failed':
      return {
        text: s(d.reason) === 'wrong_password' ? 'Failed sign-in: wrong password' : s(d.reason) === 'wrong_code' || s(d.reason).includes('code') ? 'Failed sign-in: wrong code' : 'Failed sign-in',
        tone: 'warning',
        category: 'security',
      };
    case 'session.logout':
      return { text: 'Signed out', tone: 'neutral', category: 'security' };
    case 'session.logout_all':
      return { text: 'Signed out on every device', tone: 'neutral', category: 'security' };
    case 'session.revoked':
      return { text: 'Ended a session on another device', tone: 'neutral', category: 'security' };
    case 'session.refresh_reused':
      return { text: 'A used sign-in token came back: that session was ended to be safe', tone: 'danger', category: 'security' };
    case 'password.changed':
      return { text: 'Password changed', tone: 'neutral', category: 'security' };
    case 'mfa.enabled':
      return { text: 'Two-step sign-in turned on', tone: 'success', category: 'security' };
    case 'mfa.disabled':
      return { text: 'Two-step sign-in turned off', tone: 'warning', category: 'security' };
    case 'mfa.reset':
      return { text: 'Two-step sign-in reset by an administrator', tone: 'warning', category: 'security' };
    case 'app.installed':
      return {
        text: `Installed ${app}${s(d.version) ? ` ${s(d.version)}` : ''}${s(d.required_by) ? ` (needed by ${nameOf(s(d.required_by))})` : ''}`,
        tone: 'success',
        category: 'apps',
      };
    case 'app.uninstalled':
      return { text: `Uninstalled ${app}`, tone: 'neutral', category: 'apps' };
    case 'app.enabled':
      return { text: `Turned ${app} on`, tone: 'neutral', category: 'apps' };
    case 'app.disabled':
      return { text: `Switched ${app} off`, tone: 'neutral', category: 'apps' };
    case 'app.upgraded':
      return { text: `Upgraded ${app}${s(d.to) ? ` to ${s(d.to)}` : ''}`, tone: 'neutral', category: 'apps' };
    case 'app.purged':
      return { text: `Deleted ${app}'s data`, tone: 'danger', category: 'apps' };
    case 'app.read':
      return { text: `${consumer} read ${what} from ${provider}`, tone: 'neutral', category: 'data' };
    case 'app.read_denied':
      return {
        text: `${consumer} was refused ${what} from ${provider}${s(d.reason) ? ` (${s(d.reason).replace(/_/g, ' ')})` : ''}`,
        tone: 'warning',
        category: 'data',
      };
    case 'app.stream':
      return { text: `${consumer} subscribed to ${what} from ${provider}`, tone: 'neutral', category: 'data' };
    case 'app.stream_denied':
      return { text: `${consumer} was refused updates of ${what} from ${provider}`, tone: 'warning', category: 'data' };
    case 'grant.revoked':
      return { text: `Revoked: ${consumer} may no longer read ${what} from ${provider}`, tone: 'neutral', category: 'data' };
    default:
      return { text: e.action.replace(/[._]/g, ' '), tone: 'neutral', category: 'account' };
  }
}

export interface Grouped<T> {
  first: T; // the newest
  count: number;
  oldest: number; // created_at of the oldest in the run
}

// Runs of the same thing in a row (the Dashboard reading the same output on each refresh)
// shown once with a count, while they are less than an hour apart.
export function groupRuns<T extends { e: AuditEntry; d: Described }>(items: T[], gapMs = 60 * 60_000): Array<Grouped<T>> {
  const out: Array<Grouped<T>> = [];
  for (const it of items) {
    const last = out[out.length - 1];
    if (last && last.first.d.text === it.d.text && last.oldest - it.e.created_at <= gapMs) {
      last.count += 1;
      last.oldest = it.e.created_at;
    } else {
      out.push({ first: it, count: 1, oldest: it.e.created_at });
    }
  }
  return out;
}
