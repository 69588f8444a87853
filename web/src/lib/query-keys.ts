// Every TanStack Query key of the desktop, in one place, so that a mutation in one feature
// can invalidate what another shows without importing it — and so that live updates
// (events over /ws, lib/live-queries.ts) map an app's stream events onto these keys.
export const queryKeys = {
  me: ['me'] as const,
  sessions: ['auth', 'sessions'] as const,
  apps: {
    all: ['apps'] as const,
    list: () => ['apps', 'list'] as const,
    detail: (id: string) => ['apps', 'detail', id] as const,
    plan: (id: string, accept: readonly string[]) => ['apps', 'plan', id, [...accept].sort()] as const,
  },
  // Everything read from one app (its actions, queries and outputs): invalidate(app(id))
  // after anything changed in that app.
  app: (id: string) => ['app', id] as const,
  appAction: (id: string, action: string, params: unknown = {}) => ['app', id, 'action', action, params] as const,
  appQuery: (id: string, table: string, where: unknown) => ['app', id, 'query', table, where] as const,
  // Outputs are read across apps (the Dashboard reads Habit Tracker), so a change in any
  // app invalidates outputs.all.
  outputs: {
    all: ['outputs'] as const,
    one: (id: string, output: string) => ['outputs', id, output] as const,
  },
  grants: ['grants'] as const,
  audit: (app: string | null) => ['audit', app ?? 'all'] as const,
  auditAll: ['audit'] as const,
  notifications: {
    all: ['notifications'] as const,
    list: (unread: boolean) => ['notifications', 'list', unread] as const,
    mutes: ['notifications', 'mutes'] as const,
  },
  desktop: ['desktop'] as const,
  usage: ['usage'] as const,
  agent: {
    all: (app: string) => ['agent', app] as const,
    conversations: (app: string) => ['agent', app, 'conversations'] as const,
    conversation: (app: string, id: string) => ['agent', app, 'conversation', id] as const,
  },
  scoreTrend: (days: number) => ['app', 'dashboard', 'score-trend', days] as const,
};
