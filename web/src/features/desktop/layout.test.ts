import { describe, expect, it } from 'vitest';

import {
  addWidget,
  applyLayout,
  COLS,
  createDashboard,
  deleteDashboard,
  freeSpot,
  initialState,
  moveWidget,
  reconcile,
  removeWidget,
  renameDashboard,
  resizeWidget,
  sanitize,
  sizeOf,
  visibleItems,
  type Dashboard,
  type WidgetRef,
} from './layout';

const streaks: WidgetRef = { app: 'habit-tracker', widget: 'streaks', title: 'Habit streaks', output: 'daily_streaks' };
const score: WidgetRef = { app: 'dashboard', widget: 'score', title: 'Productivity score', output: 'productivity_score' };

function overlaps(d: Dashboard) {
  for (const a of d.items)
    for (const b of d.items)
      if (a !== b && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) return true;
  return false;
}

describe('the desktop layout', () => {
  it('starts with one Home dashboard holding every installed widget, side by side', () => {
    const s = initialState([streaks, score], 'home');
    expect(s.dashboards).toHaveLength(1);
    expect(s.dashboards[0]?.name).toBe('Home');
    const items = s.dashboards[0]!.items;
    expect(items.map((i) => i.i)).toEqual(['habit-tracker/streaks', 'dashboard/score']);
    expect(items[0]).toMatchObject({ x: 0, y: 0 });
    expect(items[1]?.y).toBe(0);
    expect(overlaps(s.dashboards[0]!)).toBe(false);
    expect(s.known).toEqual(['habit-tracker/streaks', 'dashboard/score']);
  });

  it('adds the widgets of a newly installed app once, and not again after the person removed them', () => {
    let s = initialState([streaks], 'home');
    s = reconcile(s, [streaks, score]);
    expect(s.dashboards[0]!.items.map((i) => i.i)).toContain('dashboard/score');
    s = { ...s, dashboards: [removeWidget(s.dashboards[0]!, 'dashboard/score')] };
    const again = reconcile(s, [streaks, score]);
    expect(again).toBe(s);
    expect(again.dashboards[0]!.items.map((i) => i.i)).not.toContain('dashboard/score');
  });

  it('keeps the place of an uninstalled app’s widget but does not show it', () => {
    const s = initialState([streaks, score], 'home');
    expect(visibleItems(s.dashboards[0]!, [score]).map((i) => i.i)).toEqual(['dashboard/score']);
    expect(s.dashboards[0]!.items).toHaveLength(2);
  });

  it('finds the first free spot, wrapping to the next row', () => {
    let d: Dashboard = { id: 'd', name: 'D', items: [] };
    for (const w of ['a', 'b', 'c', 'd']) d = addWidget(d, { ...score, widget: w }, 'md');
    expect(d.items.map((i) => [i.x, i.y])).toEqual([
      [0, 0],
      [4, 0],
      [8, 0],
      [0, 3],
    ]);
    expect(overlaps(d)).toBe(false);
    expect(freeSpot(d.items, COLS, 2)).toEqual({ x: 0, y: 6 });
  });

  it('does not add the same widget twice to a dashboard', () => {
    const d = addWidget(addWidget({ id: 'd', name: 'D', items: [] }, score), score);
    expect(d.items).toHaveLength(1);
  });

  it('resizes to the presets, staying inside the grid', () => {
    let d = addWidget({ id: 'd', name: 'D', items: [] }, score, 'sm');
    d = applyLayout(d, [{ i: 'dashboard/score', x: 10, y: 0, w: 2, h: 2 }]);
    d = resizeWidget(d, 'dashboard/score', 'lg');
    expect(d.items[0]).toMatchObject({ w: 6, h: 4, x: 6 });
    expect(sizeOf(d.items[0]!)).toBe('lg');
    expect(sizeOf({ w: 3, h: 2 })).toBe('sm');
    expect(sizeOf({ w: 4, h: 3 })).toBe('md');
  });

  it('moves from the keyboard, clamped to the grid, and below a neighbour when moving down', () => {
    let d = addWidget(addWidget({ id: 'd', name: 'D', items: [] }, score, 'md'), streaks, 'md');
    d = moveWidget(d, 'dashboard/score', 'left');
    expect(d.items[0]?.x).toBe(0);
    d = moveWidget(d, 'habit-tracker/streaks', 'right');
    expect(d.items[1]?.x).toBe(5);
    d = applyLayout(d, [{ i: 'habit-tracker/streaks', x: 0, y: 3, w: 4, h: 3 }]);
    d = moveWidget(d, 'dashboard/score', 'down');
    expect(d.items[0]?.y).toBe(6);
  });

  it('answers the same object when the grid reports no change (no needless saves)', () => {
    const d = addWidget({ id: 'd', name: 'D', items: [] }, score, 'md');
    expect(applyLayout(d, [{ i: 'dashboard/score', x: 0, y: 0, w: 4, h: 3 }])).toBe(d);
  });

  it('creates, renames and deletes dashboards, never the last one', () => {
    let s = initialState([score], 'home');
    s = createDashboard(s, '  Focus ', 'focus');
    expect(s.activeId).toBe('focus');
    expect(s.dashboards.map((d) => d.name)).toEqual(['Home', 'Focus']);
    s = renameDashboard(s, 'focus', 'Deep work');
    expect(s.dashboards[1]?.name).toBe('Deep work');
    expect(renameDashboard(s, 'focus', '   ')).toBe(s);
    s = deleteDashboard(s, 'focus');
    expect(s.dashboards.map((d) => d.id)).toEqual(['home']);
    expect(s.activeId).toBe('home');
    expect(deleteDashboard(s, 'home')).toBe(s);
  });

  it('reads back a stored layout, repairing what does not make sense', () => {
    expect(sanitize(null)).toBeNull();
    expect(sanitize({ version: 2 })).toBeNull();
    expect(sanitize({ version: 1, dashboards: [] })).toBeNull();
    const s = sanitize({
      version: 1,
      activeId: 'gone',
      known: ['a/b', 3],
      dashboards: [
        { id: 'x', name: 'X', items: [{ app: 'dashboard', widget: 'score', x: 99, y: -4, w: 40, h: 'big' }, { nonsense: true }] },
        'junk',
      ],
    });
    expect(s?.activeId).toBe('x');
    expect(s?.known).toEqual(['a/b']);
    expect(s?.dashboards[0]?.items).toEqual([{ i: 'dashboard/score', app: 'dashboard', widget: 'score', x: 0, y: 0, w: 12, h: 3 }]);
  });
});
