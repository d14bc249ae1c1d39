/**
 * A two-way message channel between two contexts. Implementations: a MessagePort (page world <->
 * relay), a runtime port that reconnects (relay/panel <-> background), and an in-memory pair for tests.
 * Messages are untrusted on arrival: receivers run a guard from `protocol.ts` before acting.
 */
export interface Transport<In = unknown, Out = unknown> {
  post(message: Out): void;
  /** Subscribes; returns the unsubscribe function. */
  onMessage(listener: (message: In) => void): () => void;
  close(): void;
}
