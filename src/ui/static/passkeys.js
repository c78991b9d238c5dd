// The testing UI's passkey buttons: ask authkit for options, hand them to the browser's WebAuthn API
// (through @simplewebauthn/browser, served beside this file), and send the answer back. Every call is shown
// in the response viewer through ui.js (window.authkitUi).
;(function () {
  'use strict'
  var A = '/api/auth/passkeys/'
  var webauthn = window.SimpleWebAuthnBrowser
  var ui = window.authkitUi

  /** POSTs JSON the way the htmx forms do: the CSRF header, and the stored credential in header mode. */
  async function post(path, body) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' }
    var csrf = ui.cookie('csrftoken')
    if (csrf) headers['X-CSRFToken'] = csrf
    var cred = ui.credential()
    if (cred) headers['Authorization'] = cred
    var res = await fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body), credentials: 'same-origin' })
    var text = await res.text()
    ui.show('post', path, res.status, text)
    ui.remember(path, res.status, text)
    var data = null
    try {
      data = JSON.parse(text)
    } catch (e) {}
    return { ok: res.ok, data: data }
  }

  function failed(path, err) {
    ui.show('post', path, 0, 'The browser refused: ' + (err && err.name ? err.name + ': ' : '') + (err && err.message ? err.message : String(err)))
  }

  async function register(form) {
    var options = await post(A + 'register/options/', {})
    if (!options.ok) return
    var credential
    try {
      credential = await webauthn.startRegistration({ optionsJSON: options.data })
    } catch (err) {
      return failed(A + 'register/', err)
    }
    var name = form.querySelector('[name=name]').value
    var done = await post(A + 'register/', { credential: credential, name: name })
    if (done.ok) htmx.trigger(document.body, 'authkit:changed')
  }

  async function login() {
    var options = await post(A + 'login/options/', {})
    if (!options.ok) return
    var credential
    try {
      credential = await webauthn.startAuthentication({ optionsJSON: options.data })
    } catch (err) {
      return failed(A + 'login/', err)
    }
    var done = await post(A + 'login/', { credential: credential, challenge_token: options.data.challenge_token })
    if (done.ok) htmx.trigger(document.body, 'authkit:changed')
  }

  document.addEventListener('submit', function (e) {
    var form = e.target.closest ? e.target.closest('[data-passkey]') : null
    if (!form) return
    e.preventDefault()
    if (!webauthn || !webauthn.browserSupportsWebAuthn()) return failed(A, new Error('this browser has no WebAuthn'))
    if (form.getAttribute('data-passkey') === 'register') register(form)
    else login()
  })
})()
