import { DropdownMenu as M } from 'radix-ui';
import { Check } from 'lucide-react';
import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';

export const Menu = M.Root;
export const MenuTrigger = M.Trigger;

export function MenuContent({
  children,
  align = 'end',
  className,
}: {
  children: ReactNode;
  align?: 'start' | 'center' | 'end';
  className?: string;
}) {
  return (
    <M.Portal>
      <M.Content
        align={align}
        sideOffset={6}
        className={cn(
          'z-50 min-w-44 rounded-lg border border-line bg-surface p-1 text-sm text-fg shadow-overlay',
          'data-[state=open]:animate-fade-in',
          className,
        )}
      >
        {children}
      </M.Content>
    </M.Portal>
  );
}

const item =
  'flex cursor-default select-none items-center gap-2 rounded-md px-2 py-1.5 outline-none ' +
  'data-[highlighted]:bg-surface-2 data-[disabled]:opacity-50 [&_svg]:size-4 [&_svg]:text-muted';

export function MenuItem({
  children,
  onSelect,
  danger,
  disabled,
}: {
  children: ReactNode;
  onSelect?: () => void;
  danger?: boolean;
  disabled?: boolean;
}) {
  return (
    <M.Item
      disabled={disabled}
      onSelect={onSelect}
      className={cn(item, danger && 'text-danger-text [&_svg]:text-danger-text')}
    >
      {children}
    </M.Item>
  );
}

export function MenuCheckItem({
  children,
  checked,
  onSelect,
}: {
  children: ReactNode;
  checked: boolean;
  onSelect: () => void;
}) {
  return (
    <M.CheckboxItem checked={checked} onSelect={onSelect} className={cn(item, 'pl-8 relative')}>
      <M.ItemIndicator className="absolute left-2">
        <Check aria-hidden />
      </M.ItemIndicator>
      {children}
    </M.CheckboxItem>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <M.Label className="px-2 pb-1 pt-1.5 text-xs font-medium text-muted">{children}</M.Label>;
}

export function MenuSeparator() {
  return <M.Separator className="my-1 h-px bg-line" />;
}
