// Every language's catalogue, by the tag negotiate.ts answers with. English is the source text itself.
import type { Catalogue } from '../messages.ts'
import de from './de.ts'
import es from './es.ts'
import fr from './fr.ts'

export const CATALOGUES: Readonly<Record<string, Catalogue>> = { de, fr, es }
