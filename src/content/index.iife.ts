import browser from "webextension-polyfill";
import { acceptPort } from "../shared/page-channel";
import { CONTENT_PORT } from "../shared/protocol";
import { startRelay } from "./relay";

startRelay({
  acceptPort: (onPort) => acceptPort(window, onPort),
  connect: () => browser.runtime.connect({ name: CONTENT_PORT }),
});
