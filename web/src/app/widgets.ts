import { ScoreWidget } from '@/features/dashboard/components/score-widget';
import type { WidgetRegistry } from '@/features/desktop/widget-registry';
import { StreaksWidget } from '@/features/habits/components/streaks-widget';

// Which component shows which app output on the desktop ("<app>/<output>"). A new app with
// a widget adds its line here.
export const widgetRegistry: WidgetRegistry = {
  'habit-tracker/daily_streaks': StreaksWidget,
  'dashboard/productivity_score': ScoreWidget,
};
