/** How the Puppeteer tests launch each browser for Lifeguard, and without it. */
import puppeteer from "puppeteer-core";
import { chromiumPath, firefoxPath, probeToken, DIST_CHROME, DIST_FIREFOX } from "../e2e/harness";
import { LifeguardError, LifeguardNotLoadedError } from "../../src/testing/errors";
import { lifeguardFirefoxLaunchOptions, lifeguardLaunchOptions } from "../../src/testing/puppeteer";
import type { PuppeteerRig } from "./puppeteer-cases";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

// No network but loopback on this machine: keep Firefox from trying.
const QUIET = {
  "app.update.enabled": false,
  "browser.shell.checkDefaultBrowser": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "extensions.update.enabled": false,
  "network.captive-portal-service.enabled": false,
};

export const chromiumRig = (): PuppeteerRig => ({
  name: "Chromium",
  probe: probeToken(DIST_CHROME),
  launch: () => puppeteer.launch(lifeguardLaunchOptions({ executablePath: chromiumPath(), args: CHROMIUM_ARGS })),
  // No extension at all: no service worker has the hook.
  bare: () => puppeteer.launch({ browser: "chrome", executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS }),
  bareError: LifeguardNotLoadedError,
});

export const firefoxRig = (): PuppeteerRig => ({
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
