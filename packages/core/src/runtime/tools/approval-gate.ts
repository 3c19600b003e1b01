/** The approval gate: which action (allow, deny, ask) applies to one call, and how resume decisions are checked. */
import type { ApprovalAction, ApprovalPolicy, Decision, PendingCall } from '../../contracts/run.js';
import type { Tool, ToolContext } from '../../contracts/tool.js';
import { RunError } from '../../errors/agentry-error.js';

/**
 * The effective action for one call. Sources, from lowest to highest
 * precedence: the tool's own rule, the agent's `approvals`, the run request's
 * `approvals`, then sticky decisions of this run. Within one policy a tool's
 * own entry beats the policy's `default`. The tool's rule (which may be a
 * function of the input) is only evaluated when nothing above it decides;
 * only then is the answer a promise.
 */
export function resolveApproval(
  tool: Tool,
  input: unknown,
  context: ToolContext,
  agentPolicy: ApprovalPolicy | undefined,
  requestPolicy: ApprovalPolicy | undefined,
  sticky: { readonly [tool: string]: ApprovalAction },
): ApprovalAction | Promise<ApprovalAction> {
  const fromSticky = sticky[tool.name];
  if (fromSticky) return fromSticky;
  const fromRequest = policyAction(requestPolicy, tool.name);
  if (fromRequest) return fromRequest;
  const fromAgent = policyAction(agentPolicy, tool.name);
  if (fromAgent) return fromAgent;
  const rule = tool.approval;
  if (rule === 'never') return 'allow';
  if (rule === 'always') return 'ask';
  // Only a rule function can be asynchronous; every other source answers without a promise.
  return Promise.resolve(rule(input, context)).then((ask) => (ask ? 'ask' : 'allow'));
}

function policyAction(policy: ApprovalPolicy | undefined, toolName: string): ApprovalAction | undefined {
  if (!policy) return undefined;
  return policy.tools?.[toolName] ?? policy.default;
}

/**
 * Checks resume decisions against the run's pending calls: every pending call
 * needs exactly one decision of the right kind, and no decision may name a
 * call that is not pending. Throws `RunError('run.decision_invalid')`.
 */
export function checkDecisions(
  runId: string,
  pending: readonly PendingCall[],
  decisions: { readonly [callId: string]: Decision },
): void {
  const byId = new Map(pending.map((call) => [call.callId, call]));
  const listing = pending.map((call) => `${call.callId} (${call.tool}, ${call.reason})`).join(', ') || 'none';
  for (const [callId, decision] of Object.entries(decisions)) {
    const call = byId.get(callId);
    if (!call) {
      throw invalid(
        runId,
        callId,
        `Decision for "${callId}", which is not a pending call of run ${runId}`,
        listing,
      );
    }
    const isOutcome = typeof decision === 'object' && decision !== null && 'outcome' in decision;
    const isApproval = typeof decision === 'object' && decision !== null && 'approve' in decision;
    if (call.reason === 'approval' && !isApproval) {
      throw invalid(
        runId,
        callId,
        `Call "${callId}" awaits approval: decide { approve: true } or { approve: false, reason }`,
        listing,
      );
    }
    if (isApproval) checkInputHash(runId, call, decision, listing);
    if (call.reason === 'outcome_unknown' && !isOutcome) {
      throw invalid(
        runId,
        callId,
        `Call "${callId}" has an unknown outcome: decide { outcome: 'retry' | 'skip' | 'fail' }`,
        listing,
      );
    }
  }
  const missing = pending.filter((call) => !Object.hasOwn(decisions, call.callId));
  if (missing.length > 0) {
    throw invalid(
      runId,
      missing[0]!.callId,
      `Missing decision for pending call(s): ${missing.map((call) => `${call.callId} (${call.tool})`).join(', ')}`,
      listing,
    );
  }
}

/** An approval or denial made for another input than the pending call's (the `inputHash` it carries differs). */
function checkInputHash(runId: string, call: PendingCall, decision: Decision, listing: string): void {
  const given = (decision as { inputHash?: unknown }).inputHash;
  if (given === undefined || given === call.inputHash) return;
  const shown = typeof given === 'string' ? given.slice(0, 12) : JSON.stringify(given);
  throw new RunError('run.decision_invalid', {
    message: `The decision for call "${call.callId}" (${call.tool}) was made for another input (hash ${shown}); the pending call's input changed (hash ${call.inputHash.slice(0, 12)})`,
    hint: `Review the pending call's current input and decide again with its inputHash. Pending calls of run ${runId}: ${listing}.`,
    context: { runId, callId: call.callId, tool: call.tool },
  });
}

function invalid(runId: string, callId: string, message: string, listing: string): RunError {
  return new RunError('run.decision_invalid', {
    message,
    hint: `Pending calls of run ${runId}: ${listing}. Give one decision per pending call id.`,
    context: { runId, callId },
  });
}
