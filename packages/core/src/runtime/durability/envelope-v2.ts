/**
 * Reads format 2 of the head record (written by earlier versions): the same record as format 3 with a
 * sha256 checksum, `sha256(head text + "\n" + sha256(messages text) + "\n" + sha256(events text))`. Runs
 * checkpointed before the upgrade resume through this migration.
 */
import { hash } from 'node:crypto';
import { headChecksum, itemsText, textCrc } from './checkpoint-checksum.js';

const sha256 = (text: string) => hash('sha256', text, 'hex');

/**
 * The format 3 record of a stored format 2 one: its format 2 checksum is checked here and the record is
 * sealed again with the format 3 checksum. A record that fails the check keeps a checksum no content
 * matches, so the read that follows refuses it as corrupt (naming the run); a record without the checkpoint
 * shape is left to that read's shape check.
 */
export function fromVersion2(stored: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { head, messages, events, checksum } = stored;
  const next: Record<string, unknown> = { ...stored, schemaVersion: 3 };
  if (head === undefined || !Array.isArray(messages) || !Array.isArray(events)) return next;
  const headText = JSON.stringify(head);
  const messagesText = itemsText(messages);
  const eventsText = itemsText(events);
  const expected = sha256(`${headText}\n${sha256(messagesText)}\n${sha256(eventsText)}`);
  next.checksum =
    checksum === expected
      ? headChecksum(headText, textCrc(messagesText), textCrc(eventsText))
      : 'format 2 checksum does not match';
  return next;
}
