import { describeFrameRules } from "./frame-rules-cases";
import { firefoxRig } from "../testing/puppeteer-rigs";

describeFrameRules(firefoxRig());
