/**
 * Frame rules and mocks: the data (DESIGN.md, "Settings", `frameRules`). Rules are data, never code:
 * no `eval`, no `Function`; a regex is a string, length-limited, and only run on frames up to
 * `FRAME_RULE_LIMITS.regexBytes`. Types only (the page world imports them): the matcher and templates
 * are in frame-rules.ts, validation in frame-rules-validate.ts, mocks in mock-*.ts.
 */

/** Any value JSON can hold: what `equals` compares with. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type FrameDirection = "in" | "out" | "both";
export type FrameRuleAction = "drop" | "replace" | "respond" | "delay" | "pause";
export const FRAME_RULE_ACTIONS: readonly FrameRuleAction[] = ["drop", "replace", "respond", "delay", "pause"];

/** Every field given must hold (and); none given: every frame of the direction. */
export interface FrameMatcher {
  /** A text frame contains this string. */
  text?: string;
  /** A text frame of at most `regexBytes` matches this regular expression (no flags). */
  regex?: string;
  /** A text frame of at most `matchBytes` is JSON with a value at this path (`$.a.b`, `$.items[0]`)… */
  path?: string;
  /** …equal to this one (deep, JSON semantics). Without `path`, ignored (validation rejects it). */
  equals?: JsonValue;
  /** A binary frame (ArrayBuffer or view; never a Blob, whose bytes are not at hand) starts with these bytes, hex. */
  hexPrefix?: string;
}

export interface FrameRule {
  /** Glob over the socket URL, as a protection rule's `match` (* = any run of characters). */
  match: string;
  direction: FrameDirection;
  when?: FrameMatcher;
  action: FrameRuleAction;
  /**
   * replace: the new payload; respond: the reply the page receives. A template: `{{$.path}}` is the
   * value at that path in the matched frame (as JSON: a number stays a number, a string is quoted;
   * `null` when absent or the frame is not JSON). The result is a text frame.
   */
  with?: string;
  /** delay: how long the frame is held (ms), order kept in its direction. */
  delayMs?: number;
  /** pause: after this long unanswered, the frame goes on as it was (ms). Default `FRAME_RULE_LIMITS.pauseTimeoutMs`. */
  pauseTimeoutMs?: number;
  /** respond only: whether the page's frame still goes on to the server (default true). */
  forward?: boolean;
  /** false: kept in the settings but not applied (default true). */
  enabled?: boolean;
}

/** A rule as a page world gets it for one socket URL: enabled, matching, with its place in `frameRules`. */
export interface ActiveFrameRule extends FrameRule {
  /** Its index in the settings' `frameRules`: what a record's `rule` names. */
  index: number;
}

export const FRAME_RULE_LIMITS = {
  /** Rules in the settings. */
  rules: 200,
  /** Characters of a regex source. */
  regexChars: 256,
  /** text / path matchers look only at text frames up to this size (UTF-16 code units). */
  matchBytes: 65_536,
  /**
   * A regex runs only on text frames up to this size: even a regex the validator accepts can take time
   * that grows with the square of the frame's length (`a+b` over 64 Ki of "a" took 2 s here, `(a|b)+c`
   * 9 s); at 4 Ki the worst seen was 35 ms. A larger frame never matches a rule with a regex.
   */
  regexBytes: 4_096,
  /** Characters of `with`, `text`, `hexPrefix`, `match`. */
  stringChars: 65_536,
  delayMsMax: 600_000,
  pauseTimeoutMs: 30_000,
  pauseTimeoutMsMax: 3_600_000,
  /** Frames one page socket may hold paused at once; past it, a matching frame goes on unpaused. */
  pausedPerSocket: 1_000,
} as const;

// --- Mocks -------------------------------------------------------------------------------------------

/** One recorded frame of a conversation a mock replays. */
export interface MockFrame {
  dir: "in" | "out";
  /** Milliseconds from the socket's open. */
  t: number;
  opcode: "text" | "binary";
  /** Text, or for binary the bytes as base64. */
  data: string;
}

/**
 * Serve sockets whose URL matches with no server: the page's socket opens, and the recorded inbound
 * frames are replayed in answer to the page's outbound frames.
 */
export interface MockSpec {
  match: string;
  /** The subprotocol the socket reports as negotiated ("" when none). */
  protocol: string;
  frames: MockFrame[];
  /**
   * `order`: the page's n-th outbound frame releases the inbound frames recorded after the recording's
   * n-th outbound frame (and before its next); inbound frames before the first outbound go on open.
   * `path`: a page frame releases the recorded inbound frames whose value at `path` equals the page
   * frame's (replies to that id), in recorded order; inbound frames with no value there go by order.
   */
  replay: { by: "order" } | { by: "path"; path: string };
  /** `recorded`: inbound frames keep their recorded gaps; `fast`: as soon as possible, order kept. */
  timing: "recorded" | "fast";
  /** Where it came from (a HAR file's name), for display. */
  source?: string;
}

export const MOCK_LIMITS = {
  mocks: 20,
  framesPerMock: 10_000,
  /** Characters of all `data` of one mock. */
  charsPerMock: 8 << 20,
} as const;

/** The storage.local key of the mocks in force (validated like settings). */
export const MOCKS_KEY = "mocks";
