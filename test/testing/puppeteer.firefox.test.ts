import { describePuppeteer } from "./puppeteer-cases";
import { firefoxRig } from "./puppeteer-rigs";

describePuppeteer(firefoxRig());
