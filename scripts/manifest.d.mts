export type Target = "chrome" | "firefox";
export function manifestFor(target: Target): Record<string, unknown>;
