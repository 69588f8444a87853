import { twMerge } from 'tailwind-merge';

// Joins class names, skipping falsy ones, and lets a later Tailwind class win over an earlier
// one of the same kind: cn('px-3 text-sm', big && 'text-lg') is "px-3 text-lg".
export function cn(...parts: Array<string | false | null | undefined>): string {
  return twMerge(parts.filter(Boolean).join(' '));
}
