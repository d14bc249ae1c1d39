/**
 * The popup's strings live in public/_locales/<locale>/messages.json and are read with
 * `i18n.getMessage`; tests hand in a translator over the English file.
 */
export const POPUP_MESSAGES = [
  "popupSockets",
  "popupSocketsDetail",
  "popupNoLifeguard",
  "popupSite",
  "popupNotWebPage",
  "popupProtectedBy",
  "popupNotProtected",
  "popupProtect",
  "popupUnprotect",
  "popupUnprotectAlso",
  "popupEnabled",
  "popupDisabledNote",
  "popupOpenSettings",
  "popupSaveFailed",
] as const;

export type MessageKey = (typeof POPUP_MESSAGES)[number];

export type Translate = (key: MessageKey, substitutions?: string[]) => string;
