// Options that set nothing skip the checks (issue 18): they resolve exactly as the same options
// going through every check do. Each part's defaults, resolved both ways.

import { describe, expect, it } from 'vitest'
import { resolveOptions as errorMapperOptions } from '../packages/error-mapper/src/options.js'
import { resolveOptions as loadShedderOptions } from '../packages/load-shedder/src/options.js'
import { resolveOptions as proxyShapeOptions } from '../packages/proxy-shape/src/options.js'
import { resolveOptions as timeoutGuardOptions } from '../packages/timeout-guard/src/options.js'

// The preset's shared options, left unset. Setting any option to a value, even its default,
// makes the same options go through every check.
const unset = { integration: 'auto', metrics: undefined, logger: undefined } as const

describe('options that set nothing resolve as checked options do', () => {
  it('proxy-shape', () => {
    expect(proxyShapeOptions({ ...unset, format: undefined })).toEqual(
      proxyShapeOptions({ mode: 'repair' }),
    )
  })

  it('timeout-guard', () => {
    expect(timeoutGuardOptions({ ...unset, format: undefined })).toEqual(
      timeoutGuardOptions({ format: 'problem' }),
    )
  })

  it('load-shedder', () => {
    const { telemetry: a, ...fast } = loadShedderOptions(unset)
    const { telemetry: b, ...full } = loadShedderOptions({ ...unset, status: 429 })
    expect(fast).toEqual(full)
    expect(Object.keys(a)).toEqual(Object.keys(b))
  })

  it('error-mapper', () => {
    expect(errorMapperOptions({ ...unset, format: undefined })).toEqual(
      errorMapperOptions({ throttleStatus: 503 }),
    )
  })
})
