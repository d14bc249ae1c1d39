import "./VersionBanner.css";
import { t } from "../shared/i18n";

export interface VersionBannerProps {
  mismatch: { expected: number; got: unknown };
}

export function VersionBanner({ mismatch }: VersionBannerProps) {
  const got = typeof mismatch.got === "number" || typeof mismatch.got === "string" ? String(mismatch.got) : t("panelUnknown");
  return (
    <div class="version-banner" role="alert" data-testid="version-mismatch">
      {t("panelVersionMismatch", [got, String(mismatch.expected)])}
    </div>
  );
}
