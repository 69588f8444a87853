import { ArrowDown, ArrowLeft, ArrowRight, ArrowUp, ExternalLink, GripVertical, MoreHorizontal, X } from 'lucide-react';
import type { ReactNode } from 'react';

import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger, MenuCheckItem } from '@/components/ui/dropdown-menu';
import type { WidgetSize } from '../layout';

// The frame of a widget on the grid: the header is the drag handle, the corner resizes, and
// the ⋯ menu does all of it from the keyboard (size, move, remove) and opens the app.
export function WidgetFrame({
  title,
  appName,
  icon,
  size,
  onOpenApp,
  onResize,
  onMove,
  onRemove,
  children,
}: {
  title: string;
  appName: string;
  icon: string;
  size: WidgetSize;
  onOpenApp: () => void;
  onResize: (s: WidgetSize) => void;
  onMove: (d: 'left' | 'right' | 'up' | 'down') => void;
  onRemove: () => void;
  children: ReactNode;
}) {
  return (
      <section
        aria-label={`${title} widget`}
        className="flex h-full flex-col overflow-hidden rounded-xl border border-line bg-surface shadow-raised transition-shadow duration-(--k-duration-base) focus-within:border-line-strong"
      >
        <header className="widget-handle flex cursor-grab items-center gap-2 px-3 pb-1 pt-2.5 active:cursor-grabbing">
          <AppIcon icon={icon} size="sm" />
          <h2 className="min-w-0 flex-1 truncate text-sm font-medium">{title}</h2>
          <GripVertical className="size-4 text-subtle opacity-0 transition-opacity group-hover/widget:opacity-100" aria-hidden />
          <Menu>
            <MenuTrigger asChild>
              <Button size="icon-sm" variant="ghost" className="widget-cancel" aria-label={`${title} widget options`}>
                <MoreHorizontal aria-hidden />
              </Button>
            </MenuTrigger>
            <MenuContent>
              <MenuItem onSelect={onOpenApp}>
                <ExternalLink aria-hidden /> Open {appName}
              </MenuItem>
              <MenuSeparator />
              <MenuLabel>Size</MenuLabel>
              {(['sm', 'md', 'lg'] as const).map((s) => (
                <MenuCheckItem key={s} checked={size === s} onSelect={() => onResize(s)}>
                  {{ sm: 'Small', md: 'Medium', lg: 'Large' }[s]}
                </MenuCheckItem>
              ))}
              <MenuSeparator />
              <MenuLabel>Move</MenuLabel>
              <MenuItem onSelect={() => onMove('left')}>
                <ArrowLeft aria-hidden /> Left
              </MenuItem>
              <MenuItem onSelect={() => onMove('right')}>
                <ArrowRight aria-hidden /> Right
              </MenuItem>
              <MenuItem onSelect={() => onMove('up')}>
                <ArrowUp aria-hidden /> Up
              </MenuItem>
              <MenuItem onSelect={() => onMove('down')}>
                <ArrowDown aria-hidden /> Down
              </MenuItem>
              <MenuSeparator />
              <MenuItem danger onSelect={onRemove}>
                <X aria-hidden /> Remove from this dashboard
              </MenuItem>
            </MenuContent>
          </Menu>
        </header>
        <div className="widget-cancel min-h-0 flex-1 overflow-auto px-4 pb-4 pt-2">{children}</div>
      </section>
  );
}
