/** issue_refund: an approval-gated tool defined in code, writing to a refund ledger the host application owns. */
import { defineTool, type Tool } from '@agentry/core';
import { z } from 'zod';

/** One refund that was paid out. */
export interface Refund {
  orderId: string;
  amountCents: number;
  /** The call's idempotency key: a payment API would dedupe on it. */
  idempotencyKey: string;
}

/** Where refunds go; in a real service this is the payment provider's API. */
export class RefundLedger {
  readonly refunds: Refund[] = [];

  /** Pays a refund once per idempotency key; a repeated key returns the first refund. */
  pay(refund: Refund): Refund {
    const earlier = this.refunds.find((entry) => entry.idempotencyKey === refund.idempotencyKey);
    if (earlier) return earlier;
    this.refunds.push(refund);
    return refund;
  }
}

/**
 * A tool that moves money, so it always needs a human decision
 * (`approval: 'always'`) and declares `sideEffects: 'unsafe'`.
 */
export function createRefundTool(ledger: RefundLedger): Tool {
  const tool = defineTool({
    name: 'issue_refund',
    description: 'Refunds an amount (in cents) for an order. Needs approval.',
    input: z.strictObject({
      orderId: z.string().min(1).describe('The order to refund.'),
      amountCents: z.int().positive().max(1_000_000).describe('Amount in cents.'),
    }),
    sideEffects: 'unsafe',
    approval: 'always',
    execute: ({ orderId, amountCents }, context) => {
      context.signal.throwIfAborted();
      const refund = ledger.pay({ orderId, amountCents, idempotencyKey: context.idempotencyKey });
      return { refunded: true, orderId: refund.orderId, amountCents: refund.amountCents };
    },
  });
  // A tool typed for its own input is a `Tool` of unknown input once handed to the runtime.
  return tool as Tool;
}
