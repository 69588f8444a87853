import { createContext, useContext, type ComponentType } from 'react';

import type { WidgetSize } from './layout';

// How the desktop shows a widget: the component that renders the app output it names, by
// "<app>/<output>". The app shell provides the table (it knows every feature); outputs
// without a component get a generic view.
export type WidgetComponent = ComponentType<{ size: WidgetSize }>;
export type WidgetRegistry = Record<string, WidgetComponent>;

const Context = createContext<WidgetRegistry>({});

export const WidgetRegistryProvider = Context.Provider;

export function useWidgetComponent(app: string, output: string): WidgetComponent | undefined {
  return useContext(Context)[`${app}/${output}`];
}
