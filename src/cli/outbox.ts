// `authkit outbox list [--json]`: the dev mailer's messages, newest first.
import { createOutboxRepo, outboxMessage } from '../mail/outbox.repo.ts'
import type { Command } from './commands.ts'
import { openData } from './open.ts'

export const outboxListCommand: Command = {
  words: ['outbox', 'list'],
  flags: { json: 'switch' },
  async run({ flags, io, settings }) {
    const { db } = await openData(settings())
    try {
      const messages = (await createOutboxRepo(db).list()).map(outboxMessage)
      if (flags.json) {
        io.stdout(`${JSON.stringify(messages, null, 2)}\n`)
        return 0
      }
      if (messages.length === 0) io.stdout('The outbox is empty.\n')
      for (const m of messages) {
        const state = m.sent_at ? `sent ${m.sent_at}` : m.last_error ? `failed: ${m.last_error}` : 'queued'
        io.stdout(`#${m.id}  ${m.created_at}  ${m.kind}  to ${m.to}  (${state})\n    ${m.subject}\n`)
      }
      return 0
    } finally {
      await db.close()
    }
  },
}
