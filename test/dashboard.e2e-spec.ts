/**
 * The read-only dashboard at /app, as a person meets it: the real API process with a lifecycle
 * written through its commands, then headless Chromium (Debian's, through playwright-core) enters
 * a key and reads each page, taking a screenshot of each (into docs/screenshots/ for the README with
 * SCREENSHOTS=1: `SCREENSHOTS=1 npm run test:slow -- test/dashboard`).
 * Without /usr/bin/chromium the browser suite is reported as skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import request from 'supertest';
import { KEYS, bearer, removeDataDir, startApi, type ApiProcess } from './support/api-process.js';
import {
  FundingClient,
  actBody,
  PROGRAMME_ID,
  awardBody,
  claimItem,
  freshDocument,
  operationDates,
} from './support/funding-requests.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The README's screenshots are refreshed with SCREENSHOTS=1; other runs take them into a scratch directory, leaving the checkout clean. */
const SCREENSHOTS =
  process.env['SCREENSHOTS'] === '1'
    ? join(process.cwd(), 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'dashboard-screenshots-'));
const browserSkipped = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed`;
if (browserSkipped) console.warn(`Dashboard browser suite SKIPPED: ${browserSkipped}`);

const CALL_ID = 'welfare-aziendale-2026';
const GRANT_ID = 'nido-condiviso-grant';

const EURO = new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR' });
/** Text as a reader sees it: any run of spaces (non-breaking ones included) as one space. */
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
const euros = (cents: number) => plain(EURO.format(cents / 100));

describe('dashboard at /app', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startApi();
    const client = new FundingClient(api.url);
    // First-come: one bid awarded while another still waits for its evaluation.
    await client.openCall({
      callId: CALL_ID,
      title: 'Welfare aziendale: progettazione e attivazione',
      budgetCents: 250_000_000,
      selection: 'first-come',
    });
    const awarded = await client.admissibleBid(CALL_ID, { bidId: 'nido-condiviso', requestedCents: 15_000_000 });
    const waiting = await client.post(`/calls/${CALL_ID}/bids`, KEYS.applicantService, {
      bidId: 'mensa-solidale',
      applicant: { type: 'third-sector', taxCode: '09876543210', name: 'Cooperativa Sociale Il Ponte' },
      projectTitle: 'Mensa solidale aziendale',
      requestedCents: 9_000_000,
    });
    expect(waiting.status).toBe(201);
    // EUR 120,000 awarded; EUR 48,000 paid in advance, EUR 25,000 more on a claim of EUR 73,000
    // verified; the award cut to EUR 60,000, and the EUR 13,000 paid beyond it ordered back and received.
    const operation = {
      purpose: 'Un nido aziendale condiviso per i dipendenti',
      ...operationDates(),
      istatMunicipalityCode: '001272',
      totalEligibleCostCents: 12_000_000,
    };
    const award = await client.post(
      `/calls/${CALL_ID}/awards`,
      KEYS.programmeManager,
      awardBody(awarded, 12_000_000, { grantId: GRANT_ID, operation }),
    );
    expect([award.status, award.body]).toEqual([201, expect.anything()]);
    const advance = await client.post(`/grants/${GRANT_ID}/disbursements`, KEYS.financeOfficer, {
      kind: 'advance',
      amountCents: 4_800_000,
      reference: 'MAND-2026-0001',
    });
    expect([advance.status, advance.body]).toEqual([201, expect.anything()]);
    const claim = await client.post(`/grants/${GRANT_ID}/expenditure-claims`, KEYS.applicantService, {
      claimId: 'nido-sal-1',
      kind: 'interim',
      items: [
        {
          ...claimItem(5_300_000, {
            description: 'Educatrici, giugno-novembre',
            category: 'personnel',
            documentRef: 'LUL-2026-06/11',
          }),
          document: freshDocument(5_300_000, { type: 'payslip' }),
        },
        claimItem(2_000_000, { description: 'Arredi area gioco', category: 'equipment', documentRef: 'FATT-2026-118' }),
      ],
    });
    expect([claim.status, claim.body]).toEqual([201, expect.anything()]);
    const verified = await client.post('/expenditure-claims/nido-sal-1/verification', KEYS.controller, {
      eligibleCents: 7_300_000,
      cuts: [],
      checklistRef: 'CHK-FSE-2026-041',
      onTheSpot: false,
    });
    expect([verified.status, verified.body]).toEqual([200, expect.anything()]);
    const interim = await client.post(`/grants/${GRANT_ID}/disbursements`, KEYS.financeOfficer, {
      kind: 'interim',
      claimId: 'nido-sal-1',
      amountCents: 2_500_000,
    });
    expect([interim.status, interim.body]).toEqual([201, expect.anything()]);
    const later: Array<[string, string, object, number]> = [
      [
        `/grants/${GRANT_ID}/revocation`,
        KEYS.programmeManager,
        { reason: 'Spese non ammissibili rilevate in verifica', amountCents: 6_000_000, act: actBody() },
        200,
      ],
      [
        `/grants/${GRANT_ID}/recovery-orders`,
        KEYS.programmeManager,
        {
          orderId: 'rec-2026-01',
          amountCents: 1_300_000,
          interestRateBp: 250,
          dueDate: '2027-06-30',
          reference: 'DD 2026/77',
          act: actBody(),
        },
        201,
      ],
      [
        `/grants/${GRANT_ID}/recovery-receipts`,
        KEYS.financeOfficer,
        {
          amountCents: 1_300_000,
          interestCents: 0,
          receivedAt: new Date().toISOString().slice(0, 10),
          reference: 'TES-2026-0042',
        },
        201,
      ],
    ];
    let position = '0';
    for (const [path, key, body, status] of later) {
      const res = await client.post(path, key, body);
      expect([res.status, res.body]).toEqual([status, expect.anything()]);
      position = res.headers['x-event-position'] as string;
    }
    // The pages read the read models: wait until they have applied the last event.
    const caughtUp = await request(api.url)
      .get(`/grants/${GRANT_ID}`)
      .set(bearer(KEYS.viewer))
      .set('X-Min-Position', position);
    expect(caughtUp.status).toBe(200);
  });

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api.dataDir);
  });

  it('serves its files without a key, under a policy that runs only its own scripts; the data still needs a key', async () => {
    const page = await request(api.url).get('/app');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<script type="module" src="/app/app.js"></script>');
    expect(page.text).not.toMatch(/<script>|\son[a-z]+=/i);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'none'");
    expect(csp).not.toContain('unsafe-inline');

    const chart = await request(api.url).get('/app/vendor/chart.umd.js');
    expect([chart.status, chart.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(chart.text).toContain('Chart.js v4');
    expect((await request(api.url).get('/app/pages/overview.js')).status).toBe(200);
    expect((await request(api.url).get('/app/..%2Fapi.module.js')).status).toBe(404);
    expect((await request(api.url).get('/app/not-there.js')).status).toBe(404);

    expect((await request(api.url).get('/programmes/wecare/dashboard')).status).toBe(401);
    expect((await request(api.url).get('/health')).headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  (browserSkipped ? describe.skip : describe)(
    `in headless Chromium${browserSkipped ? ` (skipped: ${browserSkipped})` : ''}`,
    () => {
      let browser: Browser;
      let page: Page;
      const problems: string[] = [];
      const requests: Array<{ url: string; authorization: string | undefined }> = [];

      beforeAll(async () => {
        mkdirSync(SCREENSHOTS, { recursive: true });
        browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Rome' });
        page = await context.newPage();
        page.setDefaultTimeout(15_000);
        // A script or style the policy blocked, or an uncaught error, is a defect of the page.
        page.on('console', (message) => {
          if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('request', (req) => requests.push({ url: req.url(), authorization: req.headers()['authorization'] }));
      });

      afterAll(async () => {
        await browser?.close();
      });

      const h1 = () => page.getByRole('heading', { level: 1 });
      const keyField = () => page.getByRole('textbox', { name: 'API key', exact: true });
      const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

      async function enterKey(key: string) {
        await keyField().fill(key);
        await page.getByRole('button', { name: 'Use this key' }).click();
      }

      /** The cells of the row whose header cell says `rowHeader`, in the table with that caption. */
      async function row(caption: string | RegExp, rowHeader: string | RegExp): Promise<string[]> {
        const table = page.locator('table').filter({ has: page.locator('caption', { hasText: caption }) });
        const tr: Locator = table.locator('tbody tr').filter({ has: page.locator('th', { hasText: rowHeader }) });
        return (await tr.locator('th, td').allTextContents()).map(plain);
      }

      /** The figures of the page's term lists (the last one wins when a term repeats). */
      async function figures(): Promise<Record<string, string>> {
        const pairs = await page
          .locator('dl > div')
          .evaluateAll((items) =>
            items.map((item) => [
              item.querySelector('dt')?.textContent ?? '',
              item.querySelector('dd')?.textContent ?? '',
            ]),
          );
        return Object.fromEntries(pairs.map(([term, value]) => [plain(term ?? ''), plain(value ?? '')]));
      }

      it('asks for a key, refuses an unknown one with a message, and shows the WECARE overview with the key of a viewer', async () => {
        await page.goto(`${api.url}/app/`);
        await expect(h1().textContent()).resolves.toBe('Enter your API key');
        await enterKey('not-a-real-key');
        await page.getByRole('alert').filter({ hasText: 'The key was not accepted' }).waitFor();
        expect(await page.evaluate("sessionStorage.getItem('cohesion-ledger.api-key')")).toBeNull();

        await enterKey(KEYS.viewer);
        await h1().filter({ hasText: 'WECARE' }).waitFor();
        expect(page.url()).toMatch(/\/app\/#\/programmes\/wecare$/);
        // Today's operations run in the 2021-2027 programme beside WECARE (2014-2020: eligible until 31 December 2023).
        await page.goto(`${api.url}/app/#/programmes/${PROGRAMME_ID}`);
        await h1().filter({ hasText: 'WECARE 2021-2027' }).waitFor();
        const m4 = await row(/Each measure/, 'M4');
        // Measure, fund, allocation, reserved, committed, released, paid, recovered, available, absorption
        expect([m4[1], m4[2], m4[3], m4[4], m4[6], m4[7]]).toEqual([
          'FSE',
          euros(400_000_000),
          euros(250_000_000),
          euros(12_000_000),
          euros(7_300_000),
          euros(1_300_000),
        ]);
        expect((await row(/Each EU fund/, 'FESR'))[1]).toBe(euros(500_000_000));
        // Issue #27: EUR 60,000 still committed (EUR 120,000 less 47,000 released by the cut and 13,000 recovered),
        // and EUR 60,000 paid net (73,000 less 13,000 recovered), each split 40 / 42 / 18.
        expect(await row(/Who pays each euro/, 'FSE')).toEqual([
          'FSE',
          'EU 40 % · State 42 % · region 18 %',
          euros(6_000_000),
          euros(2_400_000),
          euros(2_520_000),
          euros(1_080_000),
          euros(6_000_000),
          euros(2_400_000),
          euros(2_520_000),
          euros(1_080_000),
        ]);
        expect(await page.locator('canvas[role="img"]').count()).toBe(2);
        await expect(page.locator('canvas[role="img"]').first().getAttribute('aria-label')).resolves.toContain('FSE:');
        await shoot('overview');
      });

      it('lists the calls of the programme and a call’s bids, ranked or in order of arrival', async () => {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls and bids' }).click();
        await h1().filter({ hasText: 'Calls of WECARE' }).waitFor();
        const call = await row(/1 call/, 'Welfare aziendale');
        expect(call).toContain(euros(250_000_000));
        await shoot('calls');

        await page.getByRole('link', { name: 'Welfare aziendale: progettazione e attivazione' }).click();
        await h1().filter({ hasText: 'Welfare aziendale' }).waitFor();
        // A first-come call lists its bids by arrival by default: ask for the ranking by score.
        await page.getByRole('link', { name: 'Ranking by score' }).click();
        const ranked = page.locator('table').filter({ has: page.locator('caption', { hasText: 'ranked by score' }) });
        await ranked.waitFor();
        expect((await ranked.locator('tbody tr td:nth-child(2)').allTextContents()).map(plain)).toEqual([
          'nido-condiviso',
          'mensa-solidale',
        ]);
        expect(await row(/ranked by score/, '1')).toContain(euros(12_000_000));
        await page.getByRole('link', { name: 'Order of arrival' }).click();
        const arrived = page
          .locator('table')
          .filter({ has: page.locator('caption', { hasText: 'in order of arrival' }) });
        await arrived.waitFor();
        expect((await arrived.locator('tbody tr td:nth-child(2)').allTextContents()).map(plain)).toEqual([
          'nido-condiviso',
          'mensa-solidale',
        ]);
        await expect(page.getByRole('link', { name: 'Order of arrival' }).getAttribute('aria-current')).resolves.toBe(
          'page',
        );
        await shoot('call-bids');
      });

      it('shows a grant with its payments, claims, revocation and recovery', async () => {
        await page.getByRole('link', { name: 'Nido aziendale condiviso' }).click();
        await h1().filter({ hasText: 'Nido aziendale condiviso' }).waitFor();
        const payments = page.locator('table').filter({ has: page.locator('caption', { hasText: '2 payments' }) });
        expect((await payments.locator('tbody td.num').allTextContents()).map(plain)).toEqual([
          euros(4_800_000),
          euros(2_500_000),
        ]);
        await expect(payments.locator('caption').textContent().then(plain)).resolves.toContain(euros(7_300_000));
        expect(await row(/claim \(rendicontazione\)/, 'nido-sal-1')).toContain(euros(7_300_000));
        expect(await row('Recovery orders', 'rec-2026-01')).toContain(euros(1_300_000));
        const shown = await figures();
        expect([shown['Awarded'], shown['Award now'], shown['Paid'], shown['Received']]).toEqual([
          euros(12_000_000),
          euros(6_000_000),
          euros(7_300_000),
          euros(1_300_000),
        ]);
        // Issue #27: the award now and the net paid, EUR 60,000 each, split 40 / 42 / 18.
        const split = [euros(2_400_000), euros(2_520_000), euros(1_080_000)];
        expect(shown['Co-financing']).toBe('EU 40 % · State 42 % · region 18 %');
        expect(
          ['Award now', 'Paid net of recoveries'].flatMap((figure) =>
            ['EU', 'State', 'region'].map((payer) => shown[`${figure}: ${payer}`]),
          ),
        ).toEqual([...split, ...split]);
        await shoot('grant');
      });

      it('asks for an auditor’s key on the audit pages, then shows the history and the state as of a chosen moment', async () => {
        await page.getByRole('link', { name: 'the history of this grant, event by event' }).click();
        await h1().filter({ hasText: 'This page needs another key' }).waitFor();
        await expect(page.getByRole('alert').textContent()).resolves.toContain('auditor');
        await enterKey(KEYS.auditor);
        await h1()
          .filter({ hasText: `Grant ${GRANT_ID}: audit` })
          .waitFor();
        const awarded = await row(/Events 1–/, /^0$/);
        expect(awarded[1]).toContain('GrantAwarded');
        expect(awarded[3]).toBe('dev:programme-manager');
        expect(awarded[2]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        await shoot('audit');

        // The state after the award alone: nothing paid yet.
        await page
          .locator('table tbody tr')
          .filter({ has: page.locator('th', { hasText: /^0$/ }) })
          .getByRole('link', { name: /as of this event/ })
          .click();
        await page.locator('#state-summary', { hasText: '1 event applied, up to revision 0' }).waitFor();
        expect(await row('The state', /^paidCents$/)).toEqual(['paidCents', `${euros(0)} (0 cents)`]);
        expect(await row('The state', /^currentAwardCents$/)).toEqual([
          'currentAwardCents',
          `${euros(12_000_000)} (12000000 cents)`,
        ]);

        // A moment typed in: now, after every event.
        await page.getByLabel('As of', { exact: true }).fill(new Date().toISOString());
        await page.getByRole('button', { name: 'Show the state' }).click();
        await page
          .locator('#state-summary', { hasText: /\d+ events applied/ })
          .filter({ hasNotText: 'up to revision 0' })
          .waitFor();
        expect(await row('The state', /^currentAwardCents$/)).toEqual([
          'currentAwardCents',
          `${euros(6_000_000)} (6000000 cents)`,
        ]);
        await page.locator('#state-summary').scrollIntoViewIfNeeded();
        await shoot('audit-state');
      });

      it('shows the accounting with the Commission per fund and accounting year, from the navigation', async () => {
        // The accounting year (1 July to 30 June) of today in Italy, when the payments and the recovery were recorded.
        const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Rome' });
        const first = Number(today.slice(0, 4)) - (today.slice(5) >= '07-01' ? 0 : 1);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounting' }).click();
        await h1()
          .filter({ hasText: `${PROGRAMME_ID}: accounting with the Commission` })
          .waitFor();
        expect(page.url()).toMatch(new RegExp(`/app/#/programmes/${PROGRAMME_ID}/accounting$`));
        const fse = await row(/Each fund and accounting year/, `FSE ${first}-${first + 1}`);
        // Fund and year, paid to beneficiaries, recovered, then nothing declared, received or corrected yet.
        expect(fse.slice(0, 4)).toEqual([`FSE ${first}-${first + 1}`, euros(7_300_000), euros(1_300_000), euros(0)]);
        expect(fse.slice(-2)).toEqual(['0', 'not yet']);
        expect((await figures())['Paid to beneficiaries']).toBe(euros(7_300_000));
        await shoot('accounting');

        // Narrowed to the other fund: nothing there.
        await page.getByLabel('Fund', { exact: true }).selectOption('FESR');
        await page.getByRole('button', { name: 'Show' }).click();
        await page.locator('td.empty', { hasText: 'Nothing paid, declared or corrected yet.' }).waitFor();
        expect(page.url()).toMatch(/\/accounting\?fund=FESR/);
      });

      it('keeps the key out of every URL and sends it with every read, with nothing blocked or broken on the way', async () => {
        expect(problems).toEqual([]);
        expect(requests.length).toBeGreaterThan(10);
        expect(requests.filter((r) => /dev-api-key|not-a-real-key/.test(r.url))).toEqual([]);
        const reads = requests.filter((r) => !new URL(r.url).pathname.startsWith('/app'));
        expect(reads.length).toBeGreaterThan(5);
        expect(
          reads.filter(
            (r) => !/^Bearer (viewer|auditor)-dev-api-key$|^Bearer not-a-real-key$/.test(r.authorization ?? ''),
          ),
        ).toEqual([]);
      });
    },
  );
});
