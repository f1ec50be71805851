/**
 * The real worker handler in a process of its own, given one SQS record (argv[2], JSON) as Lambda would hand it,
 * so a test can kill it mid-invocation (SIGKILL: no finally, no cleanup, like a Lambda runtime that dies).
 * It reads its configuration from the environment it is spawned with (the test stack's).
 */
import { handler } from '../../functions/worker';

const response = await handler({ Records: [JSON.parse(process.argv[2] ?? '{}')] });
process.stdout.write(`${JSON.stringify(response)}\n`);
