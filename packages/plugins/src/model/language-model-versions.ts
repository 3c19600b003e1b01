/**
 * Accepts AI SDK language models of every provider specification Agentry knows: v2 and v3 (AI SDK 5 and 6
 * providers) as they are, v4 (AI SDK 7 providers, `LanguageModelV4`) through an adapter to v3, so the
 * AI SDK 6 that Agentry runs on (Node 20) can drive a model built with AI SDK 7 (Node 22+).
 */
import { PluginError } from '@agentry/core';
import type { LanguageModel } from 'ai';

/** The AI SDK 6 model interface (`LanguageModelV3`), as `ai` exposes it. */
export type LanguageModelV3 = Extract<LanguageModel, { specificationVersion: 'v3' }>;
/** A language model object of any specification version `ai` 6 can drive once adapted. */
export type LanguageModelObject = Exclude<LanguageModel, string>;

type Part = { readonly type: string; readonly [key: string]: unknown };
type Message = { readonly role: string; readonly content: string | readonly Part[] };
type V3CallOptions = Parameters<LanguageModelV3['doGenerate']>[0];
type V3GenerateResult = Awaited<ReturnType<LanguageModelV3['doGenerate']>>;
type V3StreamResult = Awaited<ReturnType<LanguageModelV3['doStream']>>;

/** What a v4 model looks like from here: the v3 shape with v4 prompt, content and stream parts. */
interface LanguageModelV4Like {
  readonly specificationVersion: 'v4';
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls: unknown;
  doGenerate(options: unknown): PromiseLike<{ content: Part[]; finishReason: unknown } & object>;
  doStream(options: unknown): PromiseLike<{ stream: ReadableStream<Part> } & object>;
}

/** Spec versions this module accepts, for error messages. */
export const SUPPORTED_SPECIFICATION_VERSIONS = ['v2', 'v3', 'v4'] as const;

/**
 * True for an object shaped like an AI SDK language model (`specificationVersion`, `provider`, `modelId`,
 * `doGenerate`, `doStream`), whatever its version.
 */
export function isLanguageModelObject(value: unknown): value is { readonly specificationVersion: string } {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.specificationVersion === 'string' &&
    typeof candidate.modelId === 'string' &&
    typeof candidate.doGenerate === 'function' &&
    typeof candidate.doStream === 'function'
  );
}

/**
 * Returns a model `ai` 6 can call: v2 and v3 models unchanged, a v4 model wrapped so that its prompt,
 * content and stream speak v3. Throws `plugin.spec_version_unsupported` for any other version.
 */
export function toLanguageModel(model: { readonly specificationVersion: string }): LanguageModelObject {
  switch (model.specificationVersion) {
    case 'v2':
    case 'v3':
      return model as LanguageModelObject;
    case 'v4':
      return fromV4(model as LanguageModelV4Like);
    default: {
      const { provider, modelId } = model as { provider?: unknown; modelId?: unknown };
      throw new PluginError('plugin.spec_version_unsupported', {
        message: `AI SDK model "${String(provider)}/${String(modelId)}" implements language model specification "${model.specificationVersion}"; Agentry accepts ${SUPPORTED_SPECIFICATION_VERSIONS.join(', ')}`,
        hint: 'Use a provider package of AI SDK 5, 6 or 7 (@ai-sdk/openai 2.x–4.x …), or wrap the model in your own Agentry Model.',
      });
    }
  }
}

/** A v3 view of a v4 model: every property is the model's own, the calls convert on the way in and out. */
function fromV4(model: LanguageModelV4Like): LanguageModelV3 {
  const adapted = {
    specificationVersion: 'v3',
    get provider() {
      return model.provider;
    },
    get modelId() {
      return model.modelId;
    },
    get supportedUrls() {
      return model.supportedUrls;
    },
    async doGenerate(options: V3CallOptions) {
      const result = await model.doGenerate(toV4Options(options));
      return {
        ...result,
        content: result.content.flatMap(toV3Part),
        finishReason: toV3FinishReason(result.finishReason),
      } as unknown as V3GenerateResult;
    },
    async doStream(options: V3CallOptions) {
      const result = await model.doStream(toV4Options(options));
      const stream = result.stream.pipeThrough(
        new TransformStream<Part, Part>({
          transform(part, controller) {
            for (const converted of toV3Part(part)) controller.enqueue(converted);
          },
        }),
      );
      return { ...result, stream } as unknown as V3StreamResult;
    },
  };
  return adapted as unknown as LanguageModelV3;
}

function toV4Options(options: V3CallOptions): unknown {
  const prompt = (options.prompt as readonly Message[]).map((message) =>
    typeof message.content === 'string'
      ? message
      : { ...message, content: message.content.map(toV4PromptPart) },
  );
  return { ...options, prompt };
}

/** v4 tags file data (`{ type: 'data' | 'url', … }`); v3 passes bytes, base64 or a URL directly. */
function toV4PromptPart(part: Part): Part {
  if (part.type === 'file') return { ...part, data: toV4FileData(part.data) };
  if (part.type === 'tool-result') {
    const output = part.output as Part;
    if (output.type !== 'content') return part;
    const value = (output.value as Part[]).map((item): Part => {
      if (item.type === 'file-data') {
        const { data, mediaType, filename, providerOptions } = item;
        return { type: 'file', data: { type: 'data', data }, mediaType, filename, providerOptions };
      }
      if (item.type === 'file-url') {
        const { url, providerOptions } = item;
        return { type: 'file', data: { type: 'url', url: new URL(String(url)) }, providerOptions };
      }
      return item;
    });
    return { ...part, output: { ...output, value } };
  }
  return part;
}

function toV4FileData(data: unknown): unknown {
  return data instanceof URL ? { type: 'url', url: data } : { type: 'data', data };
}

/**
 * One v4 content or stream part as v3 parts: generated files lose their tag; parts v3 has no type for
 * (`custom`, `reasoning-file`, keep-alive `ping`) are dropped, since nothing in a v3 response can carry them.
 */
function toV3Part(part: Part): Part[] {
  switch (part.type) {
    case 'custom':
    case 'reasoning-file':
    case 'ping':
      return [];
    case 'file': {
      const data = part.data as { type: string; data?: unknown };
      return data.type === 'data' ? [{ ...part, data: data.data }] : [];
    }
    case 'finish':
      return [{ ...part, finishReason: toV3FinishReason(part.finishReason) }];
    default:
      return [part];
  }
}

/** v4 adds `interrupted`; v3 reports it as `other` with the raw reason kept. */
function toV3FinishReason(reason: unknown): unknown {
  const value = reason as { unified?: string; raw?: string };
  return value.unified === 'interrupted' ? { ...value, unified: 'other' } : reason;
}
