// `authkit serve` (the default): open the data, start HTTP, stop gracefully on SIGTERM/SIGINT.
import { createApp } from '../app.ts'
import { settingWarnings } from '../config/warnings.ts'
import { consoleLogger } from '../lib/logger.ts'
import { serve } from '../http/server.ts'
import { systemClock } from '../lib/clock.ts'
import { startMailDelivery } from '../mail/delivery.ts'
import type { Command } from './commands.ts'
import { openData } from './open.ts'

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
    const log = consoleLogger
    const { config, db } = await openData(settings())
    for (const w of settingWarnings(config)) log.warn(w)
    const app = createApp({ config, db, clock: systemClock, log })
    const server = serve(app, {
      port: config.port,
      hostname: config.host,
      maxBodySize: config.dataUploadMaxMemorySize,
      accessLog: config.accessLog,
      log,
    })
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
    const base = `http://${shownHost}:${server.port}`
    log.info(`authkit listening on ${base} (data in ${db.location})`)
    const mail = startMailDelivery({ config, db, clock: systemClock, log })
    if (config.debug) log.info(`DEBUG is on: testing UI at ${base}/api/auth/ui/ , API docs at ${base}/api/docs/`)

    const signal = await (io.stopSignal ?? signalled())
    log.info(`${signal}: finishing in-flight requests`)
    await server.stop() // stops accepting; resolves once in-flight requests are answered
    await mail?.stop() // the message being sent is finished; the rest waits in the outbox for the next start
    await db.close({ optimize: true })
    log.info('stopped')
    return 0
  },
}
