/**
 * The live view for developers (Foxglove WebSocket) and the schemas bus recordings share with it
 * (docs/foxglove.md). Bus recordings themselves live in `src/record/bus-record.ts`.
 */
export { foxgloveChannels, type ChannelSpec, type ChannelOptions, type ImageMode } from './channels.js';
export { addFoxgloveOptions, addRecordBusOptions, parsePort, type FoxgloveCliOptions } from './options.js';
export { FOXGLOVE_SCHEMAS, genericSchema, genericSchemaName, runtimeTime } from './schemas.js';
export {
  DEFAULT_FOXGLOVE_PORT,
  DEFAULT_SEND_BUFFER_LIMIT_BYTES,
  startFoxgloveBridge,
  type FoxgloveBridgeHandle,
  type FoxgloveBridgeOptions,
  type FoxgloveBridgeStats,
  type FoxgloveChannelStats,
} from './server.js';
