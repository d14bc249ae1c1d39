/**
 * The endpoint of a socket URL: scheme, host, port and path. The query and the hash are left out: they
 * often carry a session id or a token (Engine.IO's `sid`, a signed URL), which changes from one
 * connection to the next to the same server and has no place in a report.
 */
export function endpointOf(url: string): string {
  try {
    const u = new URL(url);
    // `host` leaves out the default port (80 for ws:, 443 for wss:) and any user:password@.
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    // Not a URL the constructor would take: cut the same parts by hand.
    return url.split(/[?#]/, 1)[0] ?? "";
  }
}
