import "./PauseBanner.css";

export function PauseBanner({ onResume }: { onResume(): void }) {
  return (
    <div class="pause-banner" role="status" data-testid="paused-banner">
      Recording paused: new frames and events are not shown. The page keeps recording; resuming brings what its
      buffer still holds.{" "}
      <button type="button" onClick={onResume}>
        Resume
      </button>
    </div>
  );
}
