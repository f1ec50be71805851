// The one place the local stack corrects an emulator, toward AWS: SQS counts receives in ApproximateReceiveCount, and
// local-aws-sqs also counts each ChangeMessageVisibility as one. Receive counts decide the redrive to the DLQ (and
// the worker's `exhausted`), and the worker changes a failed record's visibility on every retry (its backoff,
// lib/worker/retry-delay.ts): uncorrected, records would be dead-lettered after half the deliveries they get on AWS.
// This keeps a message's count across a visibility change, on every queue the emulator creates from now on. It
// relies on the emulator's internals (local-aws-sqs 2.x): test/integration/local-sqs-visibility-change.test.ts fails
// when they change, or when the emulator stops needing it.

let changingVisibility = false;
const patchedPrototypes = new WeakSet();

/** Makes the emulator `service` (local-aws-sqs `createRequestHandler().service`) count receives only. */
export function countReceivesOnly(service) {
  const queues = service.Queues;
  const push = queues.push;
  queues.push = (...added) => {
    for (const queue of added) patchQueue(queue);
    return push.apply(queues, added);
  };
}

function patchQueue(queue) {
  const prototype = Object.getPrototypeOf(queue);
  if (!patchedPrototypes.has(prototype)) {
    patchedPrototypes.add(prototype);
    const changeVisibility = prototype.changeVisibility;
    // Synchronous in the emulator: the flag covers exactly the count it adds.
    prototype.changeVisibility = function (...args) {
      changingVisibility = true;
      try {
        return changeVisibility.apply(this, args);
      } finally {
        changingVisibility = false;
      }
    };
  }
  const newRecord = queue.newRecord;
  queue.newRecord = (record, ...rest) => {
    keepCountOnVisibilityChange(record.attributes);
    return newRecord(record, ...rest);
  };
}

function keepCountOnVisibilityChange(attributes) {
  let count = attributes.ApproximateReceiveCount;
  Object.defineProperty(attributes, 'ApproximateReceiveCount', {
    enumerable: true,
    configurable: true,
    get: () => count,
    set: (value) => {
      if (!changingVisibility) count = value;
    },
  });
}
