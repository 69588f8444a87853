import { KeyRound, Laptop, Palette, UserRound } from 'lucide-react';
import type { ComponentType, ReactNode } from 'react';
import { NavLink, Navigate, useParams } from '@/lib/router';

import { Page, PageHeader, Section } from '@/components/ui/page';
import { cn } from '@/lib/cn';
import { AppearanceSection } from './appearance-section';
import { PasswordForm } from './password-form';
import { ProfileSection } from './profile-section';
import { SessionsSection } from './sessions-section';
import { TwoStepSection } from './two-step-section';

// Sections other features offer (through app/), e.g. Notifications.
export interface ExtraSettingsSection {
  id: string;
  label: string;
  icon: ComponentType<{ className?: string; 'aria-hidden'?: boolean }>;
  title: string;
  description?: string;
  node: ReactNode;
}

const BUILTIN = [
  { id: 'profile', label: 'Profile', icon: UserRound },
  { id: 'appearance', label: 'Appearance', icon: Palette },
  { id: 'security', label: 'Security', icon: KeyRound },
  { id: 'sessions', label: 'Sessions', icon: Laptop },
] as const;

export function SettingsPage({ extra = [] }: { extra?: ExtraSettingsSection[] }) {
  const { section = 'profile' } = useParams();
  const SECTIONS: Array<{ id: string; label: string; icon: ExtraSettingsSection['icon'] }> = [...BUILTIN, ...extra];
  if (!SECTIONS.some((s) => s.id === section)) return <Navigate to="/settings/profile" replace />;
  return (
    <Page>
      <PageHeader title="Settings" />
      <div className="grid gap-6 md:grid-cols-[12rem_minmax(0,1fr)]">
        <nav aria-label="Settings sections">
          <ul className="flex gap-1 overflow-x-auto md:flex-col">
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <NavLink
                  to={`/settings/${s.id}`}
                  className={({ isActive }) =>
                    cn(
                      'flex items-center gap-2 rounded-md px-3 py-1.5 text-sm transition-colors duration-(--k-duration-fast)',
                      isActive ? 'bg-surface-3 font-medium text-fg' : 'text-muted hover:bg-surface-2 hover:text-fg',
                    )
                  }
                >
                  <s.icon className="size-4" aria-hidden />
                  {s.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="flex min-w-0 flex-col gap-6">
          {section === 'profile' && <ProfileSection />}
          {section === 'appearance' && <AppearanceSection />}
          {section === 'security' && (
            <>
              <Section id="password" title="Password" description="Changing it signs out your other devices.">
                <PasswordForm />
              </Section>
              <Section id="two-step" title="Two-step sign-in" description="A code from your phone at each sign-in.">
                <TwoStepSection />
              </Section>
            </>
          )}
          {section === 'sessions' && <SessionsSection />}
          {extra
            .filter((x) => x.id === section)
            .map((x) => (
              <Section key={x.id} id={x.id} title={x.title} description={x.description}>
                {x.node}
              </Section>
            ))}
        </div>
      </div>
    </Page>
  );
}
