/**
 * Rule edits behind "Protect this site", "Pause protection", "Resume protection", "Delete rule" and a
 * ping message saved from the panel (the panel and the popup), and the options page's "which rule wins"
 * box. Pure: settings in, settings out; nothing is saved here, so Undo is saving the settings of before.
 *
 * They use the same matching as the page world (`globError` + `matchGlob`, first rule wins), so what
 * these say about a URL is what the page world will do with a socket of that URL.
 */
import { globError, matchGlob, type Rule, type Settings } from "./settings";

/** `*` runs collapse, as `findRule` collapses them before matching. */
const normalGlob = (glob: string): string => glob.replace(/\*+/g, "*");

/** Whether `rule` is one the page world can use and it fits `url` (the page world's test, exactly). */
function fits(rule: Rule, url: string): boolean {
  return globError(rule.match) === null && matchGlob(normalGlob(rule.match), url);
}

/**
 * The origin part of a socket URL as a glob prefix: `ws://host:port` or `wss://host` (URL parsing
 * drops a default port, as the browser does for the socket's own `url`). Throws on a URL that is not
 * ws: or wss:.
 */
function socketOrigin(socketUrl: string): string {
  const url = new URL(socketUrl);
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new Error(`not a WebSocket URL (ws: or wss:): ${socketUrl}`);
  }
  return `${url.protocol}//${url.host}`;
}

/**
 * A rule that protects every socket of `socketUrl`'s origin: `ws://host:port/*`, `wss://host/*`.
 * It carries only `match`, so every section takes `RULE_DEFAULTS` (a later change of a default
 * applies to it too). Throws when `socketUrl` is not a ws:/wss: URL.
 */
export function originRule(socketUrl: string): Rule {
  return { match: `${socketOrigin(socketUrl)}/*` };
}

/**
 * The socket URL of a page's own origin (`https://a.test/x` -> `wss://a.test/`), which is what the
 * popup means by "this site"; null for pages that are not http(s) (chrome://, about:, file:...).
 */
export function siteSocketUrl(pageUrl: string | undefined): string | null {
  if (!pageUrl) return null;
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    return null;
  }
  if (url.protocol === "https:") return `wss://${url.host}/`;
  if (url.protocol === "http:") return `ws://${url.host}/`;
  return null;
}

const paused = (rule: Rule): boolean => rule.enabled === false;

/** The rule without `enabled`: absent means on, so a resumed rule reads as it did before its pause. */
function unpaused(rule: Rule): Rule {
  const { enabled: _enabled, ...rest } = rule;
  return rest;
}

/** `settings` with `change` applied to every rule `pick` selects; the same object when none is. */
function mapRules(settings: Settings, pick: (rule: Rule) => boolean, change: (rule: Rule) => Rule): Settings {
  if (!settings.rules.some(pick)) return settings;
  return { ...settings, rules: settings.rules.map((r) => (pick(r) ? change(r) : r)) };
}

/**
 * `settings` with `originRule(socketUrl)` added first, so it wins over broader rules for this origin.
 * When a rule with an equivalent `match` (the same glob, `**` counted as `*`) is already there,
 * wherever it stands, that one is kept (resumed if it was paused: its tuning is the user's) and the
 * result is the same object if it was on. Does not touch `enabled` of the settings: the global switch
 * is its own.
 */
export function protectOrigin(settings: Settings, socketUrl: string): Settings {
  const rule = originRule(socketUrl);
  const same = (r: Rule): boolean => normalGlob(r.match) === rule.match;
  if (settings.rules.some(same)) return mapRules(settings, (r) => same(r) && paused(r), unpaused);
  return { ...settings, rules: [rule, ...settings.rules] };
}

/**
 * `settings` without any rule that matches `socketUrl`, paused ones included, so that the socket ends
 * up unprotected and no Resume brings it back ("Delete rule"). Broader rules are removed too (a
 * `wss://*` rule matching it goes as well: while any matching rule stays, the socket stays
 * protected). A caller that wants to warn before that lists them first with `rulesMatching`.
 * Unchanged (the same object) when no rule matches.
 */
export function deleteFor(settings: Settings, socketUrl: string): Settings {
  const rules = settings.rules.filter((r) => !fits(r, socketUrl));
  return rules.length === settings.rules.length ? settings : { ...settings, rules };
}

/**
 * `settings` with every rule that protects `socketUrl` paused (`enabled: false`), tuning kept, so that
 * no rule protects it ("Pause protection for this site"). Unchanged (the same object) when none does.
 */
export function pauseFor(settings: Settings, socketUrl: string): Settings {
  return mapRules(settings, (r) => !paused(r) && fits(r, socketUrl), (r) => ({ ...r, enabled: false }));
}

/**
 * `settings` with every paused rule that matches `socketUrl` on again (`enabled` dropped): what
 * `pauseFor` paused. Unchanged (the same object) when none is paused.
 */
export function resumeFor(settings: Settings, socketUrl: string): Settings {
  return mapRules(settings, (r) => paused(r) && fits(r, socketUrl), unpaused);
}

/**
 * `settings` with the rule that protects `socketUrl` sending `message` as its heartbeat (the rest of
 * its heartbeat kept): what the panel offers when `auto` found no protocol to ping with. Throws when no
 * rule protects it (there is nothing to write into).
 */
export function setPingMessage(settings: Settings, socketUrl: string, message: string): Settings {
  const found = ruleFor(settings, socketUrl);
  if (!found) throw new Error(`no rule protects ${socketUrl}`);
  const rules = settings.rules.slice();
  rules[found.index] = { ...found.rule, heartbeat: { ...found.rule.heartbeat, message } };
  return { ...settings, rules };
}

/**
 * Whether `rule` holds more than its pattern (heartbeat, reconnect... settings the user tuned): such a
 * rule is paused rather than deleted by default, and its deletion is confirmed.
 */
export function isTuned(rule: Rule): boolean {
  return Object.keys(rule).some((k) => k !== "match" && k !== "enabled");
}

/** Every paused rule that matches `url`, in order, with its index: the rules `resumeFor` would resume. */
export function pausedMatching(settings: Settings, url: string): { index: number; rule: Rule }[] {
  return rulesMatching(settings, url).filter((m) => paused(m.rule));
}

/** Every rule that matches `url`, paused or not, in order, with its index: the rules `deleteFor` would remove. */
export function rulesMatching(settings: Settings, url: string): { index: number; rule: Rule }[] {
  const out: { index: number; rule: Rule }[] = [];
  settings.rules.forEach((rule, index) => {
    if (fits(rule, url)) out.push({ index, rule });
  });
  return out;
}

/** The rule that protects `url` (the first that matches and is not paused, as `findRule`), with its index; null when none does. */
export function ruleFor(settings: Settings, url: string): { index: number; rule: Rule } | null {
  const index = settings.rules.findIndex((r) => !paused(r) && fits(r, url));
  return index < 0 ? null : { index, rule: settings.rules[index]! };
}
