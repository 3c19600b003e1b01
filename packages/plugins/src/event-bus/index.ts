/**
 * @agentry/plugins/event-bus: event buses beyond core's in-process `mitt` —
 * `ndjson-file` (run logs), `console` (live view), `otel` (spans), `redis` (cross-process).
 * @module
 */
export {
  type ColorMode,
  ConsoleEventBus,
  type ConsoleEventBusOptions,
  type ConsoleOutput,
} from './console-event-bus.js';
export { formatEventLine } from './console-event-format.js';
export { NdjsonFileEventBus, type NdjsonFileEventBusOptions } from './ndjson-file-event-bus.js';
export { OtelEventBus, type OtelEventBusOptions } from './otel-event-bus.js';
export { RedisEventBus, type RedisEventBusOptions } from './redis-event-bus.js';
export { WrappingEventBus, type WrappingEventBusOptions } from './wrapping-event-bus.js';
