import { describePuppeteer } from "./puppeteer-cases";
import { chromiumRig } from "./puppeteer-rigs";

describePuppeteer(chromiumRig());
