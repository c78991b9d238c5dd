// `authkit keys rotate`: a new JWT signing key takes over; the old one keeps verifying (and stays in the
// JWKS) until the tokens it signed have expired. A running server picks the new key up at its next login.
import { retention, rotateSigningKey } from '../auth/keys.ts'
import { systemClock } from '../lib/clock.ts'
import type { Command } from './commands.ts'
import { openData } from './open.ts'

export const keysRotateCommand: Command = {
  words: ['keys', 'rotate'],
  flags: {},
  async run({ io, settings }) {
    const { config, db } = await openData(settings())
    try {
      if (config.jwtAlgorithm === 'HS256') {
        io.stderr('authkit: JWT_ALGORITHM is HS256, which signs with SECRET_KEY: there is no key pair to rotate (change SECRET_KEY instead, which ends every session)\n')
        return 1
      }
      const kid = await rotateSigningKey({ db, config, clock: systemClock })
      const hours = (retention(config) / 3_600_000).toFixed(1)
      io.stdout(`new ${config.jwtAlgorithm} signing key ${kid}; previous keys keep verifying for ${hours} h (until their tokens expire)\n`)
      return 0
    } finally {
      await db.close()
    }
  },
}
