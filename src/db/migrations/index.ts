// The ordered list of migrations, embedded in the binary as text. Never edit one that has shipped; add a new file.
import m0001 from './0001_init.sql' with { type: 'text' }
import m0002 from './0002_accounts.sql' with { type: 'text' }
import m0003 from './0003_auth.sql' with { type: 'text' }
import m0004 from './0004_throttle.sql' with { type: 'text' }
import m0005 from './0005_refresh_tokens_expiry_index.sql' with { type: 'text' }
import m0006 from './0006_refresh_token_hash.sql' with { type: 'text' }

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_init', sql: m0001 },
  { version: 2, name: '0002_accounts', sql: m0002 },
  { version: 3, name: '0003_auth', sql: m0003 },
  { version: 4, name: '0004_throttle', sql: m0004 },
  { version: 5, name: '0005_refresh_tokens_expiry_index', sql: m0005 },
  { version: 6, name: '0006_refresh_token_hash', sql: m0006 },
]
