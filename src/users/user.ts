// The user object as the API shows it (login responses, GET user/), and its schema.
import { z } from 'zod'
import { isoTime } from '../lib/clock.ts'
import type { UserRow } from './users.repo.ts'

export const UserSchema = z
  .object({
    pk: z.number().int(),
    username: z.string(),
    email: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    email_verified: z.boolean(),
    /** A new address waiting for its verification key (see PUT/PATCH user/), or null. */
    pending_email: z.string().nullable(),
    date_joined: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'User' })

export type PublicUser = z.infer<typeof UserSchema>

export const publicUser = (u: UserRow): PublicUser => ({
  pk: u.id,
  username: u.username,
  email: u.email,
  first_name: u.first_name,
  last_name: u.last_name,
  email_verified: u.email_verified === 1,
  pending_email: u.pending_email ?? null,
  date_joined: isoTime(u.date_joined),
})
