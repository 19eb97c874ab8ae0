import { Aws, CfnResource, Stack, Token } from 'aws-cdk-lib'
import type { IFunction } from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'
import {
  alarmSpecs,
  type DashboardAlarmOptions,
  type DashboardApi,
  type DashboardOptions,
  dashboardBody,
  validateDashboardOptions,
} from './dashboard.js'

/** The parts of a CDK `RestApi` the dashboard reads. */
export interface RestApiLike {
  readonly restApiName: string
  readonly deploymentStage: { readonly stageName: string }
}

/** The parts of a CDK `HttpApi` the dashboard reads (`aws-cdk-lib/aws-apigatewayv2`). */
export interface HttpApiLike {
  readonly apiId: string
}

export interface GateproofDashboardProps {
  /** The EMF namespace of your Powertools `Metrics`. */
  readonly namespace: string
  /** The Powertools `service` dimension to filter on. */
  readonly service?: string
  /** The functions behind the API (Lambda widgets and one Throttles alarm each). */
  readonly functions?: readonly IFunction[]
  /** A REST API: metrics by its name and deployment stage. */
  readonly restApi?: RestApiLike
  /** An HTTP API: metrics by its id and `httpStage` (default `$default`). */
  readonly httpApi?: HttpApiLike
  readonly httpStage?: string
  /** Alarm action ARNs, e.g. an SNS topic's `topicArn`. */
  readonly alarmActions?: readonly string[]
  readonly alarms?: Omit<DashboardAlarmOptions, 'actions'> | false
  readonly dashboardName?: string
  readonly period?: number
  /** Also graph `AuthorizerOutcome` by outcome. */
  readonly authorizer?: boolean
  /** Also graph `StreamError` by reason. */
  readonly streaming?: boolean
}

/**
 * The gateproof dashboard and alarms as a CDK construct: the same widgets, queries and
 * thresholds as `toCloudFormationDashboard`, with CDK tokens for names and ARNs.
 */
export class GateproofDashboard extends Construct {
  /** The `AWS::CloudWatch::Dashboard`. */
  readonly dashboard: CfnResource
  /** The `AWS::CloudWatch::Alarm`s by id (`Throttles`, `ProxyShapeViolations`, `LoadShed`, `Timeouts`). */
  readonly alarms: Readonly<Record<string, CfnResource>>

  constructor(scope: Construct, id: string, props: GateproofDashboardProps) {
    super(scope, id)
    if (props.restApi !== undefined && props.httpApi !== undefined) {
      throw new TypeError(
        '@gateproof/observability: one dashboard per API: pass restApi or httpApi',
      )
    }
    const api: DashboardApi | undefined =
      props.restApi !== undefined
        ? {
            type: 'rest',
            name: props.restApi.restApiName,
            stage: props.restApi.deploymentStage.stageName,
          }
        : props.httpApi !== undefined
          ? { type: 'http', name: props.httpApi.apiId, stage: props.httpStage ?? '$default' }
          : undefined
    const options: DashboardOptions = {
      namespace: props.namespace,
      ...(props.service === undefined ? {} : { service: props.service }),
      ...(api === undefined ? {} : { api }),
      functions: (props.functions ?? []).map((fn) => fn.functionName),
      idPrefix: 'Gateproof',
      ...(props.period === undefined ? {} : { period: props.period }),
      ...(props.authorizer === undefined ? {} : { authorizer: props.authorizer }),
      ...(props.streaming === undefined ? {} : { streaming: props.streaming }),
      alarms:
        props.alarms === false
          ? false
          : { ...props.alarms, actions: [...(props.alarmActions ?? [])] },
    }
    validateDashboardOptions(options)

    const alarms: Record<string, CfnResource> = {}
    for (const spec of alarmSpecs(options)) {
      const key = spec.id.replace(/^Gateproof/, '')
      alarms[key] = new CfnResource(this, key, {
        type: 'AWS::CloudWatch::Alarm',
        properties: spec.properties,
      })
    }
    this.alarms = alarms
    const arns = Object.values(alarms).map((alarm) => Token.asString(alarm.getAtt('Arn')))
    const body = dashboardBody(options, (value) => String(value), Aws.REGION, arns)
    this.dashboard = new CfnResource(this, 'Dashboard', {
      type: 'AWS::CloudWatch::Dashboard',
      properties: {
        ...(props.dashboardName === undefined ? {} : { DashboardName: props.dashboardName }),
        DashboardBody: Stack.of(this).toJsonString(body),
      },
    })
  }
}
