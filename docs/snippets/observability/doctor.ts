import { doctor, formatFindings, loadTemplates } from '@gateproof/observability'

// Check every stack of a template or a `cdk synth` output directory, as `gateproof doctor` does.
const findings = []
for (const template of await loadTemplates('examples/rest-api/template.yaml')) {
  findings.push(...doctor(template, { sheddingLimits: { GetOrderFunction: 40 } }))
}
process.stdout.write(formatFindings(findings))
export const failed = findings.some((finding) => finding.severity === 'error')
