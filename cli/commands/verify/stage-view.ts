import type { SSMClientConfig } from '@aws-sdk/client-ssm';

/** One function of the stage as verify sees it. */
export interface FunctionView {
  /** serverless.yml's name (`ingest`). */
  name: string;
  /** Its environment as it runs (the local endpoints file, or Lambda's configuration), else as serverless.yml defines it. */
  env: Record<string, string>;
  /** Its execution role, when known (deployed, read from Lambda): what the IAM simulation asks about. */
  roleArn?: string;
}

/** What verify needs to know of a stage beyond the CLI's Target: its functions' settings, its SSM, its topic. */
export interface StageView {
  stage: string;
  region: string;
  service: string;
  /** The local stack `npm start` runs (no IAM; secrets come from the shell through its SSM stand-in). */
  local: boolean;
  functions: FunctionView[];
  /** Where the functions' environment was read from, for the output. */
  environmentSource: string;
  /** serverless.yml's functions the stage does not have (deployed: Lambda knows no such function). */
  missingFunctions: string[];
  /** SSM as the operator reaches it: their credentials (locally the stand-in, with the local key). */
  ssm: SSMClientConfig;
  /** The notifications topic (the one the alarms are meant to reach); undefined when the stack does not name it. */
  topicArn: string | undefined;
  /** Why the topic is unknown, when it is. */
  topicUnknownBecause?: string;
  /** The SNS endpoint of the local stack (deployed: the SDK's default). */
  snsEndpoint?: string;
}
