import { describeFrameRules } from "./frame-rules-cases";
import { chromiumRig } from "../testing/puppeteer-rigs";

describeFrameRules(chromiumRig());
