import { test, expect, type Page } from "@playwright/test";
import { password, register, signIn } from "./helpers";

// One run against a fresh data directory: the first account registered becomes admin.
const stamp = Date.now();
const admin = { email: `admin-${stamp}@example.com`, name: "Ada Admin" };
const second = { email: `bob-${stamp}@example.com`, name: "Bob Builder" };

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("whoami")).toHaveCount(0);
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });

test.describe.serial("accounts", () => {
  test("the first account is admin, sees Admin, signs out and back in", async ({ page }) => {
    await register(page, admin);
    await expect(page).toHaveURL(/\/$/);
    await expect(nav(page).getByRole("link", { name: "Admin" })).toBeVisible();
    for (const item of ["Gallery", "My Wizards", "My Runs", "Store"]) {
      await expect(nav(page).getByRole("link", { name: item })).toBeVisible();
    }
    // The gallery opens with the seeded templates.
    await expect(page.getByTestId("template-card").first()).toBeVisible();
    await page.screenshot({ path: "artifacts/layout-signed-in.png", fullPage: true });

    await signOut(page);
    await expect(nav(page).getByRole("link", { name: "Admin" })).toHaveCount(0);
    await signIn(page, admin.email);
    await expect(nav(page).getByRole("link", { name: "Admin" })).toBeVisible();
  });

  test("a wrong password is refused with a message on the form", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("form-error")).toContainText("email or password is not right");
    await expect(page.getByLabel("Email")).toHaveValue(admin.email);
  });

  test("registration errors show next to their fields", async ({ page }) => {
    await page.goto("/register");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("#f-email-error")).toContainText("not an email address");
    await expect(page.locator("#f-password-error")).toContainText("at least 10 characters");
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  });

  test("a second user does not see Admin and cannot use it", async ({ page }) => {
    await register(page, second);
    await expect(nav(page).getByRole("link", { name: "My Runs" })).toBeVisible();
    await expect(nav(page).getByRole("link", { name: "Admin" })).toHaveCount(0);
    await page.goto("/admin");
    await expect(page.getByRole("alert")).toContainText("needs the admin role");
    await expect(page.getByTestId("users-table")).toHaveCount(0);
  });

  test("the admin changes a role in the hydrated admin page", async ({ page }) => {
    await signIn(page, admin.email);
    await page.goto("/admin");
    const table = page.getByTestId("users-table");
    await expect(table).toContainText(second.email);
    // Wait for hydration so the form submits through the server function.
    await expect(page.locator('main[data-hydrated="true"]')).toBeVisible();
    await page.getByLabel(`Role of ${second.email}`).selectOption("runner");
    await page
      .getByRole("row", { name: new RegExp(second.email) })
      .getByRole("button", { name: "Save" })
      .click();
    await expect(page.getByRole("status")).toContainText(`${second.email} is now runner`);
    await page.reload();
    await expect(page.getByLabel(`Role of ${second.email}`)).toHaveValue("runner");
  });

  test("sign-in works without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, second.email);
    await expect(page.getByTestId("whoami")).toContainText("runner");
    await context.close();
  });

  test("keyboard and phone-sized screens", async ({ page }) => {
    await signIn(page, admin.email);
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await expect(nav(page).getByRole("link", { name: "Gallery" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/$/);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(nav(page).getByRole("link", { name: "Admin" })).toBeVisible();
    await page.screenshot({ path: "artifacts/layout-phone.png", fullPage: true });
  });
});
