// Opening the data directory and database for a command, the same way `serve` does.
import { type ServerConfig, settleSecretKey } from '../config/data-dir.ts'
import type { LoadedConfig } from '../config/load.ts'
import { resolve } from 'node:path'
import { type Database, NewerDatabaseError, openConfigured } from '../db/open.ts'
import { StartupError } from '../lib/errors.ts'
import { dataDirFailure } from './startup-failures.ts'

/**
 * The settled configuration and its database (DATABASE_URL, else DATA_DIR/authkit.db), migrated. Throws
 * StartupError (one line, exit 1) when the directory or database cannot be used.
 */
export async function openData(loaded: LoadedConfig): Promise<{ config: ServerConfig; db: Database }> {
  try {
    const config = settleSecretKey(loaded.config)
    return { config, db: await openConfigured({ databaseUrl: config.databaseUrl ?? '', dataDir: config.dataDir }) }
  } catch (e) {
    if (e instanceof NewerDatabaseError || e instanceof StartupError) throw e
    throw dataDirFailure(e, resolve(loaded.config.dataDir))
  }
}
