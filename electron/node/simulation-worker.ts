// The worker thread simulations run in, so that a long boot (the huge preset takes seconds)
// never blocks the host answering the UI. One message in, one answer out.
import { parentPort } from 'node:worker_threads';
import { runSimulationRequest } from '../api/simulation';
import type { RequestOf } from '../api/channels';

parentPort!.on('message', (request: RequestOf<'machine.simulate'>) => {
  try {
    parentPort!.postMessage({ ok: true, value: runSimulationRequest(request) });
  } catch (err) {
    parentPort!.postMessage({ ok: false, message: (err as Error).message });
  }
});
