import "./VersionBanner.css";

export interface VersionBannerProps {
  mismatch: { expected: number; got: unknown };
}

export function VersionBanner({ mismatch }: VersionBannerProps) {
  const got = typeof mismatch.got === "number" || typeof mismatch.got === "string" ? String(mismatch.got) : "unknown";
  return (
    <div class="version-banner" role="alert" data-testid="version-mismatch">
      Part of Lifeguard in this tab speaks protocol version {got}, this panel speaks {mismatch.expected}. Reload
      the page (and close and reopen DevTools) after updating the extension.
    </div>
  );
}
