// Copies a whole installation from one database to another (`authkit db copy`): SQLite -> PostgreSQL and
// back. Engine-neutral: it reads the table list from the migrated schema (so tables added by later
// migrations are copied without a change here) and moves rows through the Db interface; the few catalog
// queries that cannot be portable are in CATALOG, one entry per engine.
import { type Database, type Db, type Params, type SqlValue, type Statement, sql } from './engine.ts'

/** Rows per INSERT statement (well under SQLite's 32766 and PostgreSQL's 65535 bound parameters). */
const BATCH = 200

/** The copy cannot go ahead, or did not check out; nothing was written to the target. */
export class CopyRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CopyRefused'
  }
}

interface Catalog {
  /** The tables of the schema authkit works in, schema_migrations included. */
  readonly tables: Statement<{ name: string }>
  readonly columns: Statement<{ name: string }, { table: string }>
  /** The primary key's columns, in key order: rows are read in pages after the last key read. */
  readonly primaryKey: Statement<{ name: string }, { table: string }>
  /** Tables that `table` references by foreign key: they are filled first. */
  readonly references: Statement<{ name: string }, { table: string }>
  /** Run first in the reading transaction: every read sees the same snapshot. */
  readonly snapshot: Statement | null
  /** Moves a table's id generator past the copied ids (PostgreSQL identity columns). */
  afterCopy(tx: Db, table: string): Promise<void>
}

const pgIdentity = sql<{ name: string }, { table: string }>(
  `SELECT column_name AS name FROM information_schema.columns
   WHERE table_schema = current_schema() AND table_name = $table AND is_identity = 'YES'`,
)

const CATALOG: Record<Db['engine'], Catalog> = {
  sqlite: {
    tables: sql(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`),
    columns: sql('SELECT name FROM pragma_table_info($table) ORDER BY cid'),
    primaryKey: sql('SELECT name FROM pragma_table_info($table) WHERE pk > 0 ORDER BY pk'),
    references: sql('SELECT DISTINCT "table" AS name FROM pragma_foreign_key_list($table)'),
    snapshot: null, // SQLite's transaction is a snapshot already
    // INTEGER PRIMARY KEY continues from the largest id in the table (no AUTOINCREMENT table in the schema).
    async afterCopy() {},
  },
  postgres: {
    tables: sql(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    ),
    columns: sql(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $table ORDER BY ordinal_position`,
    ),
    primaryKey: sql(
      `SELECT a.attname AS name FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
       WHERE i.indisprimary AND i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($table))::regclass
       ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    ),
    references: sql(
      `SELECT DISTINCT r.relname AS name FROM pg_constraint k
       JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
       WHERE k.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = $table`,
    ),
    snapshot: sql('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ'),
    async afterCopy(tx, table) {
      for (const { name } of await tx.all(pgIdentity, { table })) {
        // The next generated id is one past the largest copied one (or 1 when the table is empty).
        await tx.get(
          sql<{ v: number }, { table: string; column: string }>(
            `SELECT setval(pg_get_serial_sequence(quote_ident($table), $column),
               (SELECT coalesce(max(${ident(name)}), 0) + 1 FROM ${ident(table)}), false) AS v`,
          ),
          { table, column: name },
        )
      }
    },
  },
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`

const schemaVersion = sql<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')

/** The copied tables (schema_migrations is not one: each side's migrations wrote their own). */
async function tablesOf(db: Db): Promise<string[]> {
  return (await db.all(CATALOG[db.engine].tables, {})).map((r) => r.name).filter((n) => n !== 'schema_migrations')
}

async function columnsOf(db: Db, table: string): Promise<string[]> {
  return (await db.all(CATALOG[db.engine].columns, { table })).map((r) => r.name)
}

const countOf = async (db: Db, table: string) => Number((await db.get(sql<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}`), {}))?.n ?? 0)

/** `tables` ordered so that every table comes after the tables it references. */
async function fillOrder(db: Db, tables: readonly string[]): Promise<string[]> {
  const refs = new Map<string, string[]>()
  for (const t of tables) refs.set(t, (await db.all(CATALOG[db.engine].references, { table: t })).map((r) => r.name).filter((r) => r !== t))
  const order: string[] = []
  const visiting = new Set<string>()
  const visit = (t: string) => {
    if (order.includes(t)) return
    if (visiting.has(t)) throw new CopyRefused(`the schema has a foreign-key cycle through ${t}`)
    visiting.add(t)
    for (const r of refs.get(t) ?? []) if (tables.includes(r)) visit(r)
    order.push(t)
  }
  for (const t of tables) visit(t)
  return order
}

function insertStatement(table: string, columns: readonly string[], rows: number): Statement<never, Params> {
  const values = Array.from({ length: rows }, (_, r) => `(${columns.map((_, c) => `$r${r}c${c}`).join(', ')})`)
  return sql(`INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) VALUES ${values.join(', ')}`)
}

export interface CopyReport {
  readonly version: number
  /** Rows copied per table, verified on the target. */
  readonly tables: Readonly<Record<string, number>>
}

/**
 * Copies every table of `source` into `target`, which must be migrated to the same schema version and
 * hold no rows. All writes are one transaction on the target; the row counts are checked before it
 * commits, so a failed copy leaves the target as it was. Throws CopyRefused with the reason.
 */
export async function copyDatabase(source: Database, target: Database): Promise<CopyReport> {
  await Promise.all([source.ready, target.ready])
  const [sv, tv] = [(await source.get(schemaVersion, {}))?.v ?? 0, (await target.get(schemaVersion, {}))?.v ?? 0]
  if (Number(sv) !== Number(tv)) {
    throw new CopyRefused(`the schema versions differ (source ${sv}, target ${tv}); run the same authkit version on both`)
  }
  const tables = await tablesOf(source)
  const targetTables = await tablesOf(target)
  const missing = tables.filter((t) => !targetTables.includes(t))
  const extra = targetTables.filter((t) => !tables.includes(t))
  if (missing.length || extra.length) {
    throw new CopyRefused(`the schemas differ: ${[...missing.map((t) => `${t} only in the source`), ...extra.map((t) => `${t} only in the target`)].join(', ')}`)
  }
  const columns = new Map<string, string[]>()
  for (const t of tables) {
    const [s, d] = [await columnsOf(source, t), await columnsOf(target, t)]
    if ([...s].sort().join() !== [...d].sort().join()) {
      throw new CopyRefused(`table ${t} has columns (${s.join(', ')}) in the source but (${d.join(', ')}) in the target`)
    }
    columns.set(t, s)
  }
  const order = await fillOrder(target, tables)
  await refuseNonEmpty(target, order)

  const copied: Record<string, number> = {}
  await source.transaction(async (read) => {
    const snapshot = CATALOG[read.engine].snapshot
    if (snapshot) await read.run(snapshot, {})
    await target.transaction(async (write) => {
      await refuseNonEmpty(write, order) // again inside the transaction: nobody wrote in between
      for (const t of order) {
        const cols = columns.get(t)!
        const pages = await pager(read, t, cols)
        const full = insertStatement(t, cols, BATCH)
        let n = 0
        let last: Record<string, SqlValue> | null = null
        for (;;) {
          const rows = await pages(last, n)
          if (rows.length === 0) break
          last = rows[rows.length - 1]!
          const params: Params = {}
          rows.forEach((row, r) => cols.forEach((c, i) => (params[`r${r}c${i}`] = row[c] ?? null)))
          await write.run(rows.length === BATCH ? full : insertStatement(t, cols, rows.length), params)
          n += rows.length
          if (rows.length < BATCH) break
        }
        await CATALOG[write.engine].afterCopy(write, t)
        const [inSource, inTarget] = [await countOf(read, t), await countOf(write, t)]
        if (inSource !== n || inTarget !== n) {
          throw new CopyRefused(`row counts differ for ${t}: ${inSource} in the source, ${n} read, ${inTarget} in the target; the target was rolled back`)
        }
        copied[t] = n
      }
    })
  })
  // After the commit: what a server on the target will see.
  for (const t of order) {
    const n = await countOf(target, t)
    if (n !== copied[t]) throw new CopyRefused(`after the commit ${t} has ${n} rows in the target, ${copied[t]} were copied`)
  }
  return { version: Number(sv), tables: copied }
}

/**
 * Reads `table` in pages of BATCH rows: after the last primary key read (each page an index range, so a
 * large table costs no more per page than a small one), or, for a table without a primary key, by
 * position in the order of all its columns.
 */
async function pager(read: Db, table: string, cols: readonly string[]) {
  const list = cols.map(ident).join(', ')
  const key = (await read.all(CATALOG[read.engine].primaryKey, { table })).map((r) => r.name)
  type Page = (last: Record<string, SqlValue> | null, offset: number) => Promise<Record<string, SqlValue>[]>
  if (key.length === 0) {
    const select = sql<Record<string, SqlValue>, { limit: number; offset: number }>(
      `SELECT ${list} FROM ${ident(table)} ORDER BY ${cols.map((_, i) => i + 1).join(', ')} LIMIT $limit OFFSET $offset`,
    )
    const page: Page = (_, offset) => read.all(select, { limit: BATCH, offset }) as Promise<Record<string, SqlValue>[]>
    return page
  }
  const order = key.map(ident).join(', ')
  const first = sql<Record<string, SqlValue>, { limit: number }>(`SELECT ${list} FROM ${ident(table)} ORDER BY ${order} LIMIT $limit`)
  const after = sql<Record<string, SqlValue>, Params>(
    `SELECT ${list} FROM ${ident(table)} WHERE (${order}) > (${key.map((_, i) => `$k${i}`).join(', ')}) ORDER BY ${order} LIMIT $limit`,
  )
  const page: Page = async (last) => {
    if (last === null) return read.all(first, { limit: BATCH })
    const params: Params = { limit: BATCH }
    key.forEach((k, i) => (params[`k${i}`] = last[k] ?? null))
    return read.all(after, params)
  }
  return page
}

/**
 * Refuses (CopyRefused) a target that holds rows in any table, whatever its schema version: called on the
 * target opened without migrating, so an older database with data is refused before anything changes it.
 */
export async function refuseNonEmptyTarget(db: Db): Promise<void> {
  await refuseNonEmpty(db, await tablesOf(db))
}

async function refuseNonEmpty(db: Db, tables: readonly string[]): Promise<void> {
  const filled: string[] = []
  for (const t of tables) {
    const n = await countOf(db, t)
    if (n > 0) filled.push(`${t} (${n})`)
  }
  if (filled.length) throw new CopyRefused(`the target is not empty: ${filled.join(', ')}; copy only into a new, empty database. Nothing was changed.`)
}
