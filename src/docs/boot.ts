// The two scripts that start Swagger UI and ReDoc. They are served as files (not inline) so the pages'
// Content-Security-Policy can allow scripts from 'self' only.
import { CSRF_COOKIE, CSRF_HEADER } from './security.ts'

export const SCHEMA_PATH = '/api/schema/'

export const swaggerBoot = `// Starts Swagger UI on ${SCHEMA_PATH}.
'use strict'
function csrfToken() {
  var m = document.cookie.match(/(?:^|;\\s*)${CSRF_COOKIE}=([^;]*)/)
  return m ? decodeURIComponent(m[1]) : null
}
window.ui = SwaggerUIBundle({
  url: '${SCHEMA_PATH}',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // Off: the default sends the document to validator.swagger.io; nothing may leave this machine.
  validatorUrl: null,
  persistAuthorization: true,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  // After "Try it out" on login/, the browser holds the auth cookies; unsafe calls authenticated by
  // them need the CSRF header, which a same-origin page may read from the ${CSRF_COOKIE} cookie.
  requestInterceptor: function (req) {
    var method = (req.method || 'GET').toUpperCase()
    var token = csrfToken()
    if (token && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      req.headers['${CSRF_HEADER}'] = token
    }
    return req
  },
})
`

export const redocBoot = `// Starts ReDoc on ${SCHEMA_PATH}; its styles carry this page's nonce so the CSP can refuse inline styles.
'use strict'
Redoc.init(
  '${SCHEMA_PATH}',
  { nonce: document.currentScript.nonce, expandResponses: '200,201', pathInMiddlePanel: true },
  document.getElementById('redoc'),
)
`
