import { startTestStack } from './test/helpers/test-stack';
const n = Number(process.argv[2] ?? 1);
for (let i = 0; i < n; i++) { const s = await startTestStack(); await s.stop(); }
