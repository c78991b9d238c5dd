// The testing UI's MFA glue (loaded with the MFA section, after ui.js): carries the ephemeral token of
// the login steps into the MFA forms, and shows a set-up answer once (QR code, secret, backup codes).
// Everything shown is set with textContent; the QR code is an <img> of the API's SVG (images run no script).
;(function () {
  'use strict'
  function pathOf(url) {
    var a = document.createElement('a')
    a.href = url
    return a.pathname
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag)
    if (text) e.textContent = text
    if (cls) e.className = cls
    return e
  }

  function showCodes(box, codes) {
    box.append(el('p', 'Backup codes (shown only now; each works once):'))
    var list = el('ol', '', 'backup-codes')
    codes.forEach(function (c) {
      list.append(el('li', c))
    })
    box.append(list)
  }

  function showSetup(data) {
    var box = document.getElementById('mfa-setup')
    if (!box) return
    box.replaceChildren()
    box.append(el('h4', 'Set up: ' + data.method))
    var setup = data.setup_data || {}
    if (setup.qr_svg) {
      var img = document.createElement('img')
      img.id = 'mfa-qr'
      img.alt = 'QR code for your authenticator app'
      img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(setup.qr_svg)
      img.width = 200
      img.height = 200
      box.append(img)
    }
    if (setup.qr_link) {
      box.append(el('p', 'Or enter this in the app:'))
      box.append(el('code', setup.qr_link, 'qr-link'))
    }
    if (setup.detail) box.append(el('p', setup.detail))
    if (data.backup_codes) showCodes(box, data.backup_codes)
    box.append(el('p', 'Then activate it with a code under "Confirm (activate)".', 'hint'))
  }

  function useToken(token, method) {
    document.querySelectorAll('#sec-mfa input[name=ephemeral_token]').forEach(function (input) {
      input.value = token
    })
    var step = document.getElementById('mfa-step')
    if (step && method) step.textContent = 'Second step: enter the code of your "' + method + '" method.'
    var code = document.querySelector('#mfa-verify input[name=code]')
    if (code) {
      code.value = ''
      code.scrollIntoView({ block: 'center' })
      code.focus()
    }
  }

  htmx.on('htmx:afterRequest', function (e) {
    var d = e.detail
    var status = d.xhr.status
    if (status < 200 || status > 299) return
    var path = pathOf(d.pathInfo.finalRequestPath || d.pathInfo.requestPath)
    var data
    try {
      data = JSON.parse(d.xhr.responseText)
    } catch (err) {
      return
    }
    if (!data || typeof data !== 'object') return
    if (data.ephemeral_token) useToken(data.ephemeral_token, data.method || data.new_method)
    if (/\/api\/auth\/mfa\/?$/.test(path) && d.requestConfig.verb === 'post') showSetup(data)
    if (/\/mfa\/backup-codes\/regenerate\/?$/.test(path)) {
      var box = document.getElementById('mfa-setup')
      if (box) {
        box.replaceChildren(el('h4', 'New backup codes'))
        showCodes(box, data.backup_codes || [])
      }
    }
    if (/\/login\/verify\/?$/.test(path)) {
      var step = document.getElementById('mfa-step')
      if (step) step.textContent = 'Logged in.'
    }
  })
})()
