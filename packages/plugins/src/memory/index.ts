/**
 * @agentry/plugins/memory: memories that shape what an agent remembers across
 * runs (`buffer`, `window`, `summary`, `persistent`, `chain`).
 * @module
 */
export { BufferMemory, type BufferMemoryConfig } from './buffer-memory.js';
export { ChainMemory, type ChainMemoryConfig } from './chain-memory.js';
export { PersistentMemory, type PersistentMemoryConfig } from './persistent-memory.js';
export { SummaryMemory, type SummaryMemoryConfig } from './summary-memory.js';
export { WindowMemory, type WindowMemoryConfig } from './window-memory.js';
