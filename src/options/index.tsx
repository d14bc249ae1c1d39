import { render } from "preact";
import browser from "webextension-polyfill";
import { OptionsPage } from "./OptionsPage";
import { storageSettingsStore } from "./settings-store";

render(<OptionsPage store={storageSettingsStore(browser.storage)} />, document.getElementById("app")!);
