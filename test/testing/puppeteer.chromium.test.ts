import puppeteer from "puppeteer-core";
import { chromiumPath, probeToken, DIST_CHROME } from "../e2e/harness";
import { LifeguardNotLoadedError } from "../../src/testing/errors";
import { lifeguardLaunchOptions } from "../../src/testing/puppeteer";
import { describePuppeteer } from "./puppeteer-cases";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

describePuppeteer({
  name: "Chromium",
  probe: probeToken(DIST_CHROME),
  launch: () => puppeteer.launch(lifeguardLaunchOptions({ executablePath: chromiumPath(), args: CHROMIUM_ARGS })),
  // No extension at all: no service worker has the hook.
  bare: () => puppeteer.launch({ browser: "chrome", executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS }),
  bareError: LifeguardNotLoadedError,
});
