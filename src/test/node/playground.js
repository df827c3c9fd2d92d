// Opens GenApi's playground in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), calls echo,
// count and push_to_user through the page, sends get_user's form as its sample call filled it, explains a get_profile
// call with the admin token, keeps a screenshot, and prints the frames the page showed, that form and the explanation
// as one JSON line.
// Usage: node playground.js http://127.0.0.1:PORT/ screenshot.png admin-token
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [url, screenshot, adminToken] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
setTimeout(() => { console.log(JSON.stringify({ error: 'timed out' })); process.exit(1); }, 60000);

async function frameWith(page, text) {
  await page.waitForFunction((t) => [...document.querySelectorAll('#frames li')].some((li) => li.textContent.includes(t)),
    text, { timeout: 20000 });
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'genapi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync']
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('#status.open', { timeout: 20000 });
    await page.click('button[data-fn="demo/echo/0.0.0"]');
    await page.fill('#arg-message', 'hi from chromium');
    await page.click('#send');
    await frameWith(page, '"result":{"message":"hi from chromium"}');
    await page.click('button[data-fn="demo/count/0.0.0"]');
    await page.fill('#arg-n', '3');
    await page.click('#send');
    await frameWith(page, '"request_id":"play-2","success":true,"result":null');
    await page.click('button[data-fn="demo/push_to_user/0.0.0"]');
    await page.fill('#arg-user_id', 'playground-user');
    await page.fill('#arg-message', 'pushed to the page');
    await page.fill('#user_id', 'playground-user');
    await page.click('#send');
    await frameWith(page, 'push → {"request_id"');
    await page.click('button[data-fn="demo/get_user/2.0.0"]');
    const sample = { shown: await page.textContent('#sample'), id: await page.inputValue('#arg-id'),
      fields: await page.inputValue('#arg-fields') };
    await page.click('#send');
    await frameWith(page, '"request_id":"play-4"');
    await page.click('button[data-fn="demo/get_profile/0.0.0"]');
    await page.fill('#arg-user_id', 'someone-else');
    await page.fill('#user_id', 'playground-user');
    await page.fill('#admin_token', adminToken);
    await page.click('#explain');
    await page.waitForSelector('#explanation:not([hidden])', { timeout: 20000 });
    const explanation = JSON.parse(await page.textContent('#explanation'));
    const functions = await page.$$eval('#functions button', (buttons) => buttons.map((b) => b.dataset.fn));
    const frames = await page.$$eval('#frames li', (items) => items.map((li) => li.textContent));
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(JSON.stringify({ functions, frames, sample, explanation }));
  } finally {
    await context.close();
  }
  process.exit(0);
})().catch((e) => { console.log(JSON.stringify({ error: String(e) })); process.exit(1); });
