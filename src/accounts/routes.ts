// Every accounts route as one plugin for createApp: registration, user, password, and the link pages.
import { Elysia } from 'elysia'
import type { WithAuth } from '../auth/services.ts'
import type { Deps } from '../deps.ts'
import { createThrottle } from '../auth/throttle.ts'
import { createAccounts } from './accounts.ts'
import { loginLinkRoutes } from './login-link.routes.ts'
import { pagesRoutes } from './pages.routes.ts'
import { passwordRoutes } from './password.routes.ts'
import { registrationRoutes } from './registration.routes.ts'
import { userRoutes } from './user.routes.ts'

export function accountsRoutes(deps: Deps & WithAuth) {
  const accounts = createAccounts(deps)
  const throttle = createThrottle(deps)
  const routes = new Elysia({ name: 'accounts' })
    .use(registrationRoutes(deps.config, accounts, throttle))
    .use(userRoutes(deps, accounts))
    .use(passwordRoutes(deps, accounts, throttle))
    .use(pagesRoutes(accounts, deps.config.siteName, deps.config.languageCode))
  if (deps.config.useEmailLinkLogin) routes.use(loginLinkRoutes(deps, accounts, throttle))
  return routes
}
