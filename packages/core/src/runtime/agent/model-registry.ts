/** The models of a runtime by name, with a did-you-mean for unknown names. */
import { suggestionHint } from '../../config/did-you-mean.js';
import type { Model, ModelRegistry } from '../../contracts/model.js';
import { ConfigError } from '../../errors/agentry-error.js';

/** A fixed map of named models. */
export class NamedModels implements ModelRegistry {
  constructor(private readonly models: ReadonlyMap<string, Model>) {}

  get(name: string): Model {
    const model = this.models.get(name);
    if (model) return model;
    const suggestion = suggestionHint(name, this.models.keys());
    throw new ConfigError('config.invalid', {
      message: `No model named "${name}"${suggestion ? `; ${suggestion}` : ''}`,
      hint: `Declare it under models: (configured: ${this.names().join(', ') || 'none'}), or pass it in createRuntime({ models }).`,
    });
  }

  names(): string[] {
    return [...this.models.keys()];
  }
}
