import { History, LayoutDashboard, LogOut, Menu as MenuIcon, Monitor, Moon, Search, Settings, ShieldCheck, Store, Sun, X } from 'lucide-react';
import { lazy, Suspense, useCallback, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Link, NavLink, Navigate, useLocation, useNavigate } from '@/lib/router';

import { useApps } from '@/api/apps/get-apps';
import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger } from '@/components/ui/dropdown-menu';
import { Logo } from '@/components/ui/logo';
import { Kbd, Tooltip } from '@/components/ui/misc';
import { toast } from '@/components/ui/toast';
import { useSignOut } from '@/features/auth/api/sign-out';
import { ReauthDialog } from '@/features/auth/components/reauth-dialog';
import { usePaletteShortcut } from '@/features/command-palette/hooks/use-palette-shortcut';
import { useHabitCommands } from '@/features/habits/hooks/use-habit-commands';
import { NotificationsBell } from '@/features/notifications/components/notifications-bell';
import { isOnboarded } from '@/features/onboarding/onboarding-state';
import { cn } from '@/lib/cn';
import type { PaletteCommand } from '@/lib/commands';
import { getThemePreference, resolveTheme, setThemePreference, subscribeTheme } from '@/lib/theme';
import { useSession } from '@/lib/use-session';
import { useLiveUpdates } from './live-updates';
import { keepOnly, useOpenWindows, useWindowPrefs } from './windows';

const CommandPalette = lazy(() => import('@/features/command-palette/components/command-palette').then((m) => ({ default: m.CommandPalette })));

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl';

function SideLink({ to, icon, children, end, activeFor }: { to: string; icon: ReactNode; children: ReactNode; end?: boolean; activeFor?: string }) {
  return (
    <NavLink
      to={to}
      end={end}
      activeFor={activeFor}
      className={({ isActive }) =>
        cn(
          'flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm transition-colors duration-(--k-duration-fast) [&_svg]:size-4',
          isActive ? 'bg-surface-3 font-medium text-fg' : 'text-muted hover:bg-surface-2 hover:text-fg',
        )
      }
    >
      {icon}
      <span className="truncate">{children}</span>
    </NavLink>
  );
}

function AppLink({ app: a }: { app: { id: string; name: string; icon: string; enabled: boolean } }) {
  return (
    <NavLink
      to={`/apps/${a.id}`}
      className={({ isActive }) =>
        cn(
          'flex h-8 items-center gap-2.5 rounded-md px-1.5 text-sm transition-colors duration-(--k-duration-fast)',
          isActive ? 'bg-surface-3 font-medium text-fg' : 'text-muted hover:bg-surface-2 hover:text-fg',
          !a.enabled && 'opacity-60',
        )
      }
    >
      <AppIcon icon={a.icon} size="sm" />
      <span className="truncate">{a.name}</span>
    </NavLink>
  );
}

// The frame of every signed-in screen: the sidebar (desktop, apps, system pages, account),
// the tab strip of open app windows, the command palette, and the sign-in-again dialog.
export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const apps = useApps();
  const navigate = useNavigate();
  const location = useLocation();
  const signOut = useSignOut();
  const windows = useOpenWindows();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const togglePalette = useCallback(() => setPaletteOpen((o) => !o), []);
  usePaletteShortcut(togglePalette);
  const themePref = useSyncExternalStore(subscribeTheme, getThemePreference);
  const user = session.status === 'signed-in' || session.status === 'expired' ? session.user : null;

  const installed = apps.data?.filter((a) => a.installed) ?? [];
  const live = useLiveUpdates(apps.data);
  const { pinned: pinnedIds } = useWindowPrefs();
  const pinned = pinnedIds.flatMap((id) => installed.filter((a) => a.id === id));
  const unpinned = installed.filter((a) => !pinnedIds.includes(a.id));
  const habitsOn = installed.some((a) => a.id === 'habit-tracker' && a.enabled);
  const habitCommands = useHabitCommands(habitsOn);

  const installedKey = installed.map((a) => a.id).join(',');
  useEffect(() => {
    if (apps.data) keepOnly(installedKey.split(','));
  }, [apps.data, installedKey]);

  const doSignOut = () =>
    signOut.mutate(undefined, {
      onSettled: () => navigate('/sign-in', { replace: true }),
      onError: () => toast({ title: 'Signed out on this device', description: 'The server could not be told; the session ends by itself within 15 minutes.' }),
    });

  // First sign-in: the welcome, unless this account already has apps (or skipped it here).
  if (user && apps.data && installed.length === 0 && !isOnboarded(user.id) && location.pathname === '/') {
    return <Navigate to="/welcome" replace />;
  }

  const nameOf = (id: string) => apps.data?.find((a) => a.id === id);
  const nextTheme = resolveTheme(themePref) === 'dark' ? 'light' : 'dark';
  const commands: PaletteCommand[] = [
    { id: 'nav:desktop', group: 'Go to', label: 'Desktop', icon: <LayoutDashboard aria-hidden />, keywords: ['home', 'widgets'], run: () => navigate('/') },
    { id: 'nav:catalog', group: 'Go to', label: 'App catalog', icon: <Store aria-hidden />, keywords: ['install', 'apps', 'store'], run: () => navigate('/catalog') },
    { id: 'nav:activity', group: 'Go to', label: 'Activity', icon: <History aria-hidden />, keywords: ['audit', 'log', 'history'], run: () => navigate('/activity') },
    { id: 'nav:permissions', group: 'Go to', label: 'Permissions', icon: <ShieldCheck aria-hidden />, keywords: ['grants', 'privacy'], run: () => navigate('/permissions') },
    { id: 'nav:settings', group: 'Go to', label: 'Settings', icon: <Settings aria-hidden />, keywords: ['profile', 'preferences'], run: () => navigate('/settings/profile') },
    { id: 'nav:security', group: 'Go to', label: 'Settings: Security', icon: <Settings aria-hidden />, keywords: ['password', 'two-step', 'mfa', 'totp'], run: () => navigate('/settings/security') },
    { id: 'nav:sessions', group: 'Go to', label: 'Settings: Sessions', icon: <Settings aria-hidden />, keywords: ['devices'], run: () => navigate('/settings/sessions') },
    { id: 'nav:notifications', group: 'Go to', label: 'Settings: Notifications', icon: <Settings aria-hidden />, keywords: ['mute', 'reminders', 'bell'], run: () => navigate('/settings/notifications') },
    ...installed.map((a) => ({
      id: `open:${a.id}`,
      group: 'Apps',
      label: `Open ${a.name}`,
      icon: <AppIcon icon={a.icon} size="sm" />,
      keywords: ['open', 'app', a.id],
      run: () => navigate(`/apps/${a.id}`),
    })),
    ...habitCommands,
    {
      id: 'theme:toggle',
      group: 'Preferences',
      label: `Switch to ${nextTheme} theme`,
      icon: nextTheme === 'dark' ? <Moon aria-hidden /> : <Sun aria-hidden />,
      keywords: ['theme', 'dark', 'light', 'appearance'],
      run: () => setThemePreference(nextTheme),
    },
    { id: 'theme:system', group: 'Preferences', label: 'Use the system theme', icon: <Monitor aria-hidden />, keywords: ['theme', 'auto'], run: () => setThemePreference('system') },
    { id: 'account:signout', group: 'Account', label: 'Sign out', icon: <LogOut aria-hidden />, keywords: ['log out', 'logout'], run: doSignOut },
  ];

  return (
    <div className="flex h-dvh bg-canvas text-fg">
      <a
        href="#main"
        className="sr-only z-[80] rounded-md bg-surface px-3 py-2 text-sm font-medium shadow-overlay focus:not-sr-only focus:fixed focus:left-3 focus:top-3"
      >
        Skip to content
      </a>
      <aside className="hidden w-56 shrink-0 flex-col border-r border-line bg-surface-2/60 md:flex" aria-label="Sidebar">
        <div className="flex h-14 items-center gap-2.5 px-4">
          <Logo className="size-7" />
          <span className="text-[15px] font-semibold tracking-tight">Krilin</span>
        </div>
        <div className="px-3 pb-2">
          <button
            type="button"
            onClick={() => setPaletteOpen(true)}
            className="flex h-8 w-full items-center gap-2 rounded-md border border-line bg-surface px-2.5 text-sm text-muted shadow-raised transition-colors duration-(--k-duration-fast) hover:text-fg"
          >
            <Search className="size-4" aria-hidden />
            <span className="flex-1 text-left">Search…</span>
            <span className="flex gap-0.5" aria-label={`${MOD} K`}>
              <Kbd>{MOD}</Kbd>
              <Kbd>K</Kbd>
            </span>
          </button>
        </div>
        <nav aria-label="Main" className="flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto px-3 py-2">
          <div className="flex flex-col gap-0.5">
            <SideLink to="/" end icon={<LayoutDashboard aria-hidden />}>
              Desktop
            </SideLink>
          </div>
          {pinned.length > 0 && (
            <div className="flex flex-col gap-0.5" data-testid="pinned-apps">
              <p className="px-2.5 pb-1 text-xs font-medium text-muted">Pinned</p>
              {pinned.map((a) => (
                <AppLink key={a.id} app={a} />
              ))}
            </div>
          )}
          <div className="flex flex-col gap-0.5">
            <p className="px-2.5 pb-1 text-xs font-medium text-muted">Apps</p>
            {installed.length === 0 && <p className="px-2.5 text-xs text-muted">None installed yet.</p>}
            {installed.length > 0 && unpinned.length === 0 && <p className="px-2.5 text-xs text-muted">All pinned above.</p>}
            {unpinned.map((a) => (
              <AppLink key={a.id} app={a} />
            ))}
          </div>
          <div className="flex flex-col gap-0.5">
            <p className="px-2.5 pb-1 text-xs font-medium text-muted">System</p>
            <SideLink to="/catalog" icon={<Store aria-hidden />}>
              App catalog
            </SideLink>
            <SideLink to="/activity" icon={<History aria-hidden />}>
              Activity
            </SideLink>
            <SideLink to="/permissions" icon={<ShieldCheck aria-hidden />}>
              Permissions
            </SideLink>
            <SideLink to="/settings/profile" activeFor="/settings" icon={<Settings aria-hidden />}>
              Settings
            </SideLink>
          </div>
        </nav>
        <div className="border-t border-line p-3">
          <Menu>
            <MenuTrigger asChild>
              <button
                type="button"
                className="flex w-full items-center gap-2.5 rounded-md p-1.5 text-left transition-colors duration-(--k-duration-fast) hover:bg-surface-2"
                aria-label={`Account: ${user?.name ?? ''}`}
              >
                <span aria-hidden className="flex size-7 items-center justify-center rounded-full bg-accent-soft text-xs font-semibold text-accent-text">
                  {(user?.name ?? '?').slice(0, 1).toUpperCase()}
                </span>
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium">{user?.name}</span>
                  <span className="block truncate text-xs text-muted">{user?.email}</span>
                </span>
              </button>
            </MenuTrigger>
            <MenuContent align="start" className="w-52">
              <MenuLabel>Theme</MenuLabel>
              <MenuItem onSelect={() => setThemePreference('system')}>
                <Monitor aria-hidden /> System {themePref === 'system' && '✓'}
              </MenuItem>
              <MenuItem onSelect={() => setThemePreference('light')}>
                <Sun aria-hidden /> Light {themePref === 'light' && '✓'}
              </MenuItem>
              <MenuItem onSelect={() => setThemePreference('dark')}>
                <Moon aria-hidden /> Dark {themePref === 'dark' && '✓'}
              </MenuItem>
              <MenuSeparator />
              <MenuItem onSelect={() => navigate('/settings/profile')}>
                <Settings aria-hidden /> Settings
              </MenuItem>
              <MenuItem onSelect={doSignOut}>
                <LogOut aria-hidden /> Sign out
              </MenuItem>
            </MenuContent>
          </Menu>
        </div>
      </aside>

      <div className="flex min-w-0 flex-1 flex-col">
        <div className="flex h-11 shrink-0 items-center gap-1 overflow-x-auto border-b border-line bg-surface-2/40 px-2" role="navigation" aria-label="Open windows">
          <div className="mr-1 md:hidden">
            <Menu>
              <MenuTrigger asChild>
                <Button size="icon-sm" variant="ghost" aria-label="Menu">
                  <MenuIcon aria-hidden />
                </Button>
              </MenuTrigger>
              <MenuContent align="start" className="w-56">
                <MenuItem onSelect={() => navigate('/')}>
                  <LayoutDashboard aria-hidden /> Desktop
                </MenuItem>
                {installed.map((a) => (
                  <MenuItem key={a.id} onSelect={() => navigate(`/apps/${a.id}`)}>
                    <AppIcon icon={a.icon} size="xs" /> {a.name}
                  </MenuItem>
                ))}
                <MenuSeparator />
                <MenuItem onSelect={() => navigate('/catalog')}>
                  <Store aria-hidden /> App catalog
                </MenuItem>
                <MenuItem onSelect={() => navigate('/activity')}>
                  <History aria-hidden /> Activity
                </MenuItem>
                <MenuItem onSelect={() => navigate('/permissions')}>
                  <ShieldCheck aria-hidden /> Permissions
                </MenuItem>
                <MenuItem onSelect={() => navigate('/settings/profile')}>
                  <Settings aria-hidden /> Settings
                </MenuItem>
                <MenuSeparator />
                <MenuItem onSelect={doSignOut}>
                  <LogOut aria-hidden /> Sign out
                </MenuItem>
              </MenuContent>
            </Menu>
          </div>
          <NavLink
            to="/"
            end
            className={({ isActive }) =>
              cn(
                'flex h-8 items-center gap-2 rounded-md px-3 text-sm transition-colors duration-(--k-duration-fast)',
                isActive ? 'bg-surface font-medium text-fg shadow-raised' : 'text-muted hover:bg-surface-2 hover:text-fg',
              )
            }
          >
            <LayoutDashboard className="size-4" aria-hidden /> Desktop
          </NavLink>
          {windows.map((id) => {
            const a = nameOf(id);
            if (!a) return null;
            const active = location.pathname === `/apps/${id}`;
            return (
              <div
                key={id}
                className={cn(
                  'group flex h-8 items-center rounded-md pl-2 pr-1 text-sm transition-colors duration-(--k-duration-fast)',
                  active ? 'bg-surface font-medium text-fg shadow-raised' : 'text-muted hover:bg-surface-2 hover:text-fg',
                )}
              >
                <Link to={`/apps/${id}`} className="flex items-center gap-2 pr-1" aria-current={active ? 'page' : undefined}>
                  <AppIcon icon={a.icon} size="xs" />
                  <span className="max-w-36 truncate">{a.name}</span>
                </Link>
                <Tooltip content={`Close ${a.name}`}>
                  <button
                    type="button"
                    aria-label={`Close ${a.name}`}
                    className="rounded p-0.5 text-subtle hover:bg-surface-3 hover:text-fg"
                    onClick={() => {
                      const rest = windows.filter((w) => w !== id);
                      keepOnly(rest);
                      if (active) navigate(rest.length ? `/apps/${rest[rest.length - 1]}` : '/');
                    }}
                  >
                    <X className="size-3.5" aria-hidden />
                  </button>
                </Tooltip>
              </div>
            );
          })}
          <div className="ml-auto flex items-center gap-1">
            {live === 'retrying' && (
              <span role="status" className="px-2 text-xs text-muted" data-testid="live-status">
                Reconnecting…
              </span>
            )}
            <span className="sr-only" role="status">{live === 'open' ? 'Live updates on' : ''}</span>
            <div className="md:hidden">
              <Button size="icon-sm" variant="ghost" aria-label="Search or run a command" onClick={() => setPaletteOpen(true)}>
                <Search aria-hidden />
              </Button>
            </div>
            <NotificationsBell apps={installed} />
          </div>
        </div>
        <main id="main" tabIndex={-1} className="min-h-0 flex-1 overflow-y-auto outline-none">
          {children}
        </main>
      </div>

      {paletteOpen && (
        <Suspense fallback={null}>
          <CommandPalette open={paletteOpen} onOpenChange={setPaletteOpen} commands={commands} />
        </Suspense>
      )}
      {session.status === 'expired' && <ReauthDialog user={session.user} onSignOut={doSignOut} />}
    </div>
  );
}
