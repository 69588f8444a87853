import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';

// The top of a full-page screen: a heading (the page's h1), a line of explanation, actions.
export function PageHeader({
  title,
  description,
  actions,
  icon,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <header className="flex flex-wrap items-start justify-between gap-4">
      <div className="flex min-w-0 items-center gap-3">
        {icon}
        <div className="min-w-0">
          <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
          {description && <p className="mt-0.5 text-sm text-muted">{description}</p>}
        </div>
      </div>
      {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
    </header>
  );
}

export function Page({ children, className, wide }: { children: ReactNode; className?: string; wide?: boolean }) {
  return (
    <div className={cn('mx-auto flex w-full flex-col gap-6 px-6 py-6', wide ? 'max-w-7xl' : 'max-w-4xl', className)}>
      {children}
    </div>
  );
}

export function Section({
  title,
  description,
  children,
  className,
  id,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} className={cn('rounded-xl border border-line bg-surface shadow-raised', className)}>
      <div className="border-b border-line px-5 py-4">
        <h2 id={id ? `${id}-title` : undefined} className="text-sm font-semibold">
          {title}
        </h2>
        {description && <p className="mt-0.5 text-sm text-muted">{description}</p>}
      </div>
      <div className="px-5 py-4">{children}</div>
    </section>
  );
}
