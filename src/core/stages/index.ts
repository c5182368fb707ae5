export { type OpenStage, StageRecorder } from './recorder';
export type { StageTelemetry } from '../telemetry';
export { type StageInstruments, createStageInstruments } from './instruments';
export type { AgentStage, RetrievalDocument, RetrievalStage, StageValue, ToolStage, WorkflowStage } from './plans';
export { traceAgent, traceRetrieval, traceTool, traceWorkflow } from './global';
