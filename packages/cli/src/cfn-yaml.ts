import { parse, type Tags } from 'yaml'

// CloudFormation's short-form intrinsics, each as the long form it stands for. A tag may
// be used on a scalar, a sequence or a mapping (`!Sub 'x'`, `!Sub ['x', { … }]`).
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'ToJsonString',
  'Length',
]

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value }
  // `!GetAtt Resource.Attribute` is the dotted form of `Fn::GetAtt: [Resource, Attribute]`.
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.')
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] }
  }
  return { [`Fn::${name}`]: value }
}

const CFN_TAGS: Tags = ['Ref', 'Condition', ...FUNCTIONS].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(name, value) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => longForm(name, seq.toJSON()),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (map: { toJSON(): unknown }) => longForm(name, map.toJSON()),
  },
])

/** Parses a CloudFormation/SAM template, YAML (with short-form tags) or JSON. */
export function parseTemplate(text: string): unknown {
  return parse(text, { customTags: CFN_TAGS, maxAliasCount: -1 })
}
