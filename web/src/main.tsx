import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app/app';
import { restoreSession } from './lib/session';
import { applyTheme, watchTheme } from './lib/theme';
import './styles/index.css';

applyTheme();
watchTheme();
// Continue the session of the refresh cookie, if there is one, while the first screen loads.
void restoreSession();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
