// <module>#<export>: a '#' in the file name itself ("report#2.mjs") is part of the path when no
// #<export> follows it, as one in a directory name is ("we#b/handler.mjs"): what follows it is a
// module file name (it ends in .mjs, .js, .cjs, .ts …), never an export.
import { describe, expect, it } from 'vitest'
import { parseTarget } from '../src/load-handler.js'

describe('<module>#<export> with a # in the file name (issue 13)', () => {
  it.each(['report#2.mjs', 'dist/v#1.js', 'src/a#b.ts', 'legacy#old.cjs', 'x#y.mts', 'x#y.cts'])(
    '%s is a module, its export the default',
    (target) => {
      expect(parseTarget(target)).toEqual({ modulePath: target, exportName: 'handler' })
    },
  )

  it('an export after it is still read: report#2.mjs#main', () => {
    expect(parseTarget('report#2.mjs#main')).toEqual({
      modulePath: 'report#2.mjs',
      exportName: 'main',
    })
  })
})
