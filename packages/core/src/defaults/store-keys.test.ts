import { describe, expect, it } from 'vitest';
import { decodeStoreSegment, encodeStoreSegment } from './store-keys.js';

describe('store key encoding', () => {
  it('gives keys with colons the same encoding whichever way it is found, and decodes them back', () => {
    const keys = ['run_a1:b00000000', ':', 'a::b', 'msg:run_a1:2:7', 'a:b c', 'a:b!', 'é:x', 'plain-id_1.2~'];
    for (const key of keys) {
      const encoded = encodeStoreSegment(key, 'key');
      expect(encoded).toBe(
        encodeURIComponent(key).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
      );
      expect(encoded).not.toContain(':');
      expect(decodeStoreSegment(encoded)).toBe(key);
    }
    expect(encodeStoreSegment('', 'key')).toBe('%');
  });
});
