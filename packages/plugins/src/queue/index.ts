/**
 * @agentry/plugins/queue: run queues beyond core's in-process `local` — `bullmq` (Redis or PostgreSQL),
 * shared by `agentry worker` processes on any host.
 * @module
 */
export { BullmqQueue, type BullmqQueueConfig } from './bullmq-queue.js';
