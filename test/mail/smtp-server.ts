// A real SMTP server on 127.0.0.1 for tests (the `smtp-server` package), keeping every message it
// accepts parsed with `mailparser`. It can be stopped and started again on the same port.
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface TestSmtp {
  readonly port: number
  readonly url: string
  readonly received: ParsedMail[]
  /** Resolves with the next message (or the `n`-th overall) once it has arrived; rejects after `ms`. */
  waitFor(n: number, ms?: number): Promise<ParsedMail>
  start(): Promise<void>
  stop(): Promise<void>
}

export async function testSmtp(opts: { auth?: { user: string; pass: string } } = {}): Promise<TestSmtp> {
  const received: ParsedMail[] = []
  const waiters: (() => void)[] = []
  let server: SMTPServer | null = null
  let port = 0

  const make = () =>
    new SMTPServer({
      logger: false,
      disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !opts.auth,
      // Plain AUTH over an unencrypted loopback connection is fine for a test.
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return cb(null, { user: auth.username })
        cb(new Error('Invalid username or password'))
      },
      onData(stream, _session, cb) {
        simpleParser(stream)
          .then((mail) => {
            received.push(mail)
            for (const w of waiters.splice(0)) w()
            cb()
          })
          .catch(cb)
      },
    })

  const api: TestSmtp = {
    get port() {
      return port
    },
    get url() {
      return opts.auth ? `smtp://${opts.auth.user}:${opts.auth.pass}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`
    },
    received,
    async start() {
      server = make()
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject)
        server!.listen(port, '127.0.0.1', () => resolve())
      })
      port = (server.server.address() as { port: number }).port
    },
    async stop() {
      const s = server
      server = null
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
    },
    waitFor(n, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length >= n) {
            clearTimeout(timer)
            resolve(received[n - 1]!)
            return true
          }
          return false
        }
        const timer = setTimeout(() => reject(new Error(`no message #${n} within ${ms} ms`)), ms)
        if (!check()) {
          const again = () => {
            if (!check()) waiters.push(again)
          }
          waiters.push(again)
        }
      })
    },
  }
  await api.start()
  return api
}
