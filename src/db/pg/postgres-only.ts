/**
 * Indexes of the PostgreSQL schema that the SQLite one leaves out on purpose: they only guard races
 * between instances, and a SQLite store serves one instance, whose transactions run one at a time.
 * test/db-schema-parity.test.ts compares the two schemas without them.
 */
export const POSTGRES_ONLY_INDEXES: readonly string[] = ['alerts_one_firing_per_dedup_key'];
