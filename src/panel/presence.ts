/**
 * Whether Lifeguard records the inspected tab's top document, asked of the relay there (protocol.ts,
 * PRESENCE_QUERY): the panel tells "no sockets yet" apart from "this page was loaded before Lifeguard
 * was installed (or while it was off): reload it", instead of showing the first as the second.
 */
import { PRESENCE_QUERY, isPresenceAnswer } from "../shared/protocol";

/** `recording`: the page world is in; `off`: the relay is, but the page loaded while Lifeguard was off; `absent`: no relay at all. */
export type Presence = "recording" | "off" | "absent" | "unknown";

export interface TabsLike {
  sendMessage(tabId: number, message: unknown, options: { frameId: number }): Promise<unknown>;
}

/** Asks the background to ask the tab (for a panel without the tabs API). */
export type AskBackground = (message: unknown) => Promise<unknown>;

export async function probePresence(tabs: TabsLike | undefined, tabId: number, background?: AskBackground): Promise<Presence> {
  if (!tabs?.sendMessage && !background) return "unknown";
  try {
    const answer = tabs?.sendMessage ? await tabs.sendMessage(tabId, PRESENCE_QUERY, { frameId: 0 }) : await background!({ ...PRESENCE_QUERY, tabId });
    if (!isPresenceAnswer(answer)) return "absent";
    return answer.pageWorld ? "recording" : "off";
  } catch {
    // "Receiving end does not exist": no content script in the top frame.
    return "absent";
  }
}
