// `authkit serve` (the default): open the data, start HTTP, stop gracefully on SIGTERM/SIGINT.
import { createApp } from '../app.ts'
import { crossOriginNote } from '../auth/cross-origin.ts'
import { ensureDataDir } from '../config/data-dir.ts'
import { settingWarnings } from '../config/warnings.ts'
import { lockDataDir, lockPath } from '../db/lock.ts'
import { consoleLogger } from '../lib/logger.ts'
import { jsonLogger } from '../http/request-log.ts'
import { serve } from '../http/server.ts'
import { systemClock } from '../lib/clock.ts'
import { startMailDelivery } from '../mail/delivery.ts'
import { startHousekeeping } from '../ops/housekeeping.ts'
import { resolve } from 'node:path'
import type { Command } from './commands.ts'
import { openData } from './open.ts'
import { dataDirFailure, listenFailure } from './startup-failures.ts'

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    process.once('SIGINT', () => resolve('SIGINT'))
  })
}

export const serveCommand: Command = {
  words: ['serve'],
  flags: { port: 'value', host: 'value' },
  async run({ io, settings }) {
    const loaded = settings()
    const log = loaded.config.logFormat === 'json' ? jsonLogger() : consoleLogger
    // Held until the process ends: `authkit restore` refuses to swap the database under a running server.
    let dataDir: string
    try {
      dataDir = ensureDataDir(loaded.config.dataDir)
    } catch (e) {
      throw dataDirFailure(e, resolve(loaded.config.dataDir))
    }
    const lock = lockDataDir(dataDir, 'shared')
    if (!lock) {
      io.stderr(`authkit: ${dataDir} is being restored (${lockPath(dataDir)} is held); start the server when the restore has finished\n`)
      return 1
    }
    const { config, db } = await openData(loaded)
    for (const w of settingWarnings(loaded.config)) log.warn(w) // as configured: SECRET_KEY before one is generated
    const note = crossOriginNote(config)
    if (note) log.info(note)
    // Loaded only when on: prom-client takes a noticeable part of a start.
    const metrics = config.metricsEnabled ? (await import('../ops/metrics.ts')).createMetrics(db) : undefined
    const app = createApp({ config, db, clock: systemClock, log, metrics })
    let server: ReturnType<typeof serve>
    try {
      server = serve(app, {
        port: config.port,
        hostname: config.host,
        maxBodySize: config.dataUploadMaxMemorySize,
        accessLog: config.accessLog,
        log,
        logFormat: config.logFormat,
        trustedProxies: config.trustedProxies,
      })
    } catch (e) {
      await db.close()
      lock.release()
      throw listenFailure(e, config.host, config.port)
    }
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
    const base = `http://${shownHost}:${server.port}`
    log.info(`authkit listening on ${base} (data in ${db.location})`)
    const mail = startMailDelivery({ config, db, clock: systemClock, log })
    const housekeeping = startHousekeeping({ config, db, clock: systemClock, log })
    if (config.debug) log.info(`DEBUG is on: testing UI at ${base}/api/auth/ui/ , API docs at ${base}/api/docs/`)

    const signal = await (io.stopSignal ?? signalled())
    log.info(`${signal}: finishing in-flight requests`)
    await server.stop() // stops accepting; resolves once in-flight requests are answered
    await mail?.stop() // the message being sent is finished; the rest waits in the outbox for the next start
    await housekeeping.stop() // the batch under way is finished; the next start sweeps the rest
    await db.close({ optimize: true })
    lock.release()
    log.info('stopped')
    return 0
  },
}
