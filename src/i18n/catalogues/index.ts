// Every language's catalogue, by the tag negotiate.ts answers with. English is the source text itself.
import type { Catalogue } from '../messages.ts'
import ar from './ar.ts'
import de from './de.ts'
import es from './es.ts'
import fr from './fr.ts'
import it from './it.ts'
import ja from './ja.ts'
import ko from './ko.ts'
import nl from './nl.ts'
import pl from './pl.ts'
import ptBR from './pt-BR.ts'
import ru from './ru.ts'
import tr from './tr.ts'
import uk from './uk.ts'
import vi from './vi.ts'
import zhHans from './zh-Hans.ts'

export const CATALOGUES: Readonly<Record<string, Catalogue>> = {
  de,
  fr,
  es,
  'pt-BR': ptBR,
  it,
  nl,
  pl,
  ru,
  uk,
  tr,
  ja,
  'zh-Hans': zhHans,
  ko,
  vi,
  ar,
}
