/**
 * What a query string asks for (docs/design.md, "Query semantics"). Pure functions.
 */
import { fold } from '../../snapshot/fold.ts';

/** Match tiers, best first. Typo hits (tier 6) follow the ranked ones and are not counted. */
export const TIER = { EXACT_LABEL: 1, EXACT_SYNONYM: 2, LABEL_PREFIX: 3, SYNONYM_PREFIX: 4, STABLE_ID: 5, TYPO: 6 } as const;
export type Tier = (typeof TIER)[keyof typeof TIER];

export type MatchKind = 'label' | 'synonym' | 'stable_id' | 'typo';

export function matchKind(tier: Tier): MatchKind {
  if (tier === TIER.EXACT_LABEL || tier === TIER.LABEL_PREFIX) return 'label';
  if (tier === TIER.EXACT_SYNONYM || tier === TIER.SYNONYM_PREFIX) return 'synonym';
  return tier === TIER.STABLE_ID ? 'stable_id' : 'typo';
}

/** Exact synonyms rank as exact from this many characters; shorter ones are typing in progress. */
export const EXACT_SYNONYM_MIN = 3;
/** Stable IDs are searched from this many characters (without a version). */
export const STABLE_ID_MIN = 6;
/** The typo fallback runs from this many characters; 2 edits from TYPO_TWO_EDITS_MIN on. */
export const TYPO_MIN = 4;
export const TYPO_TWO_EDITS_MIN = 8;

export interface ParsedQuery {
  /** fold(q.trim()): what labels and synonyms must start with. */
  readonly fq: string;
  /** fq without a trailing `.<digits>` version: what stable IDs must start with; null below STABLE_ID_MIN. */
  readonly fid: string | null;
}

const VERSION = /\.\d+$/;

export function parseQuery(q: string): ParsedQuery {
  const fq = fold(q.trim());
  const unversioned = fq.includes('.') ? fq.replace(VERSION, '') : fq;
  return { fq, fid: unversioned.length >= STABLE_ID_MIN ? unversioned : null };
}

/** Whether fq carries a version that fid drops (`…510.17`): names must start with fq, IDs only with fid. */
export function isVersioned(query: ParsedQuery): query is ParsedQuery & { readonly fid: string } {
  return query.fid !== null && query.fid.length < query.fq.length;
}

/** The key range a query reads: every eligible key starts with this (fid is a prefix of fq). */
export function rangePrefix(query: ParsedQuery): string {
  return query.fid ?? query.fq;
}

/** Edits the typo fallback allows for this query, 0 when it does not run. */
export function typoBudget(fq: string): number {
  return fq.length < TYPO_MIN ? 0 : fq.length < TYPO_TWO_EDITS_MIN ? 1 : 2;
}
