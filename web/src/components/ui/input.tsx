import { forwardRef, type InputHTMLAttributes, type SelectHTMLAttributes } from 'react';

import { cn } from '@/lib/cn';

const control =
  'min-w-0 rounded-md border border-line-strong bg-surface px-3 text-sm text-fg shadow-raised ' +
  'placeholder:text-subtle transition-colors duration-(--k-duration-fast) ' +
  'focus-visible:border-accent focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring/40 ' +
  'aria-invalid:border-danger disabled:opacity-60';

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input(
  { className, ...rest },
  ref,
) {
  return <input ref={ref} className={cn(control, 'h-9', className)} {...rest} />;
});

export const NativeSelect = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement>>(
  function NativeSelect({ className, children, ...rest }, ref) {
    return (
      <select ref={ref} className={cn(control, 'h-9 pr-8', className)} {...rest}>
        {children}
      </select>
    );
  },
);
