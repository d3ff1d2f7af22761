// Entry of the start-up replay worker: TypeScript sources need tsx's loader
// in this thread too (a worker started under vitest or plain node lacks it).
import { register } from 'tsx/esm/api';

register();
await import('./replay-worker.ts');
