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

/**
 * Calls `onChange` whenever the colours may have changed: DevTools' theme (data-theme on the root,
 * set above) or the OS's scheme (which light-dark() follows when DevTools did not say). A canvas
 * keeps the colours it was drawn with, so what draws on one listens here. Returns the unsubscribe.
 */
export function watchTheme(doc: Document, onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  const scheme = doc.defaultView?.matchMedia?.("(prefers-color-scheme: dark)");
  scheme?.addEventListener("change", onChange);
  return () => {
    observer.disconnect();
    scheme?.removeEventListener("change", onChange);
  };
}
