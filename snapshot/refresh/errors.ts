/**
 * Failures of a refresh, each with its own process exit code (documented in docs/refresh.md).
 * Library code throws RefreshError; the CLI prints its one-line message and exits with its code.
 */

export const EXIT = {
  OK: 0,
  /** A bug or an error nobody classified. */
  UNEXPECTED: 1,
  /** Bad options. */
  USAGE: 2,
  /** MySQL: connection refused, unknown host, timeout. */
  SOURCE_UNREACHABLE: 10,
  /** MySQL: access denied (user, password, database or table privileges). */
  SOURCE_ACCESS_DENIED: 11,
  /** No ensembl_autocomplete_NNN / ensembl_website_NNN database with gene_autocomplete (or --database lacks it). */
  NO_TABLE: 12,
  /** The source gave no usable rows (or --species matched nothing). */
  ZERO_ROWS: 13,
  /** The source failed while streaming: connection lost or killed, query error, unreadable TSV. */
  SOURCE_FAILED: 14,
  /** Core data (synonyms, biotypes) failed: a core database lost, killed or unreadable, a pinned one missing, a bad core TSV. */
  CORE_FAILED: 15,
  /** Storage refused our credentials or permissions. */
  STORAGE_ACCESS_DENIED: 20,
  /** Storage could not be reached (network, DNS, missing bucket). */
  STORAGE_UNREACHABLE: 21,
  /** Any other storage failure, including an upload that did not read back identical. */
  STORAGE_FAILED: 22,
  /** The shrink guard refused to replace the current snapshot. */
  GUARD_REFUSED: 30,
  /** Another refresh moved the pointer first; this run's version was left unpublished. */
  CONFLICT: 31,
  /** SIGINT / SIGTERM. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type RefreshErrorKind =
  | 'usage'
  | 'source-unreachable'
  | 'source-access-denied'
  | 'no-table'
  | 'zero-rows'
  | 'source-failed'
  | 'core-failed'
  | 'storage-access-denied'
  | 'storage-unreachable'
  | 'storage-failed'
  | 'guard-refused'
  | 'conflict'
  | 'interrupted'
  | 'unexpected';

const EXIT_BY_KIND: Record<RefreshErrorKind, ExitCode> = {
  usage: EXIT.USAGE,
  'source-unreachable': EXIT.SOURCE_UNREACHABLE,
  'source-access-denied': EXIT.SOURCE_ACCESS_DENIED,
  'no-table': EXIT.NO_TABLE,
  'zero-rows': EXIT.ZERO_ROWS,
  'source-failed': EXIT.SOURCE_FAILED,
  'core-failed': EXIT.CORE_FAILED,
  'storage-access-denied': EXIT.STORAGE_ACCESS_DENIED,
  'storage-unreachable': EXIT.STORAGE_UNREACHABLE,
  'storage-failed': EXIT.STORAGE_FAILED,
  'guard-refused': EXIT.GUARD_REFUSED,
  conflict: EXIT.CONFLICT,
  interrupted: EXIT.INTERRUPTED,
  unexpected: EXIT.UNEXPECTED,
};

export class RefreshError extends Error {
  override name = 'RefreshError';
  readonly kind: RefreshErrorKind;

  constructor(kind: RefreshErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }

  get exitCode(): ExitCode {
    return EXIT_BY_KIND[this.kind];
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
