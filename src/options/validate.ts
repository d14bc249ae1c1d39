/**
 * The options page's one call into the settings schema. The schema (src/shared/settings.ts) owns the
 * rules; this page only shows its errors and refuses to save while there are any.
 */
export { validateSettings } from "../shared/settings";
