/** A one-line progress bar on stderr when it is a terminal and the job is large; silent otherwise (pipes, CI). */
export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr, threshold = 20) {
  const shown = stream.isTTY === true && total >= threshold;
  return {
    update(done: number, all: number = total) {
      if (!shown) return;
      const width = 30;
      const filled = Math.round((done / Math.max(all, 1)) * width);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${all} queued`);
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}
