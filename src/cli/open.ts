// Opening the data directory and database for a command, the same way `serve` does.
import { type ServerConfig, settleSecretKey } from '../config/data-dir.ts'
import type { LoadedConfig } from '../config/load.ts'
import { type Database, openConfigured } from '../db/open.ts'

/** The settled configuration and its database (DATABASE_URL, else DATA_DIR/authkit.db), migrated. */
export async function openData(loaded: LoadedConfig): Promise<{ config: ServerConfig; db: Database }> {
  const config = settleSecretKey(loaded.config)
  return { config, db: await openConfigured({ databaseUrl: config.databaseUrl ?? '', dataDir: config.dataDir }) }
}
