/**
 * The testing API's errors. Each names what went wrong and what to do about it, so a failing test's
 * first line is enough to fix it.
 */

export class LifeguardError extends Error {
  override name = "LifeguardError";
}

/** No Lifeguard service worker answered: the browser was started without the extension, or with an old build. */
export class LifeguardNotLoadedError extends LifeguardError {
  override name = "LifeguardNotLoadedError";
  constructor(detail = "") {
    super(
      `Lifeguard is not loaded in this browser${detail ? ` (${detail})` : ""}. Launch it with the built extension: ` +
        "chromium.launchPersistentContext(dir, lifeguardLaunchOptions()) (run `npm run build` first when working on Lifeguard itself).",
    );
  }
}

/** A command aimed at sockets found none to act on. */
export class NoSocketMatchesError extends LifeguardError {
  override name = "NoSocketMatchesError";
  constructor(
    readonly glob: string | undefined,
    /** URLs of the page's sockets that are still usable, for the message. */
    readonly seen: readonly string[],
    /** The command acts on protected sockets only (reconnectNow). */
    protectedOnly = false,
  ) {
    const kind = protectedOnly ? "protected WebSocket" : "WebSocket";
    const what = glob === undefined ? `no ${kind} of the page is open` : `no open ${kind} of the page matches ${JSON.stringify(glob)}`;
    const list = seen.length ? ` Open sockets: ${seen.slice(0, 10).join(", ")}${seen.length > 10 ? ", ..." : ""}.` : "";
    super(`${what}.${list} Wait for the socket first: await lg.waitFor(page, { url, state: "open" }); a glob's * matches any run of characters.`);
  }
}

/** The page (its tab) went away before or during the call. */
export class PageClosedError extends LifeguardError {
  override name = "PageClosedError";
  constructor() {
    super("The page is closed: its tab is gone. Call Lifeguard before page.close(), or on a page that is still open.");
  }
}

/** The page's tab cannot be told apart from another, or was not found. */
export class PageNotFoundError extends LifeguardError {
  override name = "PageNotFoundError";
  constructor(url: string, candidates: number) {
    super(
      candidates === 0
        ? `No tab shows ${JSON.stringify(url)} yet. Navigate the page first (await page.goto(url)); pages on about: or data: URLs cannot be found.`
        : `${candidates} tabs show ${JSON.stringify(url)} and none of them is the active one. Give each page a unique URL (a #fragment will do) before its first Lifeguard call.`,
    );
  }
}

/** The page world refused the fault, and said why (the socket closed, no connection up, not protected). */
export class FaultNotAppliedError extends LifeguardError {
  override name = "FaultNotAppliedError";
  constructor(
    readonly fault: string,
    readonly reasons: readonly string[],
  ) {
    super(`${fault} was not applied: ${reasons.join("; ")}. Wait for the socket to be open (lg.waitFor) before forcing a fault.`);
  }
}

/** A wait or a fault's confirmation took longer than allowed. */
export class WaitTimeoutError extends LifeguardError {
  override name = "WaitTimeoutError";
  constructor(what: string, timeoutMs: number, seen: string) {
    super(`Timed out after ${timeoutMs} ms waiting for ${what}. ${seen} Raise { timeoutMs } if the app is slow, or check the glob.`);
  }
}

/** Settings that Lifeguard would ignore. */
export class InvalidSettingsError extends LifeguardError {
  override name = "InvalidSettingsError";
  constructor(readonly errors: readonly string[]) {
    super(`These settings are not valid, Lifeguard would ignore them: ${errors.join("; ")}. See DESIGN.md "Settings" for the shape.`);
  }
}

/** A resilience scenario the check cannot run; `problems` name each field (e.g. "steps[1].observeMs must be ..."). */
export class InvalidScenarioError extends LifeguardError {
  override name = "InvalidScenarioError";
  constructor(readonly problems: readonly string[]) {
    super(`This scenario cannot run: ${problems.join("; ")}. See docs/resilience-report.md for a scenario's shape, or leave it out for the default.`);
  }
}

/** A mock that cannot be served: the recording is no HAR, or the spec is not one the extension would take. */
export class InvalidMockError extends LifeguardError {
  override name = "InvalidMockError";
  constructor(readonly problems: readonly string[]) {
    super(`This mock cannot be served: ${problems.join("; ")}. Pass a HAR file's text (saved from the Network panel, or exported by Lifeguard) or a MockSpec; see docs/testing-api.md "Mock a server".`);
  }
}

/** The HAR has no WebSocket to replay, or none whose URL fits `socketUrl`. */
export class NoWebSocketInHarError extends LifeguardError {
  override name = "NoWebSocketInHarError";
  constructor(
    readonly socketUrl: string | undefined,
    /** URLs of the HAR's WebSocket entries. */
    readonly urls: readonly string[],
  ) {
    super(
      urls.length === 0
        ? "This HAR has no WebSocket entry (no _webSocketMessages). Save it from the Network panel with the socket's row present (Chrome: Save all as HAR with content), or export it from Lifeguard's panel."
        : `No WebSocket of this HAR matches ${JSON.stringify(socketUrl)}. Its WebSockets: ${urls.slice(0, 10).join(", ")}${urls.length > 10 ? ", ..." : ""}.`,
    );
  }
}
