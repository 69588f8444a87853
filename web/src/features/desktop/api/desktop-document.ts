import { api } from '@/lib/api-client';
import { sanitize, type DesktopState } from '../layout';

// The per-user desktop document on the server (GET/PUT /api/v1/me/desktop, docs/web.md):
// {dashboards: [{id, name, widgets: [{i, app, widget, x, y, w, h}]}], active, known, version}.
export interface DesktopDocument {
  dashboards: Array<{ id: string; name: string; widgets: Array<{ i: string; app: string; widget: string; x: number; y: number; w: number; h: number }> }>;
  active: string | null;
  known: string[];
  version: number;
}

export function toDocument(s: DesktopState): Omit<DesktopDocument, 'version'> {
  return {
    dashboards: s.dashboards.map((d) => ({ id: d.id, name: d.name, widgets: d.items.map(({ i, app, widget, x, y, w, h }) => ({ i, app, widget, x, y, w, h })) })),
    active: s.activeId,
    known: s.known.slice(0, 500),
  };
}

// null for a document never saved (version 0) or one that makes no sense any more.
export function fromDocument(doc: DesktopDocument): DesktopState | null {
  if (!doc || doc.version === 0) return null;
  return sanitize({
    version: 1,
    dashboards: (doc.dashboards ?? []).map((d) => ({ id: d.id, name: d.name, items: d.widgets ?? [] })),
    activeId: doc.active,
    known: doc.known ?? [],
  });
}

export function getDesktopDocument(signal?: AbortSignal): Promise<DesktopDocument> {
  return api<DesktopDocument>('/api/v1/me/desktop', { signal });
}

// Conditional on the version last read: 409 version_conflict when another device saved since.
export function putDesktopDocument(s: DesktopState, version: number): Promise<DesktopDocument> {
  return api<DesktopDocument>('/api/v1/me/desktop', { method: 'PUT', body: toDocument(s), headers: { 'if-match': `"${version}"` } });
}
