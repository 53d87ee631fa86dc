import { test, expect, type Page, type Browser } from "@playwright/test";
import { hydrated, register, signIn } from "./helpers";

// The player end to end, against the real server and its seeded gallery templates: start a
// run from the gallery, watch conditions react, reload mid-run and resume, complete, find
// the run in My Runs, store it shared, start a pre-filled run from the Store, and check
// what a second user can and cannot see.
const stamp = Date.now();
const alice = { email: `alice-${stamp}@example.com`, name: "Alice Runner" };
const bob = { email: `bob-runner-${stamp}@example.com`, name: "Bob Reader" };
const template = "Customer satisfaction survey";
const storedName = `Survey of ${stamp}`;

let runUrl = "";
let prefilledUrl = "";


const saved = (page: Page) => expect(page.getByTestId("save-status")).toContainText("All changes saved");
const progress = (page: Page) => page.getByTestId("run-progress");
const stepTitle = (page: Page) => page.getByTestId("step-title");
const overall = (page: Page, stars: string) =>
  page.getByTestId("field-overall").getByRole("radio", { name: stars, exact: true });

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

test.describe.serial("player", () => {
  test("the gallery lists seeded templates and filters them", async ({ page }) => {
    await register(page, alice);
    await page.goto("/gallery");
    await expect(page.getByTestId("template-card").first()).toBeVisible();
    const all = await page.getByTestId("template-card").count();
    expect(all).toBeGreaterThan(1);
    await page.screenshot({ path: "artifacts/gallery.png", fullPage: true });

    await page.getByTestId("gallery-search").fill("satisfaction");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=satisfaction/);
    await expect(page.getByTestId("template-card")).toHaveCount(1);
    await expect(page.getByTestId("template-card")).toContainText(template);
    await expect(page.getByTestId("template-card")).toContainText("Feedback");

    await page.goto("/gallery?q=no-such-template-anywhere");
    await expect(page.getByTestId("gallery-empty")).toContainText("No template matches");
  });

  test("a run starts from the gallery; conditions update live; answers survive a reload", async ({ page }) => {
    await signIn(page, alice.email);
    await page.goto("/gallery?q=satisfaction");
    await hydrated(page);
    await page.getByRole("button", { name: `Run ${template}` }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    runUrl = page.url();
    await hydrated(page);

    await expect(stepTitle(page)).toHaveText("Your experience");

    // Opened directly, the player hydrates from the main bundle alone: the chunks of the
    // other pages (builder, gallery, admin…) are split off and never fetched here.
    const wasmFetched: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith(".wasm")) wasmFetched.push(new URL(r.url()).pathname);
    });
    await page.goto(runUrl);
    await hydrated(page);
    await expect(stepTitle(page)).toHaveText("Your experience");
    expect(wasmFetched).toEqual(["/pkg/wizard-platform.wasm"]);
    // …while the builder's chunk arrives when a builder opens it.
    const builderChunk = page.waitForRequest((r) => /split___my_wizards_route_view_\d+\.wasm$/.test(r.url()));
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My Wizards" }).click();
    await builderChunk;
    await expect(page.getByRole("heading", { name: "My wizards" })).toBeVisible();
    await page.goto(runUrl);
    await hydrated(page);
    // The "what went wrong" step is hidden until the answers call for it.
    await expect(progress(page)).toContainText("Step 1 of 2");

    // Next with nothing answered: required fields are flagged inline, nothing moves.
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("error-overall")).toContainText("required");
    await expect(page.getByTestId("error-recommend")).toContainText("required");
    await expect(stepTitle(page)).toHaveText("Your experience");

    await page.getByTestId("field-overall").getByTitle("2 stars").click();
    await expect(overall(page, "2 stars")).toBeChecked();
    await expect(page.getByTestId("error-overall")).toBeEmpty();
    await expect(progress(page)).toContainText("Step 1 of 3");
    // An untouched slider is unset; a key press where the thumb rests picks that value.
    const recommend = page.getByLabel("How likely are you to recommend us to a colleague?");
    await expect(page.getByTestId("value-recommend")).toHaveText("not set");
    await recommend.focus();
    await page.keyboard.press("Home");
    await expect(page.getByTestId("value-recommend")).toHaveText("0");
    await recommend.fill("3");
    await expect(page.getByTestId("value-recommend")).toHaveText("3");
    await saved(page);

    await page.getByTestId("run-next").click();
    await expect(stepTitle(page)).toHaveText("What went wrong");
    await expect(progress(page)).toContainText("Step 2 of 3");

    await page.getByLabel("It took too long").check();
    // The phone field follows the callback answer, both ways.
    await expect(page.getByTestId("field-phone")).toHaveCount(0);
    await page.getByLabel("Yes, please").check();
    await expect(page.getByTestId("field-phone")).toBeVisible();
    await page.getByLabel("No, thanks").check();
    await expect(page.getByTestId("field-phone")).toHaveCount(0);
    await page.getByLabel("Yes, please").check();
    await expect(page.getByTestId("field-phone")).toBeVisible();
    await page.getByLabel("Phone number").fill("not a phone");
    await page.getByLabel("Phone number").blur();
    await expect(page.getByTestId("error-phone")).toContainText("expected format");
    await expect(page.getByLabel("Phone number")).toHaveAttribute("aria-invalid", "true");
    await saved(page);
    await page.screenshot({ path: "artifacts/player-step.png", fullPage: true });

    // Reload mid-run: same step, every answer back.
    await page.reload();
    await hydrated(page);
    await expect(stepTitle(page)).toHaveText("What went wrong");
    await expect(progress(page)).toContainText("Step 2 of 3");
    await expect(page.getByLabel("It took too long")).toBeChecked();
    await expect(page.getByLabel("Yes, please")).toBeChecked();
    await expect(page.getByLabel("Phone number")).toHaveValue("not a phone");

    // The server refuses the step too; the message shows beside the field.
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("error-phone")).toContainText("expected format");
    await expect(stepTitle(page)).toHaveText("What went wrong");

    await page.getByLabel("Phone number").fill("+44 20 7946 0958");
    await expect(page.getByTestId("error-phone")).toBeEmpty();
    await page.getByTestId("run-next").click();
    await expect(stepTitle(page)).toHaveText("Anything else?");
    await expect(progress(page)).toContainText("Step 3 of 3");

    await page.getByTestId("run-back").click();
    await expect(stepTitle(page)).toHaveText("What went wrong");
    await expect(page.getByLabel("Phone number")).toHaveValue("+44 20 7946 0958");
    await page.getByTestId("run-next").click();
    await expect(stepTitle(page)).toHaveText("Anything else?");
  });

  test("a completed run is read-only and shows in My Runs under its status", async ({ page }) => {
    await signIn(page, alice.email);
    await page.goto(runUrl);
    await hydrated(page);
    await expect(stepTitle(page)).toHaveText("Anything else?");
    await page.getByRole("textbox", { name: "Comments" }).click();
    await page.keyboard.type("Quick and ");
    await page.keyboard.press("Control+b");
    await page.keyboard.type("kind");
    await saved(page);
    await page.getByTestId("run-complete").click();

    await expect(page.getByTestId("answer-overall")).toContainText("2 / 5");
    await expect(page.getByTestId("answer-problems")).toContainText("It took too long");
    await expect(page.getByTestId("answer-phone")).toContainText("+44 20 7946 0958");
    await expect(page.getByTestId("answer-comments").locator("b, strong")).toHaveText("kind");
    await expect(page.getByTestId("run-next")).toHaveCount(0);
    await expect(page.getByTestId("run-complete")).toHaveCount(0);
    await page.screenshot({ path: "artifacts/player-completed.png", fullPage: true });

    await page.goto("/runs?status=completed");
    const completed = page.getByTestId("runs-table");
    await expect(completed).toContainText(template);
    await expect(page.getByTestId("filter-completed")).toHaveAttribute("aria-current", "page");
    await page.goto("/runs?status=in_progress");
    await expect(page.getByTestId("runs-empty")).toBeVisible();
  });

  test("the run is stored shared and a new run starts pre-filled from the Store", async ({ page }) => {
    await signIn(page, alice.email);
    await page.goto(runUrl);
    await hydrated(page);
    await page.getByTestId("store-name").fill(storedName);
    await page.getByTestId("store-visibility").selectOption("shared");
    await page.getByTestId("store-save").click();
    await expect(page.getByRole("status").filter({ hasText: "Saved to the Store" })).toContainText(storedName);

    await page.goto("/store");
    await hydrated(page);
    const row = page.getByTestId("store-row").filter({ hasText: storedName });
    await expect(row).toContainText("Shared");
    await row.getByTestId("start-prefilled").click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    expect(page.url()).not.toBe(runUrl);
    prefilledUrl = page.url();
    await hydrated(page);
    await expect(stepTitle(page)).toHaveText("Your experience");
    await expect(overall(page, "2 stars")).toBeChecked();
    await expect(page.getByTestId("value-recommend")).toHaveText("3");
    await expect(progress(page)).toContainText("Step 1 of 3");
    await page.screenshot({ path: "artifacts/player-prefilled.png", fullPage: true });

    await page.goto("/runs?status=in_progress");
    await expect(page.getByTestId("runs-table")).toContainText(template);
    await page.goto("/runs");
    await expect(page.getByTestId("run-row")).toHaveCount(2);
    await page.screenshot({ path: "artifacts/my-runs.png", fullPage: true });
    await page.goto("/store");
    await page.screenshot({ path: "artifacts/store.png", fullPage: true });
  });

  test("another user sees the shared entry but not the first user's private runs", async ({ browser }) => {
    const page = await newPage(browser);
    await register(page, bob);
    await page.goto("/store");
    const row = page.getByTestId("store-row").filter({ hasText: storedName });
    await expect(row).toContainText(alice.name);
    await expect(row.getByRole("button", { name: /Remove/ })).toHaveCount(0);
    await row.getByRole("link", { name: `Open ${storedName}` }).click();
    await expect(page.getByTestId("answer-phone")).toContainText("+44 20 7946 0958");
    await expect(page.getByTestId("store-save")).toHaveCount(0);

    await page.goto("/runs");
    await expect(page.getByTestId("runs-empty")).toBeVisible();
    // Alice's pre-filled run is hers alone.
    await page.goto(prefilledUrl);
    await expect(page.getByRole("alert")).toBeVisible();
    await expect(page.getByTestId("step-title")).toHaveCount(0);
    await page.context().close();
  });

  test("files upload to the run with type checks, survive a reload and can be removed", async ({ page }) => {
    await signIn(page, alice.email);
    await page.goto("/gallery?q=bug");
    await hydrated(page);
    await page.getByRole("button", { name: "Run Bug report" }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    await hydrated(page);

    await page.getByTestId("field-title").getByRole("textbox").fill("Export drops the last row");
    await page.getByTestId("field-severity").getByLabel("Major").check();
    await page.getByRole("combobox", { name: "Component" }).selectOption("api");
    // The workaround box is disabled until the user says there is one.
    const workaround = page.getByTestId("field-workaround").getByRole("textbox");
    await expect(workaround).toBeDisabled();
    await page.getByTestId("field-has_workaround").getByLabel("Yes").check();
    await expect(workaround).toBeEnabled();
    await page.getByTestId("field-has_workaround").getByLabel("No").check();
    await expect(workaround).toBeDisabled();
    await saved(page);
    // The upload and rich-text widgets are not in the main bundle: their code is fetched
    // when a step needs them (app/src/components/deferred.rs).
    const wasmFetched: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith(".wasm")) wasmFetched.push(new URL(r.url()).pathname);
    });
    await page.getByTestId("run-next").click();
    await expect(stepTitle(page)).toHaveText("Details");

    const steps = page.getByRole("textbox", { name: "Steps to reproduce" });
    await page.getByRole("button", { name: "Bold" }).click();
    await steps.pressSequentially("Export");
    await page.getByRole("button", { name: "Bold" }).click();
    await steps.pressSequentially(" a table of 3 rows");
    expect(wasmFetched.some((p) => p.startsWith("/pkg/split_rich_text_widget_"))).toBe(true);
    expect(wasmFetched.some((p) => p.startsWith("/pkg/split_file_upload_widget_"))).toBe(true);

    const picker = page.getByLabel("Screenshots or logs");
    await picker.setInputFiles({ name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") });
    await expect(page.getByTestId("field-attachments").getByRole("alert")).toContainText("not an accepted type");
    await picker.setInputFiles({ name: "app.log", mimeType: "text/plain", buffer: Buffer.from("line 1\nline 2\n") });
    const link = page.getByTestId("field-attachments").getByRole("link", { name: "app.log" });
    await expect(link).toBeVisible();
    await saved(page);
    const href = await link.getAttribute("href");
    expect(href).toMatch(/^\/api\/v1\/files\/[0-9a-f-]{36}$/);
    const download = await page.request.get(href!);
    expect(download.status()).toBe(200);
    expect(await download.text()).toBe("line 1\nline 2\n");

    await page.reload();
    await hydrated(page);
    await expect(stepTitle(page)).toHaveText("Details");
    await expect(page.getByTestId("field-attachments").getByRole("link", { name: "app.log" })).toBeVisible();
    // The server rendered the editor with the saved text; the widget built from its chunk
    // took over and shows the same answer.
    await expect(steps).toHaveText("Export a table of 3 rows");
    await expect(steps.locator("b, strong")).toHaveText("Export");
    await expect(steps).toHaveAttribute("contenteditable", "true");
    await page.screenshot({ path: "artifacts/player-files.png", fullPage: true });
    await page.getByRole("button", { name: "Remove app.log" }).click();
    await expect(page.getByTestId("field-attachments").getByRole("link", { name: "app.log" })).toHaveCount(0);
    await saved(page);
    // Severity "major" makes the attachments required.
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("error-attachments")).toContainText("required");

    // Deleting asks first; the run is then gone from My Runs.
    await page.goto("/runs?status=in_progress");
    await hydrated(page);
    const row = page.getByTestId("run-row").filter({ hasText: "Bug report" });
    await expect(row).toHaveCount(1);
    page.once("dialog", (d) => d.accept());
    await row.getByRole("button", { name: "Delete run of Bug report" }).click();
    await expect(page.getByRole("status")).toContainText("was deleted");
    await expect(page.getByTestId("run-row").filter({ hasText: "Bug report" })).toHaveCount(0);
  });

  test("keyboard: stars are a radio group; phone-sized screens fit", async ({ page }) => {
    await signIn(page, alice.email);
    await page.goto(prefilledUrl);
    await hydrated(page);
    await overall(page, "2 stars").focus();
    await page.keyboard.press("ArrowRight");
    await expect(overall(page, "3 stars")).toBeChecked();
    // Still unhappy enough (a recommendation of 3) for the extra step...
    await expect(progress(page)).toContainText("Step 1 of 3");
    // ...until the recommendation rises too: the step is hidden again.
    const slider = page.getByLabel("How likely are you to recommend us to a colleague?");
    await slider.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    await expect(page.getByTestId("value-recommend")).toHaveText("8");
    await expect(progress(page)).toContainText("Step 1 of 2");
    await saved(page);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await hydrated(page);
    await expect(overall(page, "3 stars")).toBeChecked();
    // Half stars where the field allows them.
    const agent = page.getByTestId("field-agent_rating");
    await agent.getByTitle("3.5 stars").click();
    await expect(agent.getByRole("radio", { name: "3.5 stars", exact: true })).toBeChecked();
    await expect(agent).toContainText("3.5 / 5");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "artifacts/player-phone.png", fullPage: true });
  });

  test("answers survive a lost connection and leaving the page mid-typing", async ({ page }) => {
    await signIn(page, alice.email);
    await page.goto(prefilledUrl);
    await hydrated(page);
    await expect(overall(page, "3 stars")).toBeChecked();

    await page.context().setOffline(true);
    await page.getByTestId("field-overall").getByTitle("4 stars").click();
    await expect(page.getByTestId("save-status")).toContainText("Not saved");
    await page.context().setOffline(false);
    await page.getByTestId("save-status").getByRole("button", { name: "Retry" }).click();
    await saved(page);

    // Typing is saved after a short pause; leaving within it still saves the answer.
    await page.getByLabel("Roughly how many hours until your issue was solved?").fill("4.5");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My Runs" }).click();
    await expect(page.getByTestId("runs-table")).toBeVisible();
    await expect(async () => {
      await page.goto(prefilledUrl);
      await expect(page.getByLabel("Roughly how many hours until your issue was solved?")).toHaveValue("4.5", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(overall(page, "4 stars")).toBeChecked();
  });

  test("gallery search, filters and My Runs work without JavaScript", async ({ browser }) => {
    const anon = await browser.newContext({ javaScriptEnabled: false });
    const page = await anon.newPage();
    await page.goto("/gallery?q=bug&category=Engineering");
    await expect(page.getByTestId("template-card")).toHaveCount(1);
    await expect(page.getByTestId("template-card")).toContainText("Bug report");
    await expect(page.getByRole("link", { name: "Sign in to run" })).toBeVisible();
    await anon.close();

    const context = await browser.newContext({ javaScriptEnabled: false });
    const signed = await context.newPage();
    await signIn(signed, alice.email);
    await signed.goto("/runs");
    await signed.getByTestId("filter-completed").click();
    await expect(signed).toHaveURL(/status=completed/);
    await expect(signed.getByTestId("run-row")).toHaveCount(1);
    await expect(signed.getByTestId("run-row")).toHaveAttribute("data-status", "completed");
    await context.close();
  });
});
