export { type Command, type CommandIo, doctorCommand } from './command.js'
export {
  type CloudFormationResource,
  type CloudFormationValue,
  type DashboardAlarmOptions,
  type DashboardApi,
  type DashboardOptions,
  toCloudFormationDashboard,
} from './dashboard.js'
export { doctor, doctorRules } from './doctor.js'
export { type Finding, SEVERITIES, type Severity } from './findings.js'
export { type FormatOptions, formatFindings, summaryLine } from './format.js'
export { buildModel, type DeploymentModel } from './model.js'
export type { DoctorOptions } from './rules.js'
export {
  CLOUDFORMATION_TAGS,
  loadTemplate,
  loadTemplates,
  parseDocumentText,
  parseTemplate,
  type Template,
  TemplateError,
  type TemplateResource,
} from './template.js'
