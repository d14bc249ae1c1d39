// The page world (MAIN, document_start, every frame): hook WebSocket before any page script runs.
// A standalone classic script: crxjs's async loader would install the hook too late.
import { isInstalledAtStart } from "./disguise";
import { startPageWorldOrStandAside } from "./world";

// A same-origin parent may have hooked this frame already, the moment it touched it.
if (!isInstalledAtStart(window.Function.prototype)) startPageWorldOrStandAside(window);
