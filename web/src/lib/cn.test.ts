import { describe, expect, it } from 'vitest';

import { cn } from './cn';

describe('cn', () => {
  it('skips falsy parts and lets later classes of the same kind win, our tokens included', () => {
    expect(cn('px-3', false, null, undefined, 'py-1')).toBe('px-3 py-1');
    expect(cn('max-w-lg w-full', 'max-w-xl')).toBe('w-full max-w-xl');
    expect(cn('text-sm text-fg', 'text-lg')).toBe('text-fg text-lg');
    expect(cn('bg-surface text-muted', 'bg-accent-soft')).toBe('text-muted bg-accent-soft');
    expect(cn('size-6 rounded-md', 'size-5')).toBe('rounded-md size-5');
  });
});
