export const PANEL_TITLE: string;
export function extensionIdForPath(dir: string): string;
export function extensionIdFor(input: string): string;
export function panelId(extensionId: string, title?: string): string;
export function devtoolsPreferences(extensionId: string): Record<string, string>;
export function withDevtoolsPreferences<P extends Record<string, unknown>>(
  preferences: P,
  extensionId: string,
): P & { devtools: { preferences: Record<string, string> } & Record<string, unknown> };
export function writeDevtoolsPreferences(profileDir: string, extensionId: string): void;
export function selectPanelInDevtools(
  context: import("playwright-core").BrowserContext,
  extensionId: string,
  timeoutMs?: number,
): Promise<boolean>;
