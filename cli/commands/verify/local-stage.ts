import { existsSync, readFileSync } from 'node:fs';
import type { StageView } from './stage-view';

/** The fields of the local stack's endpoints file (local/stack.ts writes it) that verify reads. */
export interface LocalStackFile {
  url: string;
  region: string;
  service: string;
  stage: string;
  queueUrl: string;
  ssmEndpoint: string;
  snsEndpoint?: string;
  notificationsTopicArn?: string;
  /** Each function's environment (no secrets: those are in the SSM stand-in). */
  environments?: Record<string, Record<string, string>>;
}

export function readLocalStackFile(file: string): LocalStackFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalStackFile;
  } catch {
    return undefined;
  }
}

/** The local stack signs with the stack's own key (local/local-credentials.ts). */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localStageView(info: LocalStackFile, file: string): StageView {
  return {
    stage: info.stage,
    region: info.region,
    service: info.service,
    local: true,
    functions: Object.entries(info.environments ?? {}).map(([name, env]) => ({ name, env })),
    environmentSource: `the local stack's endpoints file (${file})`,
    missingFunctions: [],
    ssm: { endpoint: info.ssmEndpoint, region: info.region, credentials: LOCAL_CREDENTIALS },
    topicArn: info.notificationsTopicArn,
    ...(info.notificationsTopicArn === undefined && { topicUnknownBecause: 'the endpoints file names no topic' }),
    ...(info.snsEndpoint !== undefined && { snsEndpoint: info.snsEndpoint }),
  };
}

export { LOCAL_CREDENTIALS };
