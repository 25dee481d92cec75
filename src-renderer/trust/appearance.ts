// Theme: a choice of this browser (like Less motion), applied to the page's root; the OS's
// light or dark setting when the user chose none. Nothing here leaves the page.
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'aether.theme';

export function storedTheme(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme = storedTheme()): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function setTheme(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // A page without storage keeps the theme until it reloads.
  }
  applyTheme(theme);
}
