// Makes the SQS emulator (local-aws-sqs) answer a ReceiveMessage at once when messages are there, as SQS does.
//
// local-aws-sqs gathers a receive's messages with `setInterval(scan, 10)` and a deadline of 40 ms + WaitTimeSeconds:
// its first look at the queue comes 10 ms after the request, so every receive took at least 10-13 ms, messages
// waiting or not. The local event source receives once per batch, so that tick, not the machine, bounded how fast
// the worker could drain a backlog (five pollers: ~60 ms per batch cycle, a quarter of it waiting on the tick).
// Installed in the SQS emulator's own process (local/emulator-main.mjs), this runs each 10 ms interval's callback
// once right away as well (on the next turn of the loop, after the emulator has the interval's handle, so the scan
// can clear it when the batch is full). The scan itself is unchanged: what it takes, how it hides what it takes,
// when it stops. Nothing else in that process uses a 10 ms interval. SQS_RECEIVE_NOW=off turns it off.
const TICK_MS = 10;

export function installImmediateReceive(mode = 'on') {
  if (mode === 'off') return;
  const setIntervalOriginal = globalThis.setInterval;
  globalThis.setInterval = function setInterval(callback, ms, ...args) {
    const handle = setIntervalOriginal(callback, ms, ...args);
    if (ms === TICK_MS && typeof callback === 'function') {
      // Skipped if the scan's deadline or a full batch already cleared the interval.
      setImmediate(() => {
        if (!handle._destroyed) callback(...args);
      });
    }
    return handle;
  };
}
