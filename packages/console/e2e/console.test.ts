import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  openBrowser,
  requireBuilt,
  type Served,
  screenshotPath,
  serveQuickstart,
  VIEWER_TOKEN,
} from './serve-process.js';

type Approval = { runId: string; callId: string; inputHash: string; tool: string };

let served: Served;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  requireBuilt();
  served = await serveQuickstart();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** Starts the quickstart run through the API and waits until it waits for its write. */
async function pendingWrite(): Promise<Approval> {
  const started = await served.api<{ runId: string }>('POST', '/api/v1/runs', {
    agent: 'assistant',
    input: 'Summarise notes.md into summary.md',
  });
  expect(started.status).toBe(202);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const inbox = await served.api<{ approvals: Approval[] }>('GET', '/api/v1/approvals');
    const approval = inbox.body.approvals.find((entry) => entry.runId === started.body.runId);
    if (approval) return approval;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the run never asked for its write');
}

async function signedIn(context: BrowserContext, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript((value) => sessionStorage.setItem('agentry.token', value), token);
  return page;
}

/**
 * A second config beside the served one, on the same SQLite file (`.agentry/agentry.db` next to both): an agent
 * whose every step runs `sleep 0.5` through the builtin shell tool, for a run that lasts long enough to stop.
 */
function sleeperConfig(): string {
  const steps = Array.from(
    { length: 40 },
    (_, index) =>
      `- { text: "Nap ${index + 1}", toolCalls: [{ tool: shell, input: { command: sleep, args: ["0.5"] } }] }`,
  );
  writeFileSync(path.join(served.dir, 'sleeper.script.yaml'), `${steps.join('\n')}\n- Awake.\n`);
  const config = path.join(served.dir, 'sleeper.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'store: sqlite',
      'models:',
      '  naps: { provider: scripted, script: ./sleeper.script.yaml }',
      'agents:',
      '  sleeper:',
      '    model: naps',
      '    durable: true',
      '    tools:',
      '      - { type: shell, config: { root: ./workspace, allowCommands: [sleep], approval: never } }',
      '    budget: { maxSteps: 50, maxToolCalls: 50, maxDurationMs: 60000 }',
      '',
    ].join('\n'),
  );
  return config;
}

const card = (page: Page, approval: Approval) => page.locator(`article[data-call-id="${approval.callId}"]`);

describe('the console in Chromium', () => {
  it('signs in, shows the runs list and the inbox, approves the pending write and the timeline completes', async () => {
    const cli = served.runCli('run', 'assistant', 'Summarise notes.md into summary.md');
    expect(cli.status, cli.stderr).toBe(3);
    const page = await browser.context.newPage();
    await page.goto(served.url);
    await page.getByLabel('Access token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('table.runs').textContent()).toContain('awaiting approval');
    await page.screenshot({ path: screenshotPath('runs-list'), fullPage: true });
    await page.setViewportSize({ width: 420, height: 820 });
    await page.screenshot({ path: screenshotPath('runs-list-narrow'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 820 });

    await page.getByRole('link', { name: /Approvals/ }).click();
    const approval = (await served.api<{ approvals: Approval[] }>('GET', '/api/v1/approvals')).body
      .approvals[0] as Approval;
    const entry = card(page, approval);
    await entry.waitFor();
    expect(await entry.textContent()).toContain('write-file');
    await page.screenshot({ path: screenshotPath('approvals-inbox'), fullPage: true });

    await entry.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => page.locator('.approval').count()).toBe(0);
    await page.goto(`${served.url}/runs/${approval.runId}`);
    await page.locator('.segment-end.completed').waitFor();
    expect(await page.locator('.figures').textContent()).toContain('completed');
    expect(await page.locator('.timeline').textContent()).toContain('Resumed after a decision');
    await page.screenshot({ path: screenshotPath('run-timeline'), fullPage: true });
    expect(readFileSync(path.join(served.dir, 'workspace/summary.md'), 'utf8')).toContain('# Summary');
    await page.close();
  });

  it("shows on a run's page which process drove each segment, each tool's output and each step's cost", async () => {
    const approval = await pendingWrite();
    const decided = await served.api(
      'POST',
      `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`,
      { decision: 'approve', inputHash: approval.inputHash },
    );
    expect(decided.status).toBe(202);
    const page = await signedIn(browser.context, ADMIN_TOKEN);
    await page.goto(`${served.url}/runs/${approval.runId}`);
    await page.locator('.segment-end.completed').waitFor();
    const run = await served.api<{ worker?: string }>('GET', `/api/v1/runs/${approval.runId}`);
    expect(run.body.worker).toBeTruthy();
    // The start and the resume after the decision, both driven by the serve process.
    expect(await page.locator('.segment-head .worker code').allTextContents()).toEqual([
      run.body.worker,
      run.body.worker,
    ]);
    // A short output shows as it is; a long one opens with a click.
    const write = page.locator('.call', { hasText: 'write-file' });
    expect(await write.locator('.output pre').isVisible()).toBe(true);
    expect(await write.locator('.output pre').textContent()).toContain('summary.md');
    const read = page.locator('.call', { hasText: 'read-file' });
    expect(await read.locator('.output pre').isVisible()).toBe(false);
    await read.locator('.output summary').click();
    expect(await read.locator('.output pre').textContent()).toContain('Meeting notes');
    // Every step cost something under the test's prices ($3 / $15 per million tokens).
    const costs = await page.locator('.step-cost').allTextContents();
    expect(costs.length).toBeGreaterThanOrEqual(4);
    for (const text of costs) expect(text).toMatch(/^\$0\.0\d*[1-9]\d*$/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('run-timeline-detail'), fullPage: true });
    await page.close();
  });

  it('sends input into a suspended run from its page; the next model step shows it, a finished run offers no box', async () => {
    const approval = await pendingWrite();
    const page = await signedIn(browser.context, ADMIN_TOKEN);
    await page.goto(`${served.url}/runs/${approval.runId}`);
    await page.getByRole('textbox', { name: 'Send input' }).fill('Keep the summary to three bullet points');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => page.locator('.send-input [role="status"]').textContent())
      .toContain('Sent as input #1');
    await page.screenshot({ path: screenshotPath('run-input-box') });
    await card(page, approval).getByRole('button', { name: 'Approve', exact: true }).click();
    await page.locator('.segment-end.completed').waitFor();
    const received = page.locator('.step .input-received');
    expect(await received.textContent()).toContain('input #1 Keep the summary to three bullet points');
    await page.screenshot({ path: screenshotPath('run-input-sent'), fullPage: true });
    expect(await page.getByRole('textbox', { name: 'Send input' }).count()).toBe(0);
    const refused = await served.api<{ code: string }>('POST', `/api/v1/runs/${approval.runId}/input`, {
      input: 'too late',
    });
    expect(refused.status).toBe(409);
    await page.close();
  });

  it('denies with a reason, and the reason shows on the call in the model step', async () => {
    const approval = await pendingWrite();
    const page = await signedIn(browser.context, ADMIN_TOKEN);
    await page.goto(`${served.url}/approvals`);
    const entry = card(page, approval);
    await entry.getByRole('button', { name: 'Deny…' }).click();
    // With the keyboard: Enter in the reason field sends the denial.
    await entry.getByLabel('Reason (the model is told)').fill('Write it to notes-summary.md instead');
    await entry.getByLabel('Reason (the model is told)').press('Enter');
    await expect.poll(() => card(page, approval).count()).toBe(0);
    await page.goto(`${served.url}/runs/${approval.runId}`);
    await page.locator('.segment-end.completed').waitFor();
    const denied = page.locator('.call.denied');
    expect(await denied.textContent()).toContain('Reason: Write it to notes-summary.md instead');
    const run = await served.api<{ status: string }>('GET', `/api/v1/runs/${approval.runId}`);
    expect(run.body.status).toBe('completed');
    await page.close();
  });

  it('shows a schema error for an edited input the tool refuses, and sends nothing', async () => {
    const approval = await pendingWrite();
    const page = await signedIn(browser.context, ADMIN_TOKEN);
    await page.goto(`${served.url}/approvals`);
    const entry = card(page, approval);
    await entry.getByRole('button', { name: 'Edit input' }).click();
    await entry.getByLabel('Input (JSON)').fill('{ "path": 42 }');
    await expect
      .poll(() => entry.locator('.problems').textContent())
      .toContain('input.path: expected string, got integer');
    expect(await entry.getByRole('button', { name: 'Approve edited input' }).isDisabled()).toBe(true);
    await entry.getByLabel('Input (JSON)').fill('{ "path": "out.md", "content": "x", ');
    await expect.poll(() => entry.locator('.problems').textContent()).toContain('not JSON');
    const still = await served.api<{ approvals: Approval[] }>('GET', '/api/v1/approvals');
    expect(still.body.approvals.map((entry) => entry.callId)).toContain(approval.callId);
    await page.close();
  });

  it('gives a viewer no approve button, and the API refuses its decision', async () => {
    const approval = await pendingWrite();
    const page = await signedIn(browser.context, VIEWER_TOKEN);
    await page.goto(`${served.url}/approvals`);
    const entry = card(page, approval);
    await entry.waitFor();
    expect(await entry.textContent()).toContain('Your role cannot decide approvals.');
    expect(await entry.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    const refused = await served.api<{ error: { code: string } }>(
      'POST',
      `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`,
      { decision: 'approve', inputHash: approval.inputHash },
      VIEWER_TOKEN,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('auth.forbidden');
    await page.close();
  });

  it('cancels a run that `agentry run` drives: the page says the cancel was requested, then shows the run cancelled', async () => {
    const cli = served.spawnCli(
      ['run', 'sleeper', 'Nap until told otherwise', '--no-interactive'],
      sleeperConfig(),
    );
    let page: Page | undefined;
    try {
      const runId = (await cli.waitFor(/▶ sleeper (run_\S+)/))[1] as string;
      // The first nap has begun in the other process; the server reads the run from the shared store.
      await cli.waitFor(/model step 1 ›/);
      const before = await served.api<{ status: string }>('GET', `/api/v1/runs/${runId}`);
      expect(before.body.status).toBe('running');

      page = await signedIn(browser.context, ADMIN_TOKEN);
      await page.goto(`${served.url}/runs/${runId}`);
      const answered = page.waitForResponse((response) => response.url().endsWith(`/runs/${runId}/cancel`));
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      expect((await answered).status()).toBe(202);
      const notice = page.getByRole('status').filter({ hasText: 'Cancel requested' });
      await notice.waitFor({ timeout: 5000 });
      expect(await notice.textContent()).toBe(
        'Cancel requested: the process driving this run stops it at its next step.',
      );
      await page.screenshot({ path: screenshotPath('run-cancel-requested') });

      // The process driving the run stops it after the nap in flight and exits as a cancelled run does.
      expect(await cli.exit(), cli.output()).toBe(1);
      expect(cli.output()).toContain('✖ cancelled · stop: cancelled');
      expect(cli.output()).toContain('Cancelled through the API [run.cancelled]');
      // Without a shared event bus the server hears nothing of the other process: the page reads the run itself.
      await page.locator('.figures .badge.cancelled').waitFor({ timeout: 10_000 });
      await page.locator('.segment-end.cancelled').waitFor();
      expect(await page.locator('.error').textContent()).toContain('Cancelled through the API');
      expect(await notice.count()).toBe(0);
      for (const name of ['Cancel', 'Interrupt', 'Resume'])
        expect(await page.getByRole('button', { name, exact: true }).isDisabled(), name).toBe(true);
      await page.screenshot({ path: screenshotPath('run-cancelled-remote') });
    } finally {
      await page?.close();
      await cli.kill();
    }
  });

  it('serves the console with a strict Content-Security-Policy and no token in the page', async () => {
    const response = await fetch(served.url);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe');
    expect(await response.text()).not.toContain(ADMIN_TOKEN);
  });
});
