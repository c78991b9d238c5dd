// GET | PUT | PATCH user/: the logged-in user's profile, including the e-mail change with re-verification.
import { Elysia } from 'elysia'
import type { WithAuth } from '../auth/services.ts'
import type { Deps } from '../deps.ts'
import { authPlugin } from '../auth/routes/macro.ts'
import { op } from '../http/openapi.ts'
import { requestLang } from '../i18n/negotiate.ts'
import type { Accounts } from './accounts.ts'
import { UserPatchBody, UserSchema, UserUpdateBody } from './schemas.ts'
import { publicUser } from '../users/user.ts'

const EMAIL_CHANGE =
  'Changing `email` with ACCOUNT_EMAIL_VERIFICATION `none` takes effect at once; otherwise the new address is kept in ' +
  '`pending_email`, a verification e-mail goes to it, and `email` changes when that key is verified. ' +
  'Usernames and e-mails stay unique regardless of letter case.'

export const userRoutes = (deps: Deps & WithAuth, accounts: Accounts) =>
  new Elysia({ name: 'accounts-user', prefix: '/api/auth' })
    .use(authPlugin(deps))
    .get('/user', ({ user }) => publicUser(user), {
      auth: true,
      ...op({
        operationId: 'user_retrieve',
        tags: ['user'],
        summary: 'The logged-in user',
        description: 'The user object: `pk`, `username`, `email`, `first_name`, `last_name`, and read-only extras.',
        authenticated: true,
        responses: { 200: UserSchema },
      }),
    })
    .put('/user', async ({ user, body, request }) => publicUser(await accounts.profile.update(user, body, request.url, requestLang(request, deps.config.languageCode))), {
      auth: true,
      body: UserUpdateBody,
      ...op({
        operationId: 'user_update',
        tags: ['user'],
        summary: 'Update the logged-in user',
        description: `\`username\` is required; omitted fields keep their values; \`pk\` is read-only. ${EMAIL_CHANGE}`,
        authenticated: true,
        responses: { 200: UserSchema },
      }),
    })
    .patch('/user', async ({ user, body, request }) => publicUser(await accounts.profile.update(user, body, request.url, requestLang(request, deps.config.languageCode))), {
      auth: true,
      body: UserPatchBody,
      ...op({
        operationId: 'user_partial_update',
        tags: ['user'],
        summary: 'Partly update the logged-in user',
        description: `Any subset of \`username\`, \`email\`, \`first_name\`, \`last_name\`. ${EMAIL_CHANGE}`,
        authenticated: true,
        responses: { 200: UserSchema },
      }),
    })
