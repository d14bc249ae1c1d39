/**
 * Protection in the page world: for each socket URL the page opens, the relay answers with the one
 * rule that matches it (the page world never holds the rules of other sites); each socket whose URL
 * has a rule gets a `ResilientConnection` (src/core/) as its engine, and the engine speaks to the
 * page through synthetic events on the page's own object. A socket opened before its URL's answer
 * arrives (the first to a URL, a millisecond or so) starts unprotected and becomes protected then, as
 * one opened before settings arrive always did; a settings change asks again for every live socket.
 */
import { ResilientConnection, type PageEvent } from "../core/connection";
import type { ResolvedRule } from "../shared/settings";
import { FrameRuling } from "./frame-ruling";
import { apply, NO_ARGS, getter, type Natives } from "./natives";
import type { PageSocket } from "./page-socket";
import type { Recorder } from "./recorder";

const CLOSED = 3;

/** The DOMException a browser throws for `send()` on a CONNECTING socket, for the cases the engine must make up. */
function invalidStateError(n: Natives): Error {
  const gecko = "mozInnerScreenX" in n.win;
  const message = gecko
    ? "An attempt was made to use an object that is not, or is no longer, usable"
    : "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.";
  return new n.win.DOMException(message, "InvalidStateError");
}

/** Engine events become events on the page's own socket object, made in that socket's realm (recorded at the wire already). */
function pageSink(socket: PageSocket): { dispatch(ev: PageEvent): void } {
  const n = socket.n;
  const dispatch = (ev: Event): void => void apply(n.dispatchEvent, socket.ws, [ev]);
  return {
    dispatch(ev) {
      switch (ev.type) {
        case "open":
        case "error":
          return dispatch(new n.Event(ev.type));
        case "message":
          return dispatch(new n.MessageEvent("message", { data: ev.data, origin: ev.origin }));
        case "close":
          return dispatch(new n.CloseEvent("close", { code: ev.code, reason: ev.reason, wasClean: ev.wasClean }));
        case "reconnecting":
        case "reconnected":
          return dispatch(new n.CustomEvent(ev.type, { detail: ev.detail }));
      }
    },
  };
}

export class Protection {
  /** Lifeguard on (the relay's `config`; on until it says otherwise). */
  private enabled = true;
  /** The relay's answers, by socket URL: the rule, or null for none. */
  private readonly rules = new Map<string, ResolvedRule | null>();
  /** The frame rules of the same answers, compiled once per URL and shared by its sockets. */
  private readonly frameRules = new Map<string, FrameRuling | null>();
  /** URLs asked about and not yet answered. */
  private readonly asked = new Set<string>();
  private configured = false;
  private readonly live = new Set<PageSocket>();
  private readonly connections = new WeakMap<PageSocket, ResilientConnection>();

  constructor(
    private readonly recorder: Recorder,
    private readonly n: Natives,
    /** Asks the relay for the rule of a socket URL; the answer comes to `setRule`. */
    private readonly ask: (url: string) => void,
  ) {
    // Probes: a browser that comes back online, a tab that becomes visible or resumes.
    const on = (target: EventTarget, type: string, ev: "online" | "offline" | "visible" | "resume", when?: () => boolean) =>
      apply(n.addEventListener, target, [type, () => (!when || when()) && this.environment(ev)]);
    on(n.win, "online", "online");
    on(n.win, "offline", "offline");
    on(n.win, "pageshow", "resume");
    on(n.win.document, "resume", "resume");
    const hidden = getter<Document>(n.win.Document.prototype, "hidden");
    on(n.win.document, "visibilitychange", "visible", () => !apply(hidden, n.win.document, NO_ARGS));
  }

  /**
   * The settings changed (or first arrived): every answer may be stale, so each live socket's URL is
   * asked again; until its answer comes, a socket keeps what it had.
   */
  configure(enabled: boolean): void {
    this.enabled = enabled;
    // The first config comes before the relay answers any question: nothing is stale yet.
    if (!this.configured) {
      this.configured = true;
      if (!enabled) for (const socket of this.live) this.reconsider(socket);
      return;
    }
    this.rules.clear();
    this.frameRules.clear();
    this.asked.clear();
    for (const socket of this.live) {
      if (!enabled) this.reconsider(socket);
      else this.askFor(socket.url);
    }
  }

  /**
   * The relay's answer for `url` (validated and resolved there, over the private channel): its
   * protection rule, and the frame rules whose `match` fits it.
   */
  setRule(url: string, rule: ResolvedRule | null, frameRules?: unknown[]): void {
    this.asked.delete(url);
    this.rules.set(url, rule);
    this.frameRules.set(url, FrameRuling.of(frameRules));
    for (const socket of this.live) {
      if (socket.url !== url) continue;
      try {
        this.reconsider(socket);
      } catch {
        // A rule this code cannot use leaves the socket as it is.
      }
    }
  }

  track(socket: PageSocket): void {
    this.live.add(socket);
    if (this.rules.has(socket.url)) this.reconsider(socket);
    else if (this.enabled) this.askFor(socket.url);
  }

  private askFor(url: string): void {
    if (this.asked.has(url)) return;
    this.asked.add(url);
    this.ask(url);
  }

  private reconsider(socket: PageSocket): void {
    const conn = this.connections.get(socket);
    if (!conn && apply(this.n.readyState, socket.ws, NO_ARGS) === CLOSED) {
      this.live.delete(socket);
      return;
    }
    if (conn && conn.state === "closed") {
      conn.dispose();
      this.live.delete(socket);
      return;
    }
    // Not yet answered: as it was (unprotected, or the last rule it had until the new answer).
    if (this.enabled && !this.rules.has(socket.url)) return;
    const frameRules = this.enabled ? (this.frameRules.get(socket.url) ?? null) : null;
    // The same rules again (another setting changed) keep what the socket had: a "forward all" holds.
    if (socket.frameRules?.key !== frameRules?.key) socket.setFrameRules(frameRules);
    const rule = this.enabled ? (this.rules.get(socket.url) ?? null) : null;
    if (conn) {
      conn.updateRule(rule);
      this.recorder.setProtected(socket.id, rule !== null, rule ? { rule: rule.match, ...conn.strategyChoice } : {});
      return;
    }
    if (!rule) return;
    const n = socket.n;
    const negotiated = apply(n.protocol, socket.ws, NO_ARGS) as string;
    const created = new ResilientConnection({
      socketId: socket.id,
      url: socket.url,
      protocols: socket.protocols.length ? socket.protocols : negotiated ? [negotiated] : [],
      initial: socket.wire,
      rule,
      createSocket: (url, protocols) => socket.dial(url, protocols),
      clock: { now: n.now, setTimeout: (fn, ms) => n.setTimeout(fn, ms), clearTimeout: (h) => n.clearTimeout(h as number) },
      random: n.random,
      sink: pageSink(socket),
      recorder: {
        record: (event) => this.recorder.record(event),
        // A frame queued during an outage: recorded now as queued, and at the wire when it really goes.
        queued: (data, from) => socket.recordFrame(true, data, from, "queued"),
        discarded: (data, from) => socket.recordFrame(true, data, from, "dropped"),
      },
      invalidStateError: () => invalidStateError(n),
      // Only called once the page's own socket is no longer the live one: after validation, close()
      // on a closing or closed socket does nothing.
      validateClose: (...args) => void apply(n.close, socket.ws, args),
      binaryType: () => apply(n.binaryType, socket.ws, NO_ARGS),
    });
    this.connections.set(socket, created);
    socket.conn = created;
    this.recorder.setProtected(socket.id, true, { rule: rule.match, ...created.strategyChoice });
  }

  /** A socket the page can no longer use is forgotten (only unprotected ones get here). */
  closed(socket: PageSocket): void {
    if (!this.connections.has(socket)) this.live.delete(socket);
  }

  /** One socket's engine hears of an environment change (a fault from the panel, or "reconnect now"). */
  environmentOf(socket: PageSocket, ev: "online" | "offline" | "visible"): void {
    this.connections.get(socket)?.environment(ev);
  }

  private environment(ev: "online" | "offline" | "visible" | "resume"): void {
    for (const socket of this.live) {
      const conn = this.connections.get(socket);
      if (!conn) continue;
      if (conn.state === "closed") {
        conn.dispose();
        this.live.delete(socket);
        continue;
      }
      conn.environment(ev);
    }
  }
}
