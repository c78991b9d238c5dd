import { expect, it } from 'bun:test'
import { withReference } from '../../src/config/reference.ts'
import { SETTINGS, settingName } from '../../src/config/settings.ts'

it("the README's configuration reference matches the settings schema (run `bun run docs:settings`)", async () => {
  const readme = await Bun.file(new URL('../../README.md', import.meta.url).pathname).text()
  expect(withReference(readme)).toBe(readme)
  for (const key of Object.keys(SETTINGS)) expect(readme).toContain(`\`${settingName(key)}\``)
})
