// The testing UI's browser glue (loaded after htmx): CSRF header, header-mode credentials, the live
// response viewer, and the mailbox's "fill the form" buttons. Everything shown is set with textContent.
;(function () {
  'use strict'
  var UI_PREFIX = '/api/auth/ui/'
  var KEEP = 20 // responses kept in the viewer
  var CREDENTIAL_KEY = 'authkit-ui-credential'
  var body = document.body
  // With USE_AUTH_COOKIE off the API hands out tokens only in bodies, so this page keeps the last one
  // (sessionStorage: gone with the tab) and sends it as the Authorization header, like a real client would.
  var headerAuth = body.getAttribute('data-header-auth') === 'true'

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split('; ') : []
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=')
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1))
    }
    return ''
  }

  function credential(value) {
    try {
      if (value === undefined) return sessionStorage.getItem(CREDENTIAL_KEY) || ''
      if (value) sessionStorage.setItem(CREDENTIAL_KEY, value)
      else sessionStorage.removeItem(CREDENTIAL_KEY)
    } catch (e) {
      return ''
    }
    return value
  }

  function isApi(path) {
    return path.indexOf('/api/') === 0 && path.indexOf(UI_PREFIX) !== 0
  }

  function pathOf(url) {
    var a = document.createElement('a')
    a.href = url
    return a.pathname
  }

  htmx.on('htmx:configRequest', function (e) {
    var d = e.detail
    var csrf = cookie('csrftoken')
    if (csrf) d.headers['X-CSRFToken'] = csrf
    var cred = headerAuth ? credential() : ''
    if (cred) d.headers['Authorization'] = cred
    // Optional fields left blank are left out, so the API sees "not given" rather than "".
    var form = d.elt.closest ? d.elt.closest('[data-omit-empty]') : null
    if (form && d.formData) {
      var blank = []
      d.formData.forEach(function (value, key) {
        if (value === '') blank.push(key)
      })
      blank.forEach(function (key) {
        d.formData.delete(key)
      })
    }
  })

  function pretty(text) {
    if (!text) return '(empty body)'
    try {
      return JSON.stringify(JSON.parse(text), null, 2)
    } catch (e) {
      return text.length > 10000 ? text.slice(0, 10000) + '\n…' : text
    }
  }

  function show(method, path, status, text) {
    var list = document.getElementById('responses')
    if (!list) return
    var empty = document.getElementById('responses-empty')
    if (empty) empty.remove()
    var item = document.createElement('li')
    item.className = 'resp s' + String(status).charAt(0) + 'xx'
    item.setAttribute('data-status', String(status))
    var head = document.createElement('div')
    head.className = 'resp-head'
    var m = document.createElement('span')
    m.className = 'method'
    m.textContent = method.toUpperCase()
    var p = document.createElement('code')
    p.className = 'path'
    p.textContent = path
    var s = document.createElement('span')
    s.className = 'status'
    s.textContent = status ? String(status) : 'network error'
    var now = new Date()
    var t = document.createElement('time')
    t.setAttribute('datetime', now.toISOString())
    t.title = now.toISOString()
    t.textContent = now.toLocaleTimeString()
    head.append(m, p, s, t)
    var pre = document.createElement('pre')
    pre.textContent = pretty(text)
    item.append(head, pre)
    list.prepend(item)
    while (list.children.length > KEEP) list.lastElementChild.remove()
    // The panel's bar says what the last call did, so a collapsed panel (small screens) still tells.
    var last = document.getElementById('responses-last')
    if (last) last.textContent = method.toUpperCase() + ' ' + path + ' → ' + (status || 'network error')
  }

  // DRF's field errors ({"field": ["msg"]}) next to the inputs they are about; non_field_errors, `detail`
  // and errors for fields the form does not show go on top of the form.
  function clearErrors(form) {
    form.querySelectorAll('.field-error, .form-error').forEach(function (el) {
      el.remove()
    })
    form.querySelectorAll('[aria-invalid]').forEach(function (input) {
      input.removeAttribute('aria-invalid')
      var described = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
        return id && id !== input.id + '-error'
      })
      if (described.length) input.setAttribute('aria-describedby', described.join(' '))
      else input.removeAttribute('aria-describedby')
    })
  }

  function messagesOf(value) {
    if (Array.isArray(value)) return value.map(String).join(' ')
    if (value && typeof value === 'object') return JSON.stringify(value)
    return String(value)
  }

  function showErrors(form, status, text) {
    clearErrors(form)
    if (status < 400 || status > 499) return
    var data
    try {
      data = JSON.parse(text)
    } catch (e) {
      return
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) return
    var general = []
    var firstInvalid = null
    Object.keys(data).forEach(function (key) {
      if (key === 'code' || key === 'hint') return
      var input = key === 'non_field_errors' || key === 'detail' ? null : form.querySelector('[name="' + key + '"]')
      if (!input) {
        general.push((key === 'non_field_errors' || key === 'detail' ? '' : key + ': ') + messagesOf(data[key]))
        return
      }
      var err = document.createElement('p')
      err.className = 'field-error'
      err.id = input.id + '-error'
      err.textContent = messagesOf(data[key])
      input.insertAdjacentElement('afterend', err)
      input.setAttribute('aria-invalid', 'true')
      var described = input.getAttribute('aria-describedby')
      input.setAttribute('aria-describedby', described ? described + ' ' + err.id : err.id)
      if (!firstInvalid) firstInvalid = input
    })
    if (general.length) {
      var box = document.createElement('p')
      box.className = 'form-error'
      box.setAttribute('role', 'alert')
      box.textContent = general.join(' ')
      var route = form.querySelector('.route')
      if (route) route.insertAdjacentElement('afterend', box)
      else form.prepend(box)
    }
    if (firstInvalid) firstInvalid.focus()
  }

  // Times from the server (ISO 8601 UTC in datetime and title) are shown in the viewer's local time.
  function localTimes(root) {
    root.querySelectorAll('time.local[datetime]').forEach(function (el) {
      var d = new Date(el.getAttribute('datetime'))
      if (!isNaN(d.getTime())) el.textContent = d.toLocaleString()
    })
  }
  localTimes(document)
  htmx.on('htmx:afterSwap', function (e) {
    localTimes(e.detail.target || document)
  })

  // On a small screen the response panel starts folded to its one-line bar.
  var panel = document.getElementById('viewer')
  if (panel && window.matchMedia && window.matchMedia('(max-width: 959px)').matches) panel.open = false

  function setIfEmpty(selector, value) {
    var input = document.querySelector(selector)
    if (input && !input.value) input.value = value
  }

  function remember(path, status, text) {
    if (status < 200 || status > 299) return
    var data
    try {
      data = JSON.parse(text)
    } catch (e) {
      return
    }
    if (!data || typeof data !== 'object') return
    if (data.access_token) {
      credential('Bearer ' + data.access_token)
      var verify = document.querySelector('#token-verify input[name=token]')
      if (verify) verify.value = data.access_token
    }
    if (data.key) credential('Token ' + data.key)
    if (data.refresh_token) setIfEmpty('#token-refresh input[name=refresh]', data.refresh_token)
    if (/\/logout\/?$/.test(path)) credential('')
  }

  htmx.on('htmx:afterRequest', function (e) {
    var d = e.detail
    var path = pathOf(d.pathInfo.finalRequestPath || d.pathInfo.requestPath)
    if (!isApi(path)) return
    var method = d.requestConfig.verb
    var status = d.xhr.status
    var text = d.xhr.responseText
    show(method, path, status, text)
    remember(path, status, text)
    var form = d.elt.closest ? d.elt.closest('form') : null
    if (form) showErrors(form, status, text)
    if (status < 200 || status > 299) return
    // Passwords do not linger in a form once the call they were for has succeeded.
    if (form) {
      form.querySelectorAll('input[type=password]').forEach(function (input) {
        input.value = ''
      })
    }
    // Anything that may change who is logged in, the profile or the outbox refreshes the panels that show them.
    if (method !== 'get') htmx.trigger(body, 'authkit:changed')
  })

  // Mailbox buttons carry {"form": id, "values": {...}}: fill that form, open it and focus the next empty field.
  document.addEventListener('click', function (e) {
    var button = e.target.closest ? e.target.closest('[data-fill]') : null
    if (!button) return
    var spec
    try {
      spec = JSON.parse(button.getAttribute('data-fill'))
    } catch (err) {
      return
    }
    var form = document.getElementById(spec.form)
    if (!form) return
    Object.keys(spec.values).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]')
      if (input) input.value = spec.values[name]
    })
    var details = form.closest('details')
    if (details) details.open = true
    form.scrollIntoView({ block: 'center' })
    var next = Array.prototype.find.call(form.querySelectorAll('input'), function (i) {
      return !i.value && i.type !== 'hidden'
    })
    ;(next || form.querySelector('button')).focus()
  })

  // For other scripts of the UI (passkeys.js) that make API calls without htmx.
  window.authkitUi = { show: show, remember: remember, cookie: cookie, credential: function () { return headerAuth ? credential() : '' } }

  // A page opened with a stored credential shows that session at once.
  if (headerAuth && credential()) htmx.trigger(body, 'authkit:changed')
})()
