export function demoSettings(wsOrigin: string): {
  enabled: boolean;
  rules: {
    match: string;
    reconnect: { minDelayMs: number; maxDelayMs: number };
    heartbeat: { intervalMs: number; timeoutMs: number; message: string; reply: string; hideReplies: boolean };
  }[];
};
