// The desktop's dashboards and where each widget sits on them: plain data and pure
// functions (unit-tested), kept by layout-store.ts.
//
// A grid of COLS columns; a widget's place is (x, y, w, h) in grid cells. Three preset sizes
// (small, medium, large) and free resizing in between. Widgets come from installed apps'
// manifests (`widgets: [{id, title, output}]`); a widget whose app is not installed is kept
// in the layout but not shown, so that reinstalling an app brings its widgets back in place.

export const COLS = 12;
export const MIN_W = 2;
export const MIN_H = 2;

export type WidgetSize = 'sm' | 'md' | 'lg';
export const SIZES: Record<WidgetSize, { w: number; h: number }> = {
  sm: { w: 3, h: 2 },
  md: { w: 4, h: 3 },
  lg: { w: 6, h: 4 },
};

export interface WidgetRef {
  app: string;
  widget: string;
  title: string;
  output: string;
}

export interface Placement {
  i: string; // the widget key, unique on a dashboard
  app: string;
  widget: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Dashboard {
  id: string;
  name: string;
  items: Placement[];
}

export interface DesktopState {
  version: 1;
  dashboards: Dashboard[];
  activeId: string;
  // Widget keys already offered once: a widget the person removed is not added back when
  // its app is seen again.
  known: string[];
}

export const widgetKey = (app: string, widget: string) => `${app}/${widget}`;

export function sizeOf(p: { w: number; h: number }): WidgetSize {
  if (p.w <= 3 || p.h <= 2) return 'sm';
  if (p.w >= 6 && p.h >= 4) return 'lg';
  return 'md';
}

function collides(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// The first free spot for a w×h widget, scanning rows top to bottom, left to right.
export function freeSpot(items: Placement[], w: number, h: number): { x: number; y: number } {
  const width = Math.min(w, COLS);
  for (let y = 0; y < 1000; y++) {
    for (let x = 0; x + width <= COLS; x++) {
      const box = { x, y, w: width, h };
      if (!items.some((it) => collides(it, box))) return { x, y };
    }
  }
  return { x: 0, y: items.reduce((m, it) => Math.max(m, it.y + it.h), 0) };
}

// Default sizes: the score reads best medium, lists a little taller.
function defaultSize(ref: WidgetRef): { w: number; h: number } {
  return ref.output.includes('streak') ? { w: 4, h: 4 } : SIZES.md;
}

export function addWidget(d: Dashboard, ref: WidgetRef, size?: WidgetSize): Dashboard {
  const i = widgetKey(ref.app, ref.widget);
  if (d.items.some((it) => it.i === i)) return d;
  const { w, h } = size ? SIZES[size] : defaultSize(ref);
  const { x, y } = freeSpot(d.items, w, h);
  return { ...d, items: [...d.items, { i, app: ref.app, widget: ref.widget, x, y, w, h }] };
}

export function removeWidget(d: Dashboard, i: string): Dashboard {
  return { ...d, items: d.items.filter((it) => it.i !== i) };
}

export function resizeWidget(d: Dashboard, i: string, size: WidgetSize): Dashboard {
  const { w, h } = SIZES[size];
  return {
    ...d,
    items: d.items.map((it) => (it.i === i ? { ...it, w, h, x: Math.min(it.x, COLS - w) } : it)),
  };
}

// Keyboard moves: one cell (left/right) or one row (up/down); the grid's compaction settles
// the rest. Moving down past a neighbour jumps below it.
export function moveWidget(d: Dashboard, i: string, dir: 'left' | 'right' | 'up' | 'down'): Dashboard {
  return {
    ...d,
    items: d.items.map((it) => {
      if (it.i !== i) return it;
      switch (dir) {
        case 'left':
          return { ...it, x: Math.max(0, it.x - 1) };
        case 'right':
          return { ...it, x: Math.min(COLS - it.w, it.x + 1) };
        case 'up':
          return { ...it, y: Math.max(0, it.y - 1) };
        case 'down': {
          const below = d.items.filter((o) => o.i !== i && o.y >= it.y && o.x < it.x + it.w && it.x < o.x + o.w);
          const next = below.length ? Math.min(...below.map((o) => o.y + o.h)) : it.y + 1;
          return { ...it, y: Math.max(it.y + 1, next) };
        }
      }
    }),
  };
}

// The grid reports positions after a drag, a resize or compaction.
export function applyLayout(d: Dashboard, layout: ReadonlyArray<{ i: string; x: number; y: number; w: number; h: number }>): Dashboard {
  const byId = new Map(layout.map((l) => [l.i, l]));
  let changed = false;
  const items = d.items.map((it) => {
    const l = byId.get(it.i);
    if (!l || (l.x === it.x && l.y === it.y && l.w === it.w && l.h === it.h)) return it;
    changed = true;
    return { ...it, x: l.x, y: l.y, w: l.w, h: l.h };
  });
  return changed ? { ...d, items } : d;
}

export function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `d-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function initialState(available: WidgetRef[], id: string = newId()): DesktopState {
  let home: Dashboard = { id, name: 'Home', items: [] };
  for (const ref of available) home = addWidget(home, ref);
  return { version: 1, dashboards: [home], activeId: id, known: available.map((r) => widgetKey(r.app, r.widget)) };
}

// New apps' widgets go onto the first dashboard, once.
export function reconcile(state: DesktopState, available: WidgetRef[]): DesktopState {
  const fresh = available.filter((r) => !state.known.includes(widgetKey(r.app, r.widget)));
  if (fresh.length === 0) return state;
  const [first, ...rest] = state.dashboards;
  if (!first) return initialState(available);
  let d = first;
  for (const ref of fresh) d = addWidget(d, ref);
  return { ...state, dashboards: [d, ...rest], known: [...state.known, ...fresh.map((r) => widgetKey(r.app, r.widget))] };
}

export function visibleItems(d: Dashboard, available: WidgetRef[]): Array<Placement & { ref: WidgetRef }> {
  const byKey = new Map(available.map((r) => [widgetKey(r.app, r.widget), r]));
  return d.items.flatMap((it) => {
    const ref = byKey.get(it.i);
    return ref ? [{ ...it, ref }] : [];
  });
}

export function updateDashboard(state: DesktopState, id: string, fn: (d: Dashboard) => Dashboard): DesktopState {
  let changed = false;
  const dashboards = state.dashboards.map((d) => {
    if (d.id !== id) return d;
    const next = fn(d);
    if (next !== d) changed = true;
    return next;
  });
  return changed ? { ...state, dashboards } : state;
}

export function createDashboard(state: DesktopState, name: string, id: string = newId()): DesktopState {
  return { ...state, dashboards: [...state.dashboards, { id, name: name.trim() || 'Untitled', items: [] }], activeId: id };
}

export function renameDashboard(state: DesktopState, id: string, name: string): DesktopState {
  const n = name.trim();
  if (!n) return state;
  return updateDashboard(state, id, (d) => (d.name === n ? d : { ...d, name: n }));
}

// The last dashboard cannot be deleted.
export function deleteDashboard(state: DesktopState, id: string): DesktopState {
  if (state.dashboards.length <= 1) return state;
  const dashboards = state.dashboards.filter((d) => d.id !== id);
  const activeId = state.activeId === id ? (dashboards[0] as Dashboard).id : state.activeId;
  return { ...state, dashboards, activeId };
}

// A stored state from an older or damaged save: the parts that still make sense.
export function sanitize(raw: unknown): DesktopState | null {
  const s = raw as Partial<DesktopState> | null;
  if (!s || s.version !== 1 || !Array.isArray(s.dashboards) || s.dashboards.length === 0) return null;
  const num = (v: unknown, lo: number, hi: number, dflt: number) =>
    typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : dflt;
  const dashboards: Dashboard[] = s.dashboards
    .filter((d): d is Dashboard => Boolean(d) && typeof d.id === 'string' && typeof d.name === 'string' && Array.isArray(d.items))
    .map((d) => ({
      id: d.id,
      name: d.name.slice(0, 60),
      items: d.items
        .filter((it) => it && typeof it.app === 'string' && typeof it.widget === 'string')
        .map((it) => {
          const w = num(it.w, MIN_W, COLS, SIZES.md.w);
          return { i: widgetKey(it.app, it.widget), app: it.app, widget: it.widget, w, h: num(it.h, MIN_H, 24, SIZES.md.h), x: num(it.x, 0, COLS - w, 0), y: num(it.y, 0, 10_000, 0) };
        }),
    }));
  if (dashboards.length === 0) return null;
  const activeId = dashboards.some((d) => d.id === s.activeId) ? (s.activeId as string) : (dashboards[0] as Dashboard).id;
  const known = Array.isArray(s.known) ? s.known.filter((k): k is string => typeof k === 'string') : [];
  return { version: 1, dashboards, activeId, known };
}
