/**
 * Consistency boundaries: each entity that owns money has a stream of its own
 * (see docs/adr/0002-consistency-boundaries.md). Stream names are `<category>-<id>`.
 */
export const STREAM_CATEGORIES = ['programme', 'call', 'bid', 'grant'] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

export const programmeStream = (programmeId: string): string => `programme-${programmeId}`;
export const callStream = (callId: string): string => `call-${callId}`;
export const bidStream = (bidId: string): string => `bid-${bidId}`;
export const grantStream = (grantId: string): string => `grant-${grantId}`;
