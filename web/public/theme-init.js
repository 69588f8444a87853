// Runs before the desktop's bundle: applies the saved theme (or the system's) to <html>
// so that the first paint already has the right colours. Kept in step with
// src/lib/theme.ts (same storage key and values).
(function () {
  var pref = 'system';
  try { pref = localStorage.getItem('krilin.theme') || 'system'; } catch (e) { /* private mode */ }
  var dark = pref === 'dark' || (pref !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
})();
