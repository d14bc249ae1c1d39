/**
 * Follows DevTools' theme. Inside DevTools the panel's `prefers-color-scheme` is the OS/browser scheme,
 * which may differ from DevTools' own light/dark setting: `devtools.panels.themeName` wins when known.
 * Opened as a tab, there is no devtools API and the CSS falls back to `prefers-color-scheme`.
 */

/** The part of `devtools.panels` the theme needs (Chrome has no onThemeChanged event; Firefox does). */
export interface ThemeSource {
  themeName?: string;
  onThemeChanged?: { addListener(listener: (themeName: string) => void): void };
}

export function applyTheme(root: HTMLElement, source: ThemeSource | undefined): void {
  const set = (name: string | undefined): void => {
    if (name === "dark") root.dataset.theme = "dark";
    // Chrome calls its light theme "default".
    else if (name === "light" || name === "default") root.dataset.theme = "light";
    else delete root.dataset.theme;
  };
  set(source?.themeName);
  source?.onThemeChanged?.addListener(set);
}
