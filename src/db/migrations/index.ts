// The ordered migrations of each engine, embedded in the binary as text. Every step exists for both
// engines under the same number and name (sqlite/NNNN_name.sql, postgres/NNNN_name.sql). Never edit
// one that has shipped; add a new pair.
import s0001 from './sqlite/0001_init.sql' with { type: 'text' }
import s0002 from './sqlite/0002_accounts.sql' with { type: 'text' }
import s0003 from './sqlite/0003_auth.sql' with { type: 'text' }
import s0004 from './sqlite/0004_throttle.sql' with { type: 'text' }
import s0005 from './sqlite/0005_refresh_tokens_expiry_index.sql' with { type: 'text' }
import s0006 from './sqlite/0006_refresh_token_hash.sql' with { type: 'text' }
import s0007 from './sqlite/0007_social.sql' with { type: 'text' }
import p0001 from './postgres/0001_init.sql' with { type: 'text' }
import p0002 from './postgres/0002_accounts.sql' with { type: 'text' }
import p0003 from './postgres/0003_auth.sql' with { type: 'text' }
import p0004 from './postgres/0004_throttle.sql' with { type: 'text' }
import p0005 from './postgres/0005_refresh_tokens_expiry_index.sql' with { type: 'text' }
import p0006 from './postgres/0006_refresh_token_hash.sql' with { type: 'text' }
import p0007 from './postgres/0007_social.sql' with { type: 'text' }

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/** One row per step: its name, then its SQL for SQLite and for PostgreSQL. */
const STEPS: readonly (readonly [name: string, sqlite: string, postgres: string])[] = [
  ['0001_init', s0001, p0001],
  ['0002_accounts', s0002, p0002],
  ['0003_auth', s0003, p0003],
  ['0004_throttle', s0004, p0004],
  ['0005_refresh_tokens_expiry_index', s0005, p0005],
  ['0006_refresh_token_hash', s0006, p0006],
  ['0007_social', s0007, p0007],
]

export const MIGRATIONS: { readonly sqlite: readonly Migration[]; readonly postgres: readonly Migration[] } = {
  sqlite: STEPS.map(([name, sql], i) => ({ version: i + 1, name, sql })),
  postgres: STEPS.map(([name, , sql], i) => ({ version: i + 1, name, sql })),
}
