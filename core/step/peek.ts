// The commands a stepping session answers ahead of time (StepSession.peek): the page is given
// their answers at a stop and shows one the moment its key goes down. Apart from the session so
// that the API's channel table (read by the page too) names them without loading a worker.
export const PEEK_OPS = ['step', 'into', 'over', 'out', 'back'] as const;
export type PeekOp = (typeof PEEK_OPS)[number];
