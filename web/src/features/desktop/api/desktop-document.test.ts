import { describe, expect, it } from 'vitest';

import { initialState } from '../layout';
import { fromDocument, toDocument } from './desktop-document';

describe('the desktop document', () => {
  it('round-trips the layout through the server’s shape', () => {
    const s = initialState([{ app: 'habit-tracker', widget: 'streaks', title: 'Habit streaks', output: 'daily_streaks' }], 'd1');
    const doc = { ...toDocument(s), version: 3 };
    expect(doc.dashboards[0]).toEqual({ id: 'd1', name: 'Home', widgets: [{ i: 'habit-tracker/streaks', app: 'habit-tracker', widget: 'streaks', x: 0, y: 0, w: 4, h: 4 }] });
    expect(fromDocument(doc)).toEqual(s);
  });

  it('a document never saved, or without dashboards, is no layout', () => {
    expect(fromDocument({ dashboards: [], active: null, known: [], version: 0 })).toBeNull();
    expect(fromDocument({ dashboards: [], active: null, known: [], version: 2 })).toBeNull();
  });
});
