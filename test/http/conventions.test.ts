import { describe, expect, it } from 'bun:test'
import { z } from 'zod'
import { email, optionalString, requiredString } from '../../src/http/fields.ts'
import { memoryLogger } from '../../src/http/logger.ts'
import { ApiError, FieldErrors } from '../../src/lib/errors.ts'
import { makeTestApp } from '../helpers/app.ts'

const Echo = z.object({ username: requiredString(150), email: email(), first_name: optionalString(150) })

/** The real app plus a few probe routes that exercise the conventions every feature route relies on. */
function probeApp(overrides = {}) {
  const log = memoryLogger()
  const t = makeTestApp(overrides, { log })
  t.app
    .post('/api/auth/probe/echo/', ({ body }) => body, { body: Echo })
    .post('/api/auth/probe/object-error', () => {
      throw FieldErrors.nonField("The two password fields didn't match.")
    })
    .get('/api/auth/probe/teapot', () => {
      throw new ApiError(418, 'I am a teapot.', 'teapot')
    })
    .post('/api/auth/probe/boom', () => {
      throw new Error('database exploded at /secret/path')
    })
  return { ...t, log }
}

const post = (body: BodyInit, contentType?: string): RequestInit => ({
  method: 'POST',
  body,
  headers: contentType ? { 'content-type': contentType } : {},
})

describe('request bodies', () => {
  it('accepts JSON, urlencoded and multipart bodies alike, trimmed and validated', async () => {
    const t = probeApp()
    const json = await t.req('/api/auth/probe/echo/', { method: 'POST', json: { username: ' ann ', email: 'Ann@Example.COM' } })
    expect(json.status).toBe(200)
    expect(await json.json()).toEqual({ username: 'ann', email: 'ann@example.com' })

    const form = await t.req('/api/auth/probe/echo/', post('username=ann&email=ann%40example.com&first_name=Ann', 'application/x-www-form-urlencoded'))
    expect(await form.json()).toEqual({ username: 'ann', email: 'ann@example.com', first_name: 'Ann' })

    const fd = new FormData()
    fd.set('username', 'ann')
    fd.set('email', 'ann@example.com')
    const multipart = await t.req('/api/auth/probe/echo/', { method: 'POST', body: fd })
    expect(multipart.status).toBe(200)
    expect(await multipart.json()).toEqual({ username: 'ann', email: 'ann@example.com' })
  })

  it('answers every route with and without the trailing slash', async () => {
    const t = probeApp()
    for (const path of ['/api/auth/probe/echo', '/api/auth/probe/echo/']) {
      const res = await t.req(path, { method: 'POST', json: { username: 'ann', email: 'ann@example.com' } })
      expect(res.status).toBe(200)
    }
  })

  it('malformed JSON is a 400 "JSON parse error - <reason>"', async () => {
    const res = await probeApp().req('/api/auth/probe/echo/', post('{"username": ', 'application/json'))
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.detail).toStartWith('JSON parse error - ')
    expect(body.detail.length).toBeGreaterThan('JSON parse error - '.length)
    expect(body.code).toBe('parse_error')
  })

  it('an error body never quotes the request body, not even a fragment of unparsable JSON', async () => {
    const t = probeApp()
    for (const raw of ['{"username":"ann","password":hunter2-SECRET}', '{"password": "x" SECRET}', 'SECRET', '{"a":1,SECRET', "{'SECRET':1}"]) {
      const res = await t.req('/api/auth/login/', post(raw, 'application/json'))
      expect(res.status).toBe(400)
      const text = await res.text()
      expect(text).not.toContain('SECRET')
      expect(JSON.parse(text)).toEqual({ detail: 'JSON parse error - Expecting value: the body is not valid JSON.', code: 'parse_error' })
    }
    const choice = z.object({ mode: z.enum(['a', 'b']) }).safeParse({ mode: 'SECRET' })
    expect(JSON.stringify(choice.error?.issues)).not.toContain('SECRET')
  })

  it('an unsupported media type is a 415 naming it', async () => {
    const res = await probeApp().req('/api/auth/probe/echo/', post('username=ann', 'text/plain; charset=utf-8'))
    expect(res.status).toBe(415)
    expect(await res.json()).toEqual({ detail: 'Unsupported media type "text/plain" in request.', code: 'unsupported_media_type' })
  })

  it('a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, by header and by actual size', async () => {
    const t = probeApp({ dataUploadMaxMemorySize: 1024 })
    const big = JSON.stringify({ username: 'a'.repeat(2000), email: 'a@example.com' })
    const declared = await t.req('/api/auth/probe/echo/', post(big, 'application/json'))
    expect(declared.status).toBe(413)
    expect((await declared.json()).code).toBe('request_too_large')
    // A streamed body carries no content-length; the limit holds all the same.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big))
        c.close()
      },
    })
    const streamed = await t.req('/api/auth/probe/echo/', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' } })
    expect(streamed.status).toBe(413)
  })
})

describe('error shapes', () => {
  it('field errors list every failing field with DRF messages', async () => {
    const t = probeApp()
    const missing = await t.req('/api/auth/probe/echo/', { method: 'POST', json: {} })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ username: ['This field is required.'], email: ['This field is required.'] })

    const bad = await t.req('/api/auth/probe/echo/', { method: 'POST', json: { username: '   ', email: 'not-an-email', first_name: 'x'.repeat(151) } })
    expect(await bad.json()).toEqual({
      username: ['This field may not be blank.'],
      email: ['Enter a valid email address.'],
      first_name: ['Ensure this field has no more than 150 characters.'],
    })
  })

  it('an empty body counts as no fields', async () => {
    const res = await probeApp().req('/api/auth/probe/echo/', { method: 'POST' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ username: ['This field is required.'], email: ['This field is required.'] })
  })

  it('a body that is not an object is a non-field error', async () => {
    const res = await probeApp().req('/api/auth/probe/echo/', { method: 'POST', json: ['ann'] })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] })
  })

  it('object-level errors come under non_field_errors', async () => {
    const res = await probeApp().req('/api/auth/probe/object-error', { method: 'POST' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ non_field_errors: ["The two password fields didn't match."] })
  })

  it('other errors are {"detail", "code"} with their status', async () => {
    const res = await probeApp().req('/api/auth/probe/teapot')
    expect(res.status).toBe(418)
    expect(await res.json()).toEqual({ detail: 'I am a teapot.', code: 'teapot' })
  })

  it('an unknown path is a JSON 404', async () => {
    const res = await probeApp().req('/api/auth/nothing-here/')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toEqual({ detail: 'Not found.', code: 'not_found' })
  })

  it('a known path with another method is a 405 with Allow', async () => {
    const res = await probeApp().req('/api/auth/probe/echo', { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
    expect(await res.json()).toEqual({ detail: 'Method "DELETE" not allowed.', code: 'method_not_allowed' })
  })

  it('a crash is a 500 with no stack and no echo of the request body, and is logged without the body', async () => {
    const t = probeApp()
    const res = await t.req('/api/auth/probe/boom', { method: 'POST', json: { password: 'hunter2-the-secret' } })
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ detail: 'A server error occurred.', code: 'server_error' })
    expect(text).not.toContain('exploded')
    expect(text).not.toContain('hunter2')
    expect(t.log.lines.join('\n')).toContain('database exploded')
    expect(t.log.lines.join('\n')).not.toContain('hunter2')
  })
})

describe('health', () => {
  it('GET /healthz answers 200 {"status":"ok"} while the database is reachable', async () => {
    const t = probeApp()
    const res = await t.req('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('GET /healthz answers 503 when the database is gone', async () => {
    const t = probeApp()
    await t.deps.db.close()
    const res = await t.req('/healthz')
    expect(res.status).toBe(503)
  })
})
