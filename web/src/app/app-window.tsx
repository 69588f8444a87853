import { Bot, Maximize2, Move, PictureInPicture2, Pin, PinOff, Store, X } from 'lucide-react';
import { lazy, Suspense, useEffect, useRef, type ComponentType, type KeyboardEvent, type LazyExoticComponent, type PointerEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from '@/lib/router';

import { useApps } from '@/api/apps/get-apps';
import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, Spinner } from '@/components/ui/feedback';
import { Badge, Tooltip } from '@/components/ui/misc';
import { isApiError } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import type { AppSummary } from '@/lib/api-types';
import {
  clampGeometry,
  closeWindow,
  DEFAULT_GEOMETRY,
  openWindow,
  setAssistantOpen,
  setFloating,
  togglePinned,
  useWindowPrefs,
  type Geometry,
} from './windows';

// Each app's window content. A new app with a UI adds its line here.
const WINDOWS: Record<string, LazyExoticComponent<ComponentType>> = {
  'habit-tracker': lazy(() => import('@/features/habits/components/habit-tracker-window').then((m) => ({ default: m.HabitTrackerWindow }))),
  dashboard: lazy(() => import('@/features/dashboard/components/dashboard-window').then((m) => ({ default: m.DashboardWindow }))),
};
const AgentPanel = lazy(() => import('@/features/agent/components/agent-panel').then((m) => ({ default: m.AgentPanel })));
const DesktopRoute = lazy(() => import('./desktop-route').then((m) => ({ default: m.DesktopRoute })));

const fallback = (
  <div className="flex h-48 items-center justify-center">
    <Spinner />
  </div>
);

function TitleButton({ label, onClick, pressed, children }: { label: string; onClick: () => void; pressed?: boolean; children: ReactNode }) {
  return (
    <Tooltip content={label}>
      <Button size="icon-sm" variant="ghost" aria-label={label} aria-pressed={pressed} onClick={onClick} className={cn(pressed && 'bg-surface-3')}>
        {children}
      </Button>
    </Tooltip>
  );
}

// An app's window: full size (the default) or floating over the desktop (dragged by its
// title bar, resized from its corner; with the keyboard, the move button takes arrow keys,
// Shift+arrows resize). Its title bar also pins the app to the sidebar and opens the app's
// assistant beside its content.
export function AppWindowRoute() {
  const { appId = '' } = useParams();
  const apps = useApps();
  const navigate = useNavigate();
  const prefs = useWindowPrefs();
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

  const geometry = prefs.floating[appId];
  const assistantOpen = prefs.assistant[appId] === true && app.enabled;
  const pinned = prefs.pinned.includes(appId);
  const body = !app.enabled ? (
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
    <Suspense fallback={fallback}>
      <Content />
    </Suspense>
  ) : (
    <EmptyState className="mt-10" title={`${app.name} has no window yet`}>
      Its widgets are on the desktop.
    </EmptyState>
  );

  const buttons = (
    <div className="ml-auto flex items-center gap-0.5">
      {app.enabled && (
        <TitleButton label={assistantOpen ? 'Hide the assistant' : `Ask ${app.name}’s assistant`} pressed={assistantOpen} onClick={() => setAssistantOpen(appId, !assistantOpen)}>
          <Bot aria-hidden />
        </TitleButton>
      )}
      <TitleButton label={pinned ? 'Unpin from the sidebar' : 'Pin to the sidebar'} pressed={pinned} onClick={() => togglePinned(appId)}>
        {pinned ? <PinOff aria-hidden /> : <Pin aria-hidden />}
      </TitleButton>
      <TitleButton label={geometry ? 'Full size' : 'Float this window'} onClick={() => setFloating(appId, geometry ? null : DEFAULT_GEOMETRY)}>
        {geometry ? <Maximize2 aria-hidden /> : <PictureInPicture2 aria-hidden />}
      </TitleButton>
      <TitleButton label={`Close ${app.name}`} onClick={close}>
        <X aria-hidden />
      </TitleButton>
    </div>
  );

  const withAssistant = (content: ReactNode) => (
    <div className="flex min-h-0 flex-1">
      {/* Focusable so that the keyboard can scroll it when its content has nothing to focus. */}
      <div className="min-w-0 flex-1 overflow-y-auto outline-none focus-visible:ring-2 focus-visible:ring-ring/40" tabIndex={0} role="region" aria-label={`${app.name} content`}>
        {content}
      </div>
      {assistantOpen && (
        <div className="fixed inset-0 z-40 bg-surface md:static md:z-auto md:h-full md:shrink-0">
          <Suspense fallback={fallback}>
            <AgentPanel app={appId} appName={app.name} onClose={() => setAssistantOpen(appId, false)} />
          </Suspense>
        </div>
      )}
    </div>
  );

  if (geometry) return <FloatingWindow app={app} geometry={geometry} buttons={buttons} body={withAssistant(body)} />;

  return (
    <div className="flex h-full flex-col">
      <div className="z-10 flex shrink-0 items-center gap-3 border-b border-line bg-canvas/85 px-6 py-3 backdrop-blur">
        <AppIcon icon={app.icon} />
        <h1 className="text-base font-semibold">{app.name}</h1>
        {!app.enabled && <Badge tone="warning">Switched off</Badge>}
        {buttons}
      </div>
      {withAssistant(body)}
    </div>
  );
}

function FloatingWindow({ app, geometry, buttons, body }: { app: AppSummary; geometry: Geometry; buttons: ReactNode; body: ReactNode }) {
  const area = useRef<HTMLDivElement>(null);
  const drag = useRef<{ kind: 'move' | 'resize'; px: number; py: number; g: Geometry } | null>(null);
  const areaSize = () => ({ w: area.current?.clientWidth ?? 1200, h: area.current?.clientHeight ?? 800 });
  const put = (g: Geometry) => setFloating(app.id, clampGeometry(g, areaSize()));

  useEffect(() => {
    const onResize = () => put(geometry);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  });

  const start = (kind: 'move' | 'resize') => (e: PointerEvent<HTMLElement>) => {
    if (e.button !== 0 || (kind === 'move' && (e.target as HTMLElement).closest('button'))) return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { kind, px: e.clientX, py: e.clientY, g: geometry };
  };
  const moveTo = (e: PointerEvent<HTMLElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.px;
    const dy = e.clientY - d.py;
    put(d.kind === 'move' ? { ...d.g, x: d.g.x + dx, y: d.g.y + dy } : { ...d.g, w: d.g.w + dx, h: d.g.h + dy });
  };
  const end = () => {
    drag.current = null;
  };
  const onKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const step = 24;
    const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (!d) return;
    e.preventDefault();
    const [dx, dy] = d as [number, number];
    put(e.shiftKey ? { ...geometry, w: geometry.w + dx, h: geometry.h + dy } : { ...geometry, x: geometry.x + dx, y: geometry.y + dy });
  };

  return (
    <div ref={area} className="relative h-full overflow-hidden">
      <div className="absolute inset-0 overflow-y-auto" aria-hidden={false}>
        <Suspense fallback={fallback}>
          <DesktopRoute />
        </Suspense>
      </div>
      <section
        aria-label={`${app.name} window`}
        className="absolute z-20 flex flex-col overflow-hidden rounded-xl border border-line-strong bg-canvas shadow-overlay"
        style={{ left: geometry.x, top: geometry.y, width: geometry.w, height: geometry.h }}
        data-testid="floating-window"
      >
        <div
          className="flex shrink-0 cursor-move touch-none select-none items-center gap-2 border-b border-line bg-surface-2 px-3 py-1.5"
          onPointerDown={start('move')}
          onPointerMove={moveTo}
          onPointerUp={end}
          onPointerCancel={end}
        >
          <AppIcon icon={app.icon} size="sm" />
          <h1 className="truncate text-sm font-semibold">{app.name}</h1>
          <Tooltip content="Arrow keys move the window; Shift+arrow keys resize it">
            <Button size="icon-sm" variant="ghost" aria-label="Move or resize the window (arrow keys; Shift+arrows resize)" onKeyDown={onKey}>
              <Move aria-hidden />
            </Button>
          </Tooltip>
          {buttons}
        </div>
        {body}
        <div
          aria-hidden
          className="absolute bottom-0 right-0 size-4 cursor-nwse-resize touch-none"
          onPointerDown={start('resize')}
          onPointerMove={moveTo}
          onPointerUp={end}
          onPointerCancel={end}
        >
          <svg viewBox="0 0 16 16" className="size-4 text-subtle">
            <path d="M14 6L6 14M14 10L10 14" stroke="currentColor" strokeWidth="1.5" />
          </svg>
        </div>
      </section>
    </div>
  );
}
