import { readString, writeString } from '@/lib/storage';

// Whether this person finished (or skipped) the welcome on this browser. Kept locally: the
// server has no place for it yet; an account that already has apps is never sent there.
const key = (userId: string) => `krilin.onboarded.${userId}`;

export function isOnboarded(userId: string): boolean {
  return readString(key(userId)) === '1';
}

export function markOnboarded(userId: string): void {
  writeString(key(userId), '1');
}
