/** Fixture: a memory plugin written in TypeScript, as a class with a static definition. */
import { z } from 'zod';

interface Message {
  role: string;
  content: string;
}

const configSchema = z.strictObject({
  size: z.number().int().positive().default(1),
  apiToken: z.string().optional(),
});

type MyMemoryConfig = z.output<typeof configSchema>;

export class MyMemory {
  readonly kind = 'memory' as const;
  readonly specVersion = 1 as const;
  readonly kept: Message[] = [];

  static readonly plugin = {
    kind: 'memory' as const,
    name: 'my-memory',
    specVersion: 1,
    description: 'Keeps the last few messages',
    configSchema,
    create: (config: MyMemoryConfig, deps: { baseDir: string }) => new MyMemory(config, deps.baseDir),
  };

  constructor(
    readonly config: MyMemoryConfig,
    readonly baseDir: string,
  ) {}

  async inject(): Promise<{ messages: Message[] }> {
    return { messages: this.kept.slice(-this.config.size) };
  }

  async writeback(): Promise<void> {}
}
