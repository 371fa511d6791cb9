import type { LogPosition } from './event-store.port.js';

export function sequencePosition(n: number | bigint): LogPosition {
  const value = BigInt(n);
  return { commit: value, prepare: value };
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * A position as text that sorts as the log does (fixed-width commit, then prepare): what the domain
 * and the read models compare when the order of arrival matters, without knowing positions' form.
 */
export function positionKey(position: LogPosition): string {
  return `${position.commit.toString().padStart(20, '0')}.${position.prepare.toString().padStart(20, '0')}`;
}

/** `42` where commit and prepare agree (the embedded store), `commit/prepare` otherwise. */
export function formatPosition(position: LogPosition): string {
  return position.commit === position.prepare ? String(position.commit) : `${position.commit}/${position.prepare}`;
}

/** The inverse of formatPosition; null for anything else. */
export function parsePosition(text: string): LogPosition | null {
  const match = /^(\d{1,20})(?:\/(\d{1,20}))?$/.exec(text.trim());
  if (!match?.[1]) return null;
  const commit = BigInt(match[1]);
  return { commit, prepare: match[2] ? BigInt(match[2]) : commit };
}
