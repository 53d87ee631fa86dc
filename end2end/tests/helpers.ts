import { expect, type Page } from "@playwright/test";

// What several specs do the same way: accounts, signing in, and waiting for hydration.
export const password = "correct horse battery";

export async function register(page: Page, who: { email: string; name: string }) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("whoami")).toContainText(who.name);
}

export async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // On failure, say what the page said (a refused password, a rate limit) rather than only
  // that the signed-in marker is missing.
  await page.getByTestId("whoami").waitFor({ timeout: 10_000 }).catch(async () => {
    const said = (await page.locator("main").innerText().catch(() => "")).slice(0, 400);
    throw new Error(`signing in as ${email} failed; the page says: ${said}`);
  });
}

// The layout sets the marker only once the page's own chunk (lazy routes) and any
// deferred widget have arrived and hydrated (app/src/components/loading.rs). A bundle on a
// busy two-core machine can take a while to compile.
export async function hydrated(page: Page) {
  await expect(page.locator('main[data-hydrated="true"]')).toBeVisible({ timeout: 30_000 });
}
