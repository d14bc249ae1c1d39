import "./EmptyState.css";

export function EmptyState() {
  return (
    <div class="empty-state" data-testid="empty-state">
      <p>No WebSockets in this tab yet.</p>
      <p class="empty-state-hint">Sockets appear here when the page opens one, including ones opened before DevTools was.</p>
    </div>
  );
}
