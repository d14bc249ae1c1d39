import { useMemo, useState } from "preact/hooks";
import { sampleVerdict } from "./sample-frames";
import "./SampleFrames.css";
import { t } from "../shared/i18n";

export interface SampleFramesProps {
  /** The rule of the draft, as typed. */
  rule: Record<string, unknown>;
}

/** Per rule: paste a frame each way and see what delivery and resume would read from them. */
export function SampleFrames({ rule }: SampleFramesProps) {
  const [outbound, setOutbound] = useState("");
  const [inbound, setInbound] = useState("");
  const [url, setUrl] = useState("");
  const lines = useMemo(() => sampleVerdict(rule, { outbound, inbound, url }), [rule, outbound, inbound, url]);
  return (
    <fieldset class="rule-section sample-frames" data-testid="sample-box">
      <legend>{t("optionsSampleTitle")}</legend>
      <div class="sample-inputs">
        <label class="field">
          <span class="field-label">{t("optionsSampleOutbound")}</span>
          <textarea
            class="field-input sample-frame"
            rows={3}
            spellcheck={false}
            data-testid="sample-outbound"
            placeholder='{"id":"m1","text":"hi"}'
            value={outbound}
            onInput={(e) => setOutbound(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field-label">{t("optionsSampleInbound")}</span>
          <textarea
            class="field-input sample-frame"
            rows={3}
            spellcheck={false}
            data-testid="sample-inbound"
            placeholder='{"type":"ack","id":"m1","seq":41}'
            value={inbound}
            onInput={(e) => setInbound(e.currentTarget.value)}
          />
        </label>
        <label class="field field-wide">
          <span class="field-label">{t("optionsSampleUrl")}</span>
          <input
            type="text"
            class="field-input"
            spellcheck={false}
            data-testid="sample-url"
            placeholder="wss://chat.example.com/socket"
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
      </div>
      <ul class="sample-result" data-testid="sample-result" aria-live="polite">
        {lines.length === 0 ? (
          <li class="sample-line sample-info">{t("optionsSampleEmpty")}</li>
        ) : (
          lines.map((line, i) => (
            <li key={i} class={`sample-line sample-${line.tone}`} data-testid={`sample-${line.kind}`} data-tone={line.tone}>
              {line.text}
            </li>
          ))
        )}
      </ul>
    </fieldset>
  );
}
