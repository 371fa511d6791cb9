/** Who issued a command and how it relates to others; becomes the metadata of its events. */
export interface CommandContext {
  /** The principal of the API key. Never taken from the request body. */
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** One id per command; derived from the Idempotency-Key when the client sends one. */
  readonly commandId: string;
  /** The revision the client expects the entity's stream to be at (If-Match), if it sent one. */
  readonly ifMatch: number | null;
}
