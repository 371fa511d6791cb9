import type { Evolving } from '../command-plan.js';
import { assertNever } from '../funding.types.js';
import type { DocumentEvent, ExpenditureDocument } from './expenditure.events.js';

/**
 * A document of expenditure as it is compared: in its programme, by issuer, number and date,
 * trimmed and in upper case ("FT 118/2026 " and "ft 118/2026" are one invoice).
 */
export function documentKey(
  programmeId: string,
  document: Pick<ExpenditureDocument, 'issuerTaxCode' | 'number' | 'date'>,
): string {
  const norm = (value: string) => value.trim().toUpperCase();
  return [programmeId, norm(document.issuerTaxCode), norm(document.number), norm(document.date)].join('|');
}

/**
 * The id of a document's stream: FNV-1a (64 bits) of its key's UTF-16 code units, in hex. A stream name must be short
 * and of a few characters, and a document number has any. Two keys that meet on one hash share a
 * stream: its events keep each key whole, and only an equal key refuses (see DocumentRegister).
 */
export function documentHash(key: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < key.length; i++) hash = BigInt.asUintN(64, (hash ^ BigInt(key.charCodeAt(i))) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

/** Who claimed a document: the claim and its grant, and the item. */
export type DocumentClaim = { readonly claimId: string; readonly grantId: string; readonly itemIndex: number };

/** A document stream: the documents claimed on it, by key (one, unless two keys share a hash). */
export type DocumentRegister = { readonly claimed: ReadonlyMap<string, DocumentClaim> };

export const DOCUMENT: Evolving<DocumentRegister, DocumentEvent> = {
  initialState: () => ({ claimed: new Map() }),
  evolve(state, event) {
    switch (event.type) {
      case 'ExpenditureDocumentClaimed': {
        const { key, claimId, grantId, itemIndex } = event.data;
        // The first claim holds the document; a later event for the same key is never written.
        return state.claimed.has(key)
          ? state
          : { claimed: new Map(state.claimed).set(key, { claimId, grantId, itemIndex }) };
      }
      default:
        return assertNever(event.type);
    }
  },
};
