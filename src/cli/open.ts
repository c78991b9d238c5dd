// Opening the data directory and database for a command, the same way `serve` does.
import { type ServerConfig, settleSecretKey } from '../config/data-dir.ts'
import type { LoadedConfig } from '../config/load.ts'
import { type Database, dbPath, openDatabase } from '../db/open.ts'

export function openData(loaded: LoadedConfig): { config: ServerConfig; db: Database } {
  const config = settleSecretKey(loaded.config)
  return { config, db: openDatabase(dbPath(config.dataDir)) }
}
