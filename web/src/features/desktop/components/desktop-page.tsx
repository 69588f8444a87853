import { LayoutGrid, MoreHorizontal, Pencil, Plus, Store, Trash2 } from 'lucide-react';
import { useMemo, useState, type FormEvent } from 'react';
import { GridLayout, verticalCompactor } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import { Tabs } from 'radix-ui';
import { Link, useNavigate } from '@/lib/router';

import { useApps } from '@/api/apps/get-apps';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Menu, MenuContent, MenuItem, MenuTrigger } from '@/components/ui/dropdown-menu';
import { EmptyState, ErrorState, Skeleton } from '@/components/ui/feedback';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { cn } from '@/lib/cn';
import { isApiError } from '@/lib/api-error';
import { useDesktop } from '../hooks/use-desktop';
import { useElementWidth } from '../hooks/use-element-width';
import {
  addWidget,
  applyLayout,
  COLS,
  createDashboard,
  deleteDashboard,
  MIN_H,
  MIN_W,
  moveWidget,
  removeWidget,
  renameDashboard,
  resizeWidget,
  sizeOf,
  updateDashboard,
  visibleItems,
  widgetKey,
  type WidgetRef,
} from '../layout';
import { useWidgetComponent } from '../widget-registry';
import { GenericWidget } from './generic-widget';
import { WidgetFrame } from './widget-frame';

function WidgetBody({ refData, size }: { refData: WidgetRef; size: 'sm' | 'md' | 'lg' }) {
  const Component = useWidgetComponent(refData.app, refData.output);
  return Component ? <Component size={size} /> : <GenericWidget app={refData.app} output={refData.output} />;
}

function NameDialog({
  title,
  initial,
  confirm,
  onSubmit,
  onClose,
}: {
  title: string;
  initial: string;
  confirm: string;
  onSubmit: (name: string) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent title={title}>
        <form onSubmit={submit}>
          <Field label="Name">
            <Input autoFocus maxLength={60} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Morning" />
          </Field>
          <DialogFooter>
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" disabled={!name.trim()}>
              {confirm}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function greeting(name: string, now = new Date()): string {
  const h = now.getHours();
  const part = h < 5 ? 'Good night' : h < 12 ? 'Good morning' : h < 18 ? 'Good afternoon' : 'Good evening';
  return `${part}, ${name}`;
}

const ROW = 56; // px per grid row
const GAP = 16;
const NARROW = 640; // below: one column

type DialogState = { kind: 'add' } | { kind: 'new' } | { kind: 'rename'; id: string } | { kind: 'delete'; id: string } | null;

// The desktop: named dashboards of widgets from the installed apps. Drag a widget by its
// header, resize it from its corner, or use its ⋯ menu; add widgets and dashboards above.
export function DesktopPage({ userId, userName }: { userId: string; userName: string }) {
  const apps = useApps();
  const navigate = useNavigate();
  const installed = useMemo(() => apps.data?.filter((a) => a.installed), [apps.data]);
  const available = useMemo<WidgetRef[] | undefined>(
    () => installed?.flatMap((a) => a.widgets.map((w) => ({ app: a.id, widget: w.id, title: w.title, output: w.output }))),
    [installed],
  );
  const { state, update } = useDesktop(userId, available);
  const [containerRef, width] = useElementWidth();
  const [dialog, setDialog] = useState<DialogState>(null);
  const appOf = (id: string) => apps.data?.find((a) => a.id === id);

  if (apps.isError)
    return (
      <ErrorState
        className="mt-16"
        title="Your desktop could not be loaded"
        message={isApiError(apps.error) ? apps.error.message : undefined}
        hint={isApiError(apps.error) ? apps.error.hint : undefined}
        onRetry={() => void apps.refetch()}
      />
    );
  if (!state || !available)
    return (
      <div className="grid grid-cols-3 gap-4 p-6" role="status">
        <span className="sr-only">Loading your desktop…</span>
        <Skeleton className="h-48 rounded-xl" />
        <Skeleton className="h-48 rounded-xl" />
      </div>
    );

  const active = state.dashboards.find((d) => d.id === state.activeId) ?? state.dashboards[0];
  if (!active) return null;
  const items = visibleItems(active, available);
  const missing = available.filter((r) => !active.items.some((it) => it.i === widgetKey(r.app, r.widget)));
  const edit = (fn: Parameters<typeof updateDashboard>[2]) => update((s) => updateDashboard(s, active.id, fn));
  const frame = (it: (typeof items)[number]) => {
    const app = appOf(it.app);
    const size = sizeOf(it);
    return (
      <WidgetFrame
        title={it.ref.title}
        appName={app?.name ?? it.app}
        icon={app?.icon ?? ''}
        size={size}
        onOpenApp={() => navigate(`/apps/${it.app}`)}
        onResize={(s) => edit((dash) => resizeWidget(dash, it.i, s))}
        onMove={(dir) => edit((dash) => moveWidget(dash, it.i, dir))}
        onRemove={() => edit((dash) => removeWidget(dash, it.i))}
      >
        <WidgetBody refData={it.ref} size={size} />
      </WidgetFrame>
    );
  };

  return (
    <div className="flex min-h-full flex-col">
      <Tabs.Root value={active.id} onValueChange={(id) => update((s) => ({ ...s, activeId: id }))} className="flex flex-1 flex-col">
        <div className="px-6 pt-6">
          <h1 className="text-xl font-semibold tracking-tight">{greeting(userName)}</h1>
          <p className="text-sm text-muted">{new Date().toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2 px-6 pt-4">
          <Tabs.List aria-label="Dashboards" className="flex min-w-0 flex-wrap items-center gap-1">
            {state.dashboards.map((d) => (
              <Tabs.Trigger
                key={d.id}
                value={d.id}
                className={cn(
                  'h-8 rounded-md px-3 text-sm font-medium text-muted transition-colors duration-(--k-duration-fast) hover:bg-surface-2 hover:text-fg',
                  'data-[state=active]:bg-surface data-[state=active]:text-fg data-[state=active]:shadow-raised',
                )}
              >
                {d.name}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          <Button size="icon-sm" variant="ghost" aria-label="New dashboard" onClick={() => setDialog({ kind: 'new' })}>
            <Plus aria-hidden />
          </Button>
          <div className="ml-auto flex items-center gap-2">
            <Menu>
              <MenuTrigger asChild>
                <Button size="icon" variant="ghost" aria-label={`Dashboard “${active.name}” options`}>
                  <MoreHorizontal aria-hidden />
                </Button>
              </MenuTrigger>
              <MenuContent>
                <MenuItem onSelect={() => setDialog({ kind: 'rename', id: active.id })}>
                  <Pencil aria-hidden /> Rename…
                </MenuItem>
                <MenuItem danger disabled={state.dashboards.length <= 1} onSelect={() => setDialog({ kind: 'delete', id: active.id })}>
                  <Trash2 aria-hidden /> Delete dashboard…
                </MenuItem>
              </MenuContent>
            </Menu>
            <Button onClick={() => setDialog({ kind: 'add' })} disabled={missing.length === 0} title={missing.length === 0 ? 'Every widget is on this dashboard' : undefined}>
              <LayoutGrid aria-hidden /> Add widget
            </Button>
          </div>
        </div>

        {state.dashboards.map((d) => (
          <Tabs.Content key={d.id} value={d.id} className="flex-1 px-3 pb-6 pt-1 outline-none" tabIndex={-1}>
            {d.id === active.id && (
              <div ref={containerRef}>
                {items.length === 0 ? (
                  <EmptyState
                    className="mt-10"
                    icon={<LayoutGrid aria-hidden />}
                    title={installed?.length ? 'This dashboard is empty' : 'No apps yet'}
                    action={
                      installed?.length ? (
                        <Button variant="primary" onClick={() => setDialog({ kind: 'add' })} disabled={missing.length === 0}>
                          <Plus aria-hidden /> Add a widget
                        </Button>
                      ) : (
                        <Button variant="primary" asChild>
                          <Link to="/catalog">
                            <Store aria-hidden /> Open the App catalog
                          </Link>
                        </Button>
                      )
                    }
                  >
                    {installed?.length ? 'Widgets show what your apps know at a glance.' : 'Install an app and its widgets appear here.'}
                  </EmptyState>
                ) : (
                  width !== null &&
                  (width < NARROW ? (
                    // A phone: one column in the saved order, no dragging.
                    <div className="flex flex-col gap-4 p-3">
                      {[...items]
                        .sort((a, b) => a.y - b.y || a.x - b.x)
                        .map((it) => (
                          <div key={it.i} data-testid={`widget-${it.i}`} style={{ height: it.h * ROW + (it.h - 1) * GAP }}>
                            {frame(it)}
                          </div>
                        ))}
                    </div>
                  ) : (
                    <GridLayout
                      width={width}
                      layout={items.map((it) => ({ i: it.i, x: it.x, y: it.y, w: it.w, h: it.h, minW: MIN_W, minH: MIN_H }))}
                      gridConfig={{ cols: COLS, rowHeight: ROW, margin: [GAP, GAP], containerPadding: [12, 12] }}
                      dragConfig={{ enabled: true, handle: '.widget-handle', cancel: '.widget-cancel', threshold: 4 }}
                      resizeConfig={{ enabled: true, handles: ['se'] }}
                      compactor={verticalCompactor}
                      onLayoutChange={(layout) => edit((dash) => applyLayout(dash, layout))}
                    >
                      {items.map((it) => (
                        <div key={it.i} data-testid={`widget-${it.i}`}>
                          {frame(it)}
                        </div>
                      ))}
                    </GridLayout>
                  ))
                )}
              </div>
            )}
          </Tabs.Content>
        ))}
      </Tabs.Root>

      {dialog?.kind === 'add' && (
        <Dialog open onOpenChange={(o) => !o && setDialog(null)}>
          <DialogContent title="Add a widget" description={`To “${active.name}”. Install more apps for more widgets.`}>
            <ul className="flex flex-col gap-2">
              {missing.map((r) => {
                const app = appOf(r.app);
                return (
                  <li key={widgetKey(r.app, r.widget)}>
                    <button
                      type="button"
                      className="flex w-full items-center gap-3 rounded-lg border border-line px-3 py-2.5 text-left transition-colors duration-(--k-duration-fast) hover:bg-surface-2"
                      onClick={() => {
                        edit((dash) => addWidget(dash, r));
                        setDialog(null);
                      }}
                    >
                      <AppIcon icon={app?.icon ?? ''} />
                      <span className="min-w-0 flex-1">
                        <span className="block text-sm font-medium">{r.title}</span>
                        <span className="block text-xs text-muted">{app?.name}</span>
                      </span>
                      <Plus className="size-4 text-muted" aria-hidden />
                    </button>
                  </li>
                );
              })}
            </ul>
            {missing.length === 0 && <p className="text-sm text-muted">Every widget of your apps is already here.</p>}
          </DialogContent>
        </Dialog>
      )}
      {dialog?.kind === 'new' && (
        <NameDialog
          title="New dashboard"
          initial=""
          confirm="Create dashboard"
          onClose={() => setDialog(null)}
          onSubmit={(name) => {
            update((s) => createDashboard(s, name));
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'rename' && (
        <NameDialog
          title="Rename dashboard"
          initial={state.dashboards.find((d) => d.id === dialog.id)?.name ?? ''}
          confirm="Rename"
          onClose={() => setDialog(null)}
          onSubmit={(name) => {
            update((s) => renameDashboard(s, dialog.id, name));
            setDialog(null);
          }}
        />
      )}
      <ConfirmDialog
        open={dialog?.kind === 'delete'}
        onOpenChange={(o) => !o && setDialog(null)}
        title={`Delete “${active.name}”?`}
        description="Only this arrangement goes; the widgets and their apps stay, on your other dashboards too."
        confirmLabel="Delete dashboard"
        onConfirm={() => {
          if (dialog?.kind === 'delete') update((s) => deleteDashboard(s, dialog.id));
          setDialog(null);
        }}
      />
    </div>
  );
}
