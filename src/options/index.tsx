import { render } from "preact";
import browser from "webextension-polyfill";
import { OptionsPage } from "./OptionsPage";
import { storageSettingsStore } from "./settings-store";
import { t, uiLanguage } from "../shared/i18n";

document.documentElement.lang = uiLanguage();
document.title = t("optionsTitle");

render(<OptionsPage store={storageSettingsStore(browser.storage)} />, document.getElementById("app")!);
