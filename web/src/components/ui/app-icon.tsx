import {
  AppWindow,
  BookOpen,
  Calendar,
  CheckSquare,
  Flame,
  Gauge,
  HeartPulse,
  NotebookPen,
  PiggyBank,
  StickyNote,
  Target,
  type LucideIcon,
} from 'lucide-react';

import { cn } from '@/lib/cn';

// Manifests name their icon (lucide names); the desktop knows these and falls back to a
// window for the rest.
const ICONS: Record<string, LucideIcon> = {
  flame: Flame,
  gauge: Gauge,
  'check-square': CheckSquare,
  calendar: Calendar,
  'notebook-pen': NotebookPen,
  'sticky-note': StickyNote,
  'piggy-bank': PiggyBank,
  'heart-pulse': HeartPulse,
  'book-open': BookOpen,
  target: Target,
};

const TINTS: Record<string, string> = {
  flame: 'bg-flame-soft text-flame',
  gauge: 'bg-accent-soft text-accent-text',
};

export function AppIcon({ icon, size = 'md', className }: { icon: string; size?: 'xs' | 'sm' | 'md' | 'lg'; className?: string }) {
  const Icon = ICONS[icon] ?? AppWindow;
  const box = { xs: 'size-5 rounded [&_svg]:size-3', sm: 'size-6 rounded-md [&_svg]:size-3.5', md: 'size-8 rounded-lg [&_svg]:size-4', lg: 'size-11 rounded-xl [&_svg]:size-5' }[size];
  return (
    <span
      aria-hidden
      className={cn('inline-flex shrink-0 items-center justify-center', box, TINTS[icon] ?? 'bg-surface-3 text-muted', className)}
    >
      <Icon />
    </span>
  );
}
