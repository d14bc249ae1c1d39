import puppeteer from "puppeteer-core";
import { firefoxPath, probeToken, DIST_FIREFOX } from "../e2e/harness";
import { LifeguardError } from "../../src/testing/errors";
import { lifeguardFirefoxLaunchOptions } from "../../src/testing/puppeteer";
import { describePuppeteer } from "./puppeteer-cases";

// No network but loopback on this machine: keep Firefox from trying.
const QUIET = {
  "app.update.enabled": false,
  "browser.shell.checkDefaultBrowser": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "extensions.update.enabled": false,
  "network.captive-portal-service.enabled": false,
};

describePuppeteer({
  name: "Firefox",
  probe: probeToken(DIST_FIREFOX),
  async launch() {
    const options = await lifeguardFirefoxLaunchOptions({ executablePath: firefoxPath() });
    return puppeteer.launch({ ...options, extraPrefsFirefox: { ...options.extraPrefsFirefox, ...QUIET } });
  },
  // Without the debugger server there is no way into the background: attachLifeguard says how to launch.
  bare: () => puppeteer.launch({ browser: "firefox", executablePath: firefoxPath(), headless: true, extraPrefsFirefox: QUIET }),
  bareError: LifeguardError,
});
