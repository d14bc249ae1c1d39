// The one rule both demos protect the demo page with (`npm start` in Chromium, `npm run
// demo:firefox` in Firefox): short timings, so every fault of demo/server.mjs shows within seconds,
// and the heartbeat the demo server answers ("ping" -> "pong").
export function demoSettings(wsOrigin) {
  return {
    enabled: true,
    rules: [
      {
        match: `${wsOrigin}/*`,
        reconnect: { minDelayMs: 500, maxDelayMs: 5000 },
        heartbeat: { intervalMs: 3000, timeoutMs: 2000, message: "ping", reply: "pong", hideReplies: true },
      },
    ],
  };
}
