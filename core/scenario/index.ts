// The scenario layer's entry points: run a machine (simulate), the profile a run uses, what a run
// returns, and who a decoded message belongs to in it.
export { resolveProfile, simulate, type ScenarioStep, type SimulateOptions } from './simulate';
export type { DeviceBehaviour, IrteRow, SimulatedIrq, SimulationResult } from './result';
export { ownerOf } from './owner';
