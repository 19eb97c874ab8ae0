import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { type CollectionTag, parseDocument, type ScalarTag } from 'yaml'

/** A CloudFormation resource as written: `Type`, `Properties` and the rest. */
export interface TemplateResource {
  Type: string
  Properties?: Record<string, unknown>
  Metadata?: Record<string, unknown>
  Condition?: string
  DependsOn?: string | string[]
  [key: string]: unknown
}

/** One CloudFormation or SAM template, with intrinsic functions in their long JSON form. */
export interface Template {
  /** Where it came from: a file path, or `<assembly>#<stack>` for a CDK cloud assembly. */
  source: string
  /** True when the template is SAM (`Transform: AWS::Serverless-2016-10-31`). */
  sam: boolean
  /** `Globals` of a SAM template. */
  globals: Record<string, Record<string, unknown>>
  resources: Record<string, TemplateResource>
  parameters: Record<string, Record<string, unknown>>
}

/** A template that cannot be read: a clear message, never a crash further down. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError'
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`)
  }
}

/**
 * The CloudFormation short forms. `!Ref X` is `{ Ref: X }`, `!GetAtt A.B` is
 * `{ 'Fn::GetAtt': ['A', 'B'] }`, every other `!Name` is `{ 'Fn::Name': value }`; each works
 * on a scalar, a sequence or a mapping, as the YAML that `aws cloudformation` accepts does.
 */
const SHORT_FORMS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Length',
  'ToJsonString',
] as const

type Tag = ScalarTag | CollectionTag

function tagsFor(name: string, wrap: (value: unknown) => unknown): Tag[] {
  const tag = `!${name}`
  return [
    { tag, resolve: (value: string) => wrap(value) } as ScalarTag,
    {
      tag,
      collection: 'seq',
      resolve: (seq) => wrap((seq as { toJSON(): unknown }).toJSON()),
    } as CollectionTag,
    {
      tag,
      collection: 'map',
      resolve: (map) => wrap((map as { toJSON(): unknown }).toJSON()),
    } as CollectionTag,
  ]
}

const getAtt = (value: unknown): unknown => {
  if (typeof value !== 'string') return { 'Fn::GetAtt': value }
  const at = value.indexOf('.')
  return { 'Fn::GetAtt': at === -1 ? [value] : [value.slice(0, at), value.slice(at + 1)] }
}

export const CLOUDFORMATION_TAGS: Tag[] = [
  ...tagsFor('Ref', (value) => ({ Ref: value })),
  ...tagsFor('Condition', (value) => ({ Condition: value })),
  ...tagsFor('GetAtt', getAtt),
  ...SHORT_FORMS.flatMap((name) => tagsFor(name, (value) => ({ [`Fn::${name}`]: value }))),
]

/**
 * Parses a template's text: JSON when it is JSON, else YAML with the CloudFormation short
 * forms. Unknown tags and syntax errors become a `TemplateError` naming the source.
 */
export function parseTemplate(text: string, source = '<template>'): Template {
  return normaliseTemplate(parseDocumentText(text, source), source)
}

/**
 * JSON or YAML (with the CloudFormation short forms) as plain data, for documents a template
 * points at — an OpenAPI `DefinitionUri` or an `AWS::Include` location. Errors as `parseTemplate`'s.
 */
export function parseDocumentText(text: string, source = '<document>'): unknown {
  // A UTF-8 byte order mark (Windows editors, PowerShell's UTF8) is not part of the document: JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  try {
    return body.trimStart().startsWith('{') ? JSON.parse(body) : parseYaml(body)
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new TemplateError(source, `not valid JSON or YAML: ${reason}`)
  }
}

function parseYaml(text: string): unknown {
  const document = parseDocument(text, {
    customTags: CLOUDFORMATION_TAGS,
    prettyErrors: true,
  })
  // An unknown tag is only a warning to the yaml package; to CloudFormation it is an error.
  const [problem] = [...document.errors, ...document.warnings]
  if (problem !== undefined) throw problem
  return document.toJS({ maxAliasCount: 1000 })
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checks the document is a template and gives it one shape, whatever sections it lacks. */
export function normaliseTemplate(document: unknown, source: string): Template {
  if (!isRecord(document)) throw new TemplateError(source, 'a template is a mapping')
  const { Resources, Transform, Globals, Parameters } = document
  if (!isRecord(Resources)) {
    throw new TemplateError(source, 'no Resources section: this is not a CloudFormation template')
  }
  // Null-prototype maps: a logical id such as `constructor` or `__proto__` is just an id.
  const resources: Record<string, TemplateResource> = Object.create(null)
  for (const [id, resource] of Object.entries(Resources)) {
    if (!isRecord(resource) || typeof resource.Type !== 'string') {
      throw new TemplateError(source, `resource ${id} has no Type`)
    }
    if (resource.Properties !== undefined && !isRecord(resource.Properties)) {
      throw new TemplateError(source, `resource ${id} has Properties that are not a mapping`)
    }
    resources[id] = resource as TemplateResource
  }
  const transforms = Array.isArray(Transform) ? Transform : [Transform]
  return {
    source,
    sam: transforms.some((t) => typeof t === 'string' && t.startsWith('AWS::Serverless')),
    globals: nullPrototype(Globals) as Template['globals'],
    resources,
    parameters: nullPrototype(Parameters) as Template['parameters'],
  }
}

function nullPrototype(value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null)
  if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) copy[key] = isRecord(inner) ? inner : {}
  }
  return copy
}

interface AssemblyManifest {
  artifacts?: Record<
    string,
    { type?: string; properties?: { templateFile?: string }; displayName?: string }
  >
}

/**
 * Reads the templates at `path`: a YAML or JSON template file, a CDK cloud assembly
 * directory (`cdk.out`, one template per stack, nested assemblies of stages included), or
 * its `manifest.json`.
 */
export async function loadTemplates(path: string): Promise<Template[]> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) throw new TemplateError(path, 'no such file or directory')
  if (info.isDirectory()) return loadAssembly(path)
  if (basename(path) === 'manifest.json') return loadAssembly(dirname(path))
  return [parseTemplate(await readFile(path, 'utf8'), path)]
}

/** Reads one template; a cloud assembly must then hold exactly one stack. */
export async function loadTemplate(path: string): Promise<Template> {
  const templates = await loadTemplates(path)
  if (templates.length !== 1) {
    throw new TemplateError(
      path,
      `holds ${templates.length} stacks; use loadTemplates() to read them all`,
    )
  }
  return templates[0] as Template
}

async function loadAssembly(directory: string): Promise<Template[]> {
  const manifestPath = join(directory, 'manifest.json')
  let manifest: AssemblyManifest
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as AssemblyManifest
  } catch {
    // A directory of plain templates (e.g. `cdk synth -o dir` without a manifest).
    const files = (await readdir(directory)).filter((file) => file.endsWith('.template.json'))
    if (files.length === 0) {
      throw new TemplateError(directory, 'a directory must be a CDK cloud assembly (cdk.out)')
    }
    return Promise.all(
      files.sort().map(async (file) => {
        const path = join(directory, file)
        return parseTemplate(await readFile(path, 'utf8'), path)
      }),
    )
  }
  const templates: Template[] = []
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const path = join(directory, artifact.properties.templateFile)
      const template = parseTemplate(await readFile(path, 'utf8'), path)
      templates.push({ ...template, source: `${directory}#${artifact.displayName ?? id}` })
    } else if (artifact.type === 'cdk:cloud-assembly') {
      const nested = (artifact.properties as { directoryName?: string } | undefined)?.directoryName
      if (nested) templates.push(...(await loadAssembly(join(directory, nested))))
    }
  }
  if (templates.length === 0) throw new TemplateError(directory, 'the cloud assembly has no stacks')
  return templates
}
