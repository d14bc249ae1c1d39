/**
 * Which sockets a resilience check breaks, read from the model at the moment of each step: the page
 * replaces sockets (its own reconnect, or a reload between the runs of a comparison), so a check of one
 * socket follows its logical connection, as measure.ts does: the same endpoint in the same frame.
 */
import type { FaultTarget, SocketId } from "../shared/protocol";
import { endpointOf } from "../shared/resilience/endpoint";
import type { CheckTarget } from "../shared/resilience/types";
import type { PanelModel, SocketView } from "./model";

/** What the user chose: every socket of the tab, or one logical connection (given by one of its sockets). */
export type CheckScope = { tab: true } | { endpoint: string; frameUrl: string; socket: SocketId };

export function scopeOf(view: SocketView | null): CheckScope {
  if (view === null) return { tab: true };
  return { endpoint: endpointOf(view.url), frameUrl: view.frameUrl, socket: view.id };
}

const isLive = (view: SocketView): boolean => view.origin === "live" && view.state !== "closed";

function inScope(view: SocketView, scope: CheckScope): boolean {
  if ("tab" in scope) return true;
  return view.frameUrl === scope.frameUrl && endpointOf(view.url) === scope.endpoint;
}

/** The page's sockets of the scope, oldest first (closed ones too). */
function socketsOf(model: PanelModel, scope: CheckScope): SocketView[] {
  const out: SocketView[] = [];
  for (const view of model.sockets.values()) if (view.origin === "live" && inScope(view, scope)) out.push(view);
  return out;
}

/**
 * The sockets to break now: every live socket of the tab, or the live socket of the logical connection
 * (its newest, if the page holds more than one to the same endpoint).
 */
export function liveTargets(model: PanelModel, scope: CheckScope): FaultTarget[] {
  const live = socketsOf(model, scope).filter(isLive);
  if ("tab" in scope) return live.map((v) => ({ socket: v.id }));
  const current = live.find((v) => v.id === scope.socket) ?? live.at(-1);
  return current ? [{ socket: current.id }] : [];
}

/** Open sockets of the scope that are not among `old` (a reload's new document has new ids). */
export function openSockets(model: PanelModel, scope: CheckScope, old: ReadonlySet<SocketId> = new Set()): SocketView[] {
  return socketsOf(model, scope).filter((v) => v.state === "open" && !old.has(v.id));
}

/** Every socket id of the page now: what a reload leaves behind. */
export function socketIds(model: PanelModel): Set<SocketId> {
  return new Set([...model.sockets.values()].filter((v) => v.origin === "live").map((v) => v.id));
}

/** The report's target: the tab, or the connection's current socket (measure follows its endpoint). */
export function checkTargetOf(model: PanelModel, scope: CheckScope): CheckTarget {
  if ("tab" in scope) return { tab: true };
  const [current] = liveTargets(model, scope);
  return current && "socket" in current ? { socket: current.socket } : { socket: socketsOf(model, scope).at(-1)?.id ?? scope.socket };
}

/** URLs of the scope's sockets, each once: what a comparison pauses and protects rules for. */
export function urlsOf(model: PanelModel, scope: CheckScope): string[] {
  return [...new Set(socketsOf(model, scope).filter(isLive).map((v) => v.url))];
}

/**
 * How the check's sockets were protected as it began, from what the page world said of them: a rule's
 * match when one protects any of them, else unprotected.
 */
export function protectionOf(model: PanelModel, scope: CheckScope): { protected: false } | { protected: true; rule: string } {
  for (const view of socketsOf(model, scope)) if (isLive(view) && view.protected) return { protected: true, rule: view.rule ?? "" };
  return { protected: false };
}
