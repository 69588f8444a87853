import { Store, X } from 'lucide-react';
import { lazy, Suspense, useEffect, type ComponentType, type LazyExoticComponent } from 'react';
import { Link, useNavigate, useParams } from '@/lib/router';

import { useApps } from '@/api/apps/get-apps';
import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, Spinner } from '@/components/ui/feedback';
import { Badge } from '@/components/ui/misc';
import { isApiError } from '@/lib/api-error';
import { closeWindow, openWindow } from './windows';

// Each app's window content. A new app with a UI adds its line here.
const WINDOWS: Record<string, LazyExoticComponent<ComponentType>> = {
  'habit-tracker': lazy(() => import('@/features/habits/components/habit-tracker-window').then((m) => ({ default: m.HabitTrackerWindow }))),
  dashboard: lazy(() => import('@/features/dashboard/components/dashboard-window').then((m) => ({ default: m.DashboardWindow }))),
};

// An app, full-window: its title bar (icon, name, close) over the app's own UI.
export function AppWindowRoute() {
  const { appId = '' } = useParams();
  const apps = useApps();
  const navigate = useNavigate();
  const app = apps.data?.find((a) => a.id === appId);
  const Content = WINDOWS[appId];

  useEffect(() => {
    if (app?.installed) openWindow(appId);
  }, [app?.installed, appId]);

  const close = () => {
    const next = closeWindow(appId);
    navigate(next ? `/apps/${next}` : '/');
  };

  if (apps.isPending)
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner />
      </div>
    );
  if (apps.isError)
    return <ErrorState className="mt-16" title="This app could not be opened" hint={isApiError(apps.error) ? apps.error.hint : undefined} onRetry={() => void apps.refetch()} />;
  if (!app)
    return (
      <EmptyState className="mt-16" title="There is no such app on this server" action={<Button asChild><Link to="/catalog">Open the App catalog</Link></Button>} />
    );
  if (!app.installed)
    return (
      <EmptyState
        className="mt-16"
        icon={<Store aria-hidden />}
        title={`${app.name} is not installed`}
        action={
          <Button variant="primary" asChild>
            <Link to="/catalog">Install it from the App catalog</Link>
          </Button>
        }
      >
        {app.description}
      </EmptyState>
    );

  return (
    <div className="flex min-h-full flex-col">
      <div className="sticky top-0 z-10 flex items-center gap-3 border-b border-line bg-canvas/85 px-6 py-3 backdrop-blur">
        <AppIcon icon={app.icon} />
        <h1 className="text-base font-semibold">{app.name}</h1>
        {!app.enabled && <Badge tone="warning">Switched off</Badge>}
        <div className="ml-auto">
          <Button size="icon-sm" variant="ghost" aria-label={`Close ${app.name}`} onClick={close}>
            <X aria-hidden />
          </Button>
        </div>
      </div>
      {!app.enabled ? (
        <EmptyState
          className="mt-10"
          title={`${app.name} is switched off`}
          action={
            <Button asChild>
              <Link to="/catalog">Turn it on in the App catalog</Link>
            </Button>
          }
        >
          Its data is kept; it does not answer while it is off.
        </EmptyState>
      ) : Content ? (
        <Suspense
          fallback={
            <div className="flex h-48 items-center justify-center">
              <Spinner />
            </div>
          }
        >
          <Content />
        </Suspense>
      ) : (
        <EmptyState className="mt-10" title={`${app.name} has no window yet`}>
          Its widgets are on the desktop.
        </EmptyState>
      )}
    </div>
  );
}
