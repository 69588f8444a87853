import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Switch, useLocation } from '@/lib/router';

import { Spinner } from '@/components/ui/feedback';
import { SignInPage } from '@/features/auth/components/sign-in-page';
import { SignUpPage } from '@/features/auth/components/sign-up-page';
import { useSession } from '@/lib/use-session';
import { AppWindowRoute } from './app-window';
import { Shell } from './shell';

// Screens load when first visited: the sign-in screen does not carry the widget grid.
const DesktopRoute = lazy(() => import('./desktop-route').then((m) => ({ default: m.DesktopRoute })));
const OnboardingPage = lazy(() => import('@/features/onboarding/components/onboarding-page').then((m) => ({ default: m.OnboardingPage })));
const CatalogPage = lazy(() => import('@/features/catalog/components/catalog-page').then((m) => ({ default: m.CatalogPage })));
const ActivityPage = lazy(() => import('@/features/activity/components/activity-page').then((m) => ({ default: m.ActivityPage })));
const PermissionsPage = lazy(() => import('@/features/permissions/components/permissions-page').then((m) => ({ default: m.PermissionsPage })));
const SettingsPage = lazy(() => import('./settings-route').then((m) => ({ default: m.SettingsRoute })));

export function PageFallback() {
  return (
    <div className="flex h-full min-h-48 items-center justify-center">
      <Spinner label="Loading" />
    </div>
  );
}

function Splash() {
  return (
    <div className="flex h-dvh items-center justify-center bg-canvas">
      <Spinner label="Opening Krilin" />
    </div>
  );
}

// Signed-in screens: wait while the session is restored, send the signed-out to sign in
// (and back here after), keep the screen while an expired session signs in again.
function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <Splash />;
  if (session.status === 'signed-out')
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function PublicOnly({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.status === 'loading') return <Splash />;
  if (session.status === 'signed-in') return <Navigate to="/" replace />;
  return <>{children}</>;
}

const lazyPage = (node: ReactNode) => <Suspense fallback={<PageFallback />}>{node}</Suspense>;

// Every screen's address.
export function Routes() {
  return (
    <Switch>
      <Route path="/sign-in">
        <PublicOnly>
          <SignInPage />
        </PublicOnly>
      </Route>
      <Route path="/sign-up">
        <PublicOnly>
          <SignUpPage />
        </PublicOnly>
      </Route>
      <Route path="/welcome">
        <RequireSession>{lazyPage(<OnboardingPage />)}</RequireSession>
      </Route>
      <Route>
        <RequireSession>
          <Shell>
            <Switch>
              <Route path="/">{lazyPage(<DesktopRoute />)}</Route>
              <Route path="/apps/:appId">
                <AppWindowRoute />
              </Route>
              <Route path="/catalog">{lazyPage(<CatalogPage />)}</Route>
              <Route path="/activity">{lazyPage(<ActivityPage />)}</Route>
              <Route path="/permissions">{lazyPage(<PermissionsPage />)}</Route>
              <Route path="/settings">
                <Navigate to="/settings/profile" replace />
              </Route>
              <Route path="/settings/:section">{lazyPage(<SettingsPage />)}</Route>
              <Route>
                <NotFound />
              </Route>
            </Switch>
          </Shell>
        </RequireSession>
      </Route>
    </Switch>
  );
}

function NotFound() {
  return (
    <div className="flex flex-col items-center gap-2 px-6 py-20 text-center">
      <h1 className="text-lg font-semibold">Nothing here</h1>
      <p className="text-sm text-muted">This address does not lead anywhere in Krilin.</p>
      <a href="/" className="mt-2 text-sm font-medium text-accent-text hover:underline">
        Back to the desktop
      </a>
    </div>
  );
}
