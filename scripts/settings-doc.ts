// Rewrites the configuration reference in README.md from the settings schema.
import { withReference } from '../src/config/reference.ts'

const path = new URL('../README.md', import.meta.url).pathname
await Bun.write(path, withReference(await Bun.file(path).text()))
console.log('README.md: settings reference regenerated')
