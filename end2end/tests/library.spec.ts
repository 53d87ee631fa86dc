import { test, expect, type Page } from "@playwright/test";
import { commit, hydrated, register, startHttpbin } from "./helpers";

// The action library through the UI (issue 14): a builder finds the seeded hierarchy and
// its lineage, creates a child of "Generic REST API" whose code is refused beside the
// editor until it compiles, test-runs it against httpbin on 127.0.0.1 (accounts.spec's
// admin allow-lists it) and sees the output and the two-level log, approves it, and the
// page fits a phone.
const stamp = Date.now();
const who = { email: `library-${stamp}@example.com`, name: "Lib Rarian" };
const actionName = `Echo name ${stamp}`;

async function openLibrary(page: Page) {
  await page.goto("/library");
  await hydrated(page);
  await expect(page.getByTestId("library-list")).toBeVisible();
}

test.describe.serial("the action library", () => {
  test("a child of Generic REST API: compile errors, test run, approval", async ({ page }) => {
    test.setTimeout(120_000);
    const bin = await startHttpbin();
    try {
      await register(page, who);
      await openLibrary(page);

      // The seeded hierarchy, with its lineage.
      await page.getByTestId("library-search").fill("Salesforce Contact");
      await page.getByRole("button", { name: "Open library action Create Salesforce Contact" }).click();
      const editor = page.getByTestId("library-editor");
      await expect(editor.getByTestId("library-lineage")).toHaveText(
        "Generic REST API › Call Salesforce API › Create Salesforce Contact",
      );
      await expect(editor.getByTestId("library-status")).toHaveText("approved");

      // A new child: parameters, and code that does not compile yet.
      await page.getByTestId("library-search").fill("");
      await page.getByTestId("library-new").click();
      await expect(editor.getByRole("heading", { name: "New library action" })).toBeVisible();
      await commit(editor.getByTestId("library-name"), actionName);
      await editor.getByTestId("library-parent").selectOption({ label: "Generic REST API" });
      await editor.getByTestId("param-add").click();
      await editor.getByTestId("param-add").click();
      const params = editor.getByTestId("library-param");
      await expect(params).toHaveCount(2);
      await commit(params.nth(0).getByTestId("param-name"), "Name");
      await params.nth(0).getByTestId("param-required").check();
      await commit(params.nth(1).getByTestId("param-name"), "Base");
      await commit(
        editor.getByTestId("library-code"),
        "const r = await runAction('Generic REST API', {Method: 'POST', URL: context.params.Base + '/anything', Body: {name: context.params.Name}});\nreturn r.json.name +;",
      );
      await editor.getByTestId("library-save").click();
      await expect(editor.locator("#library-code-errors")).toContainText("SyntaxError");
      await commit(
        editor.getByTestId("library-code"),
        "const r = await runAction('Generic REST API', {Method: 'POST', URL: context.params.Base + '/anything', Body: {name: context.params.Name}});\nreturn {echoed: r.json.name};",
      );
      await editor.getByTestId("library-save").click();
      await expect(editor.getByTestId("library-status")).toHaveText("pending");
      await expect(editor.getByTestId("library-lineage")).toHaveText(`Generic REST API › ${actionName}`);

      // A test run: a required parameter left empty is named; then it reaches httpbin.
      const run = editor.getByTestId("library-test-run");
      await run.getByTestId("test-run").click();
      await expect(run.locator('[data-testid="test-param"][data-name="Name"] .field-error')).toContainText("required");
      await run.locator('[data-testid="test-param"][data-name="Name"] input').fill("Ada");
      await run.locator('[data-testid="test-param"][data-name="Base"] input').fill(bin.url);
      await run.getByTestId("test-run").click();
      await expect(run.getByTestId("test-run-ok")).toBeVisible({ timeout: 20_000 });
      await expect(run.getByTestId("test-run-output")).toContainText('"echoed": "Ada"');
      const items = run.getByTestId("activity-item");
      await expect(items.nth(0)).toContainText(actionName);
      await expect(items.nth(1)).toContainText("Generic REST API");
      await expect(items.nth(2)).toContainText("/anything");

      // Approval: recorded by the server.
      await editor.getByTestId("library-approve").click();
      await expect(editor.getByTestId("library-status")).toHaveText("approved");
      await expect(editor.getByTestId("library-code-versions")).toContainText("Code versions (1)");

      // A phone: nothing wider than the screen.
      await page.setViewportSize({ width: 390, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      bin.stop();
    }
  });
});
