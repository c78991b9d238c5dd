// `authkit users create`: add an account from the shell (e.g. the first admin), optionally pre-verified.
import { USERNAME_MAX, USERNAME_PATTERN, uniquenessErrors } from '../accounts/identity-rules.ts'
import { passwordProblems } from '../accounts/password-rules.ts'
import { hashParams, hashPassword } from '../users/passwords.ts'
import { createUsersRepo } from '../users/users.repo.ts'
import { email as emailField } from '../http/fields.ts'
import { UsageError } from './args.ts'
import type { Command } from './commands.ts'
import { openData } from './open.ts'

export const usersCreateCommand: Command = {
  words: ['users', 'create'],
  flags: { username: 'value', email: 'value', password: 'value', 'password-stdin': 'switch', verified: 'switch' },
  async run({ flags, io, settings }) {
    const username = typeof flags.username === 'string' ? flags.username.trim() : ''
    const email = typeof flags.email === 'string' ? flags.email.trim().toLowerCase() : ''
    if (!username) throw new UsageError('users create needs --username')
    if (!email) throw new UsageError('users create needs --email')
    // The same rules as POST registration/.
    if (!USERNAME_PATTERN.test(username) || username.length > USERNAME_MAX) throw new UsageError('--username may contain only letters, digits and @/./+/-/_ (at most 150)')
    if (!emailField().safeParse(email).success) throw new UsageError('--email is not a valid e-mail address')
    if (typeof flags.password === 'string' && flags['password-stdin']) throw new UsageError('give --password or --password-stdin, not both')
    const password = typeof flags.password === 'string' ? flags.password : flags['password-stdin'] ? (await io.stdin()).replace(/\r?\n$/, '') : ''
    if (password.length < 8) throw new UsageError('a password of at least 8 characters is needed (--password or --password-stdin)')
    const problems = passwordProblems(password, { username, email })
    if (problems.length > 0) throw new UsageError(`the password is refused: ${problems.join(' ')}`)

    const { config, db } = await openData(settings())
    try {
      const users = createUsersRepo(db)
      const taken = await uniquenessErrors(users, { username, email })
      if (taken.username) {
        io.stderr(`authkit: a user with that username already exists: ${username}\n`)
        return 1
      }
      if (taken.email) {
        io.stderr(`authkit: a user is already registered with this e-mail address: ${email}\n`)
        return 1
      }
      const passwordHash = await hashPassword(password, hashParams(config))
      const id = await users.insert({ username, email, passwordHash, emailVerified: flags.verified === true, now: Date.now() })
      io.stdout(`created user ${id} ${username} <${email}>${flags.verified ? ' (verified)' : ''}\n`)
      return 0
    } finally {
      await db.close()
    }
  },
}
