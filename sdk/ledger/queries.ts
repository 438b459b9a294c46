/**
 * The ledger's questions, answered from the database alone (no chain access): the cohort a data product may
 * be built from, a citizen's transparency report, a controller's record of processing, a product's sales and
 * revenue, and the ecosystem's indicators.
 *
 * "At time T" means: after every event in a block whose timestamp is at most T, with expiries compared to T
 * inclusively, which is what the contracts' views answer in a block with timestamp T. Amounts are decimal
 * strings (uint256, exact); times are unix seconds with an ISO 8601 twin.
 *
 * @module
 */
import { termOf } from "../dpv.js";
import { hashConsentReceipt, parseConsentReceipt, receiptConsentTerms } from "../receipt.js";
import type { Db } from "./db.js";
import {
  citizenQuerySchema,
  cohortQuerySchema,
  controllerQuerySchema,
  indicatorsQuerySchema,
  parseInput,
  productQuerySchema,
  type CitizenQuery,
  type CohortQuery,
  type ControllerQuery,
  type IndicatorsQuery,
  type ProductQuery,
} from "./input.js";
import { MAX_TIME } from "./project.js";
import type { LedgerStore } from "./store.js";
import { InvalidInputError } from "../errors.js";

// -------------------------------------------------------------------------------------------------------------
// Shared shapes
// -------------------------------------------------------------------------------------------------------------

/** A DPV term by id, with its name and label when the SDK's vocabulary knows it. */
export interface Term {
  id: string;
  name: string | null;
  label: string | null;
}

/** A token by address, with the symbol and decimals read when it was first seen (`null` if unknown). */
export interface TokenInfo {
  address: string;
  symbol: string | null;
  decimals: number | null;
}

/** How far the ledger has read the chain. */
export interface AsOf {
  chainId: number | null;
  block: number | null;
  time: number | null;
  iso: string | null;
}

const UINT64_MAX = "18446744073709551615";
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** ISO 8601 of unix seconds; `null` for no time or one saturated at the ledger's maximum. */
export function isoOf(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || seconds >= MAX_TIME) return null;
  const ms = seconds * 1000;
  if (ms > 8.64e15) return null;
  return new Date(ms).toISOString();
}

const termCache = new Map<string, Term>();
/** The DPV term of an id. */
export function termFor(id: string): Term {
  let cached = termCache.get(id);
  if (!cached) {
    const t = /^0x[0-9a-f]{64}$/i.test(id) ? termOf(id as `0x${string}`) : undefined;
    cached = { id, name: t?.name ?? null, label: t?.label ?? null };
    termCache.set(id, cached);
  }
  return cached;
}

const sumOf = (values: Iterable<string | bigint>): bigint => {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  return total;
};

/** Basis points of `part` in `whole`, as a percentage with two decimals ("12.34"); `null` when whole is 0. */
export function percentOf(part: bigint, whole: bigint): string | null {
  if (whole === 0n) return null;
  const bps = (part * 10_000n) / whole;
  return `${bps / 100n}.${(bps % 100n).toString().padStart(2, "0")}`;
}

// -------------------------------------------------------------------------------------------------------------
// Results
// -------------------------------------------------------------------------------------------------------------

/** The cohort: subjects whose consent covers a grantee, purpose and categories at a time. */
export interface CohortResult {
  question: "cohort";
  asOf: AsOf;
  at: number;
  atIso: string | null;
  grantee: string;
  purpose: Term;
  categories: Term[];
  count: number;
  subjects: string[];
  /** Set when `at` is later than the last block read: events after it are not known. */
  note: string | null;
}

export interface ConsentState {
  consentId: string;
  grantee: string;
  purpose: Term;
  categories: Term[];
  validUntil: string;
  validUntilIso: string | null;
  /** At the ledger's time: valid, expired, withdrawn, or voided by a withdraw-all. */
  status: "valid" | "expired" | "withdrawn" | "voided";
  firstGrantedAt: number;
  firstGrantedIso: string | null;
  receiptHash: string;
  /** The consent receipt whose hash is `receiptHash`, if one was given to the report. */
  receipt: unknown;
  /** Whether the given receipt's terms are those of the grant (subject, grantee, purpose, categories, expiry). */
  receiptMatchesGrant: boolean | null;
}

export interface TimelineEntry {
  time: number;
  iso: string | null;
  block: number;
  txHash: string;
  kind:
    | "consent-granted"
    | "consent-withdrawn"
    | "all-consents-withdrawn"
    | "operator-set"
    | "pool-weight-changed"
    | "claimed"
    | "paid-out"
    | "payout-failed"
    | "donated";
  summary: string;
  consentId?: string;
  grantee?: string;
  purpose?: Term;
  categories?: Term[];
  validUntil?: string;
  receiptHash?: string;
  actor?: string;
  via?: string;
  poolId?: number;
  amount?: string;
  counterparty?: string;
}

export interface PoolMembership {
  poolId: number;
  provider: string;
  city: string;
  token: TokenInfo;
  consentGrantee: string;
  purpose: Term;
  categories: Term[];
  weight: number;
  firstJoinedAt: number;
  periods: {
    weight: number;
    from: number;
    fromIso: string | null;
    to: number | null;
    toIso: string | null;
    change: string;
    endedBy: string | null;
  }[];
  earned: string;
  claimable: string;
  claimed: string;
  fees: string;
  paidOut: string;
  donated: string;
  autoDonateBps: number;
  autoDonateTo: string | null;
}

export interface CitizenLicence {
  productId: number;
  poolId: number;
  /** Why the citizen is part of the product: a pool it was a member of, a consent valid at the sale, or both. */
  basis: ("pool" | "consent")[];
  licensee: string;
  purpose: Term;
  model: string;
  termsVersion: number;
  soldAt: number;
  soldIso: string | null;
  expiresAt: string;
  expiresIso: string | null;
  perpetual: boolean;
  price: string;
  token: TokenInfo;
  /** What the citizen earned from this sale (pool products), exactly. */
  earned: string;
  txHash: string;
}

export interface EarningPoint {
  time: number;
  iso: string | null;
  poolId: number;
  token: string;
  source: "sale" | "deposit";
  productId: number | null;
  amount: string;
  /** Running total per token. */
  cumulative: string;
}

export interface TokenTotals {
  token: TokenInfo;
  earned: string;
  claimable: string;
  claimed: string;
  fees: string;
  paidOut: string;
  donated: string;
}

/** A citizen's transparency report (GDPR art. 15; MIM4's insight into data available, stored, shared). */
export interface CitizenReport {
  question: "citizen-report";
  asOf: AsOf;
  contracts: { registry: string; licensing: string; pool: string } | null;
  generatedAt: string;
  subject: string;
  operator: string | null;
  epoch: number;
  consents: ConsentState[];
  timeline: TimelineEntry[];
  pools: PoolMembership[];
  licences: CitizenLicence[];
  totals: TokenTotals[];
  earnings: EarningPoint[];
}

export interface ControllerPurpose {
  purpose: Term;
  /** Subjects whose consent to the controller for this purpose is in force at `at`. */
  subjects: number;
  categories: { category: Term; subjects: number }[];
}

export interface ControllerLicence {
  licenceId: string;
  productId: number;
  provider: string;
  consentGrantee: string;
  purpose: Term;
  model: string | null;
  status: string;
  validAt: boolean;
  expiresAt: string;
  expiresIso: string | null;
  perpetual: boolean;
  termsVersion: number;
  termsHash: string | null;
  metadataUri: string | null;
  firstIssuedAt: number;
  /** Subjects whose consent to the product's grantee for the licence's purpose is in force at `at`. */
  subjects: number;
  categories: { category: Term; subjects: number }[];
}

/** A controller's record of processing activities (GDPR art. 30), as the ledger shows it. */
export interface ControllerRecord {
  question: "controller-record";
  asOf: AsOf;
  at: number;
  atIso: string | null;
  controller: string;
  purposes: ControllerPurpose[];
  licences: ControllerLicence[];
  pools: {
    poolId: number;
    purpose: Term;
    categories: Term[];
    members: number;
    totalWeight: number;
  }[];
}

export interface PartyRevenue {
  party: "platform" | "city" | "provider" | "contributors";
  account: string | null;
  earned: string;
  /** Withdrawn and owed from DataLicensing; `null` for a pool product, whose parties are paid by the pool. */
  withdrawn: string | null;
  owed: string | null;
}

export interface ProductSale {
  time: number;
  iso: string | null;
  licensee: string;
  purpose: Term;
  model: string;
  termsVersion: number;
  expiresAt: string;
  expiresIso: string | null;
  price: string;
  platformFee: string;
  cityShare: string;
  providerShare: string;
  contributorsShare: string;
  txHash: string;
}

/** A product's sales and revenue by party. */
export interface ProductReport {
  question: "product-report";
  asOf: AsOf;
  product: {
    id: number;
    provider: string;
    city: string | null;
    contributors: string | null;
    token: TokenInfo;
    price: string;
    period: number;
    termsVersion: number;
    renewable: boolean;
    paused: boolean;
    poolId: number;
    consentGrantee: string;
    metadataUri: string;
    termsHash: string;
    arbiter: string | null;
    purposes: Term[];
    publishedAt: number;
    publishedIso: string | null;
    terms: {
      termsVersion: number;
      price: string;
      period: number;
      renewable: boolean;
      termsHash: string;
      metadataUri: string;
      time: number;
    }[];
  };
  sales: ProductSale[];
  licences: { active: number; expired: number; cancelled: number; revoked: number };
  revenue: { total: string; remainder: string; byParty: PartyRevenue[] };
  /** For a pool product: the pool's accounts and what each member earned from this product's sales. */
  pool: {
    poolId: number;
    received: string;
    owed: { platform: string; city: string; provider: string };
    carried: string;
    unassigned: string;
    distributedToMembers: string;
    members: { member: string; earned: string }[];
  } | null;
}

export interface TokenIndicators {
  token: TokenInfo;
  sales: number;
  salesValue: string;
  deposits: number;
  depositsValue: string;
  total: string;
  platform: string;
  city: string;
  provider: string;
  contributors: string;
  donated: string;
  donatedToCities: string;
  /** Percentages of `total` with two decimals. */
  shareToCitizens: string | null;
  shareToCities: string | null;
  shareToCitizensAfterDonations: string | null;
  shareToCitiesWithDonations: string | null;
}

/** The ecosystem's indicators over a period. */
export interface Indicators {
  question: "indicators";
  asOf: AsOf;
  from: number | null;
  to: number;
  fromIso: string | null;
  toIso: string | null;
  licences: {
    established: number;
    renewals: number;
    byModel: Record<string, number>;
    cancelled: number;
    revoked: number;
    activeAtEnd: number;
  };
  value: TokenIndicators[];
  citizens: {
    everConsented: number;
    withValidConsentAtEnd: number;
    poolMembersAtEnd: number;
    earning: number;
    donating: number;
  };
  consents: {
    given: number;
    firstGrants: number;
    replacements: number;
    withdrawn: number;
    withdrawAll: number;
    givenVia: Record<string, number>;
    withdrawnVia: Record<string, number>;
  };
  monthly: {
    month: string;
    licences: number;
    consentsGiven: number;
    consentsWithdrawn: number;
    value: { token: string; amount: string }[];
  }[];
}

// -------------------------------------------------------------------------------------------------------------
// Queries
// -------------------------------------------------------------------------------------------------------------

/** Answers the ledger's questions from its database. */
export class LedgerQueries {
  private readonly db: Db;

  constructor(private readonly store: LedgerStore) {
    this.db = store.db;
  }

  /** How far the ledger has read. */
  asOf(): AsOf {
    const s = this.store.state();
    return {
      chainId: s?.chainId ?? null,
      block: s?.lastBlock ?? null,
      time: s?.lastTime ?? null,
      iso: isoOf(s?.lastTime ?? null),
    };
  }

  private defaultTime(): number {
    return this.store.state()?.lastTime ?? Math.floor(Date.now() / 1000);
  }

  private token(address: string): TokenInfo {
    const row = this.db
      .prepare("SELECT symbol, decimals FROM tokens WHERE address = ?")
      .get<{ symbol: string | null; decimals: number | null }>(address);
    if (row) return { address, symbol: row.symbol, decimals: row.decimals };
    return { address, symbol: null, decimals: address === ZERO_ADDRESS ? 18 : null };
  }

  private categoriesOf(setId: number): Term[] {
    const row = this.db
      .prepare("SELECT categories FROM category_sets WHERE id = ?")
      .get<{ categories: string }>(setId);
    return row ? (JSON.parse(row.categories) as string[]).map(termFor) : [];
  }

  /**
   * The subjects whose consent lets `grantee` process every one of `categories` for `purpose` at `at`
   * (default: the time of the last block read), sorted: the cohort a data product may be built from.
   */
  cohort(query: CohortQuery): CohortResult {
    const q = parseInput(cohortQuerySchema, query, "cohort query");
    const asOf = this.asOf();
    const at = q.at ?? this.defaultTime();
    const placeholders = q.categories.map(() => "?").join(", ");
    const subjects = this.db
      .prepare(
        `SELECT subject FROM consent_history
         WHERE grantee = ? AND purpose = ? AND valid_to > ? AND valid_from <= ?
           AND category_set_id IN (
             SELECT set_id FROM category_set_members WHERE category IN (${placeholders})
             GROUP BY set_id HAVING COUNT(*) = ?)
         ORDER BY subject`,
      )
      .all<{ subject: string }>(q.grantee, q.purpose, at, at, ...q.categories, q.categories.length)
      .map((r) => r.subject);
    return {
      question: "cohort",
      asOf,
      at,
      atIso: isoOf(at),
      grantee: q.grantee,
      purpose: termFor(q.purpose),
      categories: q.categories.map(termFor),
      count: subjects.length,
      subjects,
      note: laterThanKnown(at, asOf),
    };
  }

  /** Whether one subject's consent covers the grantee, purpose and categories at `at`. */
  isValid(query: CohortQuery & { subject: string }): boolean {
    const q = parseInput(cohortQuerySchema, query, "validity query");
    const { subject } = parseInput(
      citizenQuerySchema,
      { subject: query.subject },
      "validity query",
    );
    const at = q.at ?? this.defaultTime();
    const placeholders = q.categories.map(() => "?").join(", ");
    const row = this.db
      .prepare(
        `SELECT 1 AS ok FROM consent_history
         WHERE subject = ? AND grantee = ? AND purpose = ? AND valid_to > ? AND valid_from <= ?
           AND category_set_id IN (
             SELECT set_id FROM category_set_members WHERE category IN (${placeholders})
             GROUP BY set_id HAVING COUNT(*) = ?)`,
      )
      .get(subject, q.grantee, q.purpose, at, at, ...q.categories, q.categories.length);
    return row !== undefined;
  }

  /** A citizen's transparency report. */
  citizenReport(query: CitizenQuery): CitizenReport {
    const q = parseInput(citizenQuerySchema, query, "citizen report query");
    const subject = q.subject;
    const asOf = this.asOf();
    const now = this.defaultTime();
    const state = this.store.state();
    const subjectRow = this.db
      .prepare("SELECT epoch, operator FROM subjects WHERE subject = ?")
      .get<{ epoch: number; operator: string | null }>(subject);
    const epoch = subjectRow?.epoch ?? 0;

    const receipts = new Map<string, unknown>();
    for (const candidate of q.receipts ?? []) {
      try {
        const receipt = parseConsentReceipt(candidate);
        receipts.set(hashConsentReceipt(receipt), receipt);
      } catch (error) {
        throw new InvalidInputError("A consent receipt given to the report is not valid", {
          details: error instanceof Error ? error.message : String(error),
        });
      }
    }

    const consents: ConsentState[] = this.db
      .prepare(
        `SELECT consent_id, grantee, purpose, category_set_id, valid_until, valid_until_exact, epoch, active,
           receipt_hash, first_time FROM consents WHERE subject = ? ORDER BY first_time, consent_id`,
      )
      .all<{
        consent_id: string;
        grantee: string;
        purpose: string;
        category_set_id: number;
        valid_until: number;
        valid_until_exact: string;
        epoch: number;
        active: number;
        receipt_hash: string;
        first_time: number;
      }>(subject)
      .map((c) => {
        const categories = this.categoriesOf(c.category_set_id);
        const status: ConsentState["status"] = !c.active
          ? "withdrawn"
          : c.epoch !== epoch
            ? "voided"
            : now > c.valid_until
              ? "expired"
              : "valid";
        const receipt = receipts.get(c.receipt_hash);
        let matches: boolean | null = null;
        if (receipt !== undefined) {
          const t = receiptConsentTerms(receipt as Parameters<typeof receiptConsentTerms>[0]);
          matches =
            t.subject === subject &&
            t.grantee === c.grantee &&
            t.purposeId === c.purpose &&
            t.validUntil.toString() === c.valid_until_exact &&
            t.categoryIds.join(",") === categories.map((x) => x.id).join(",");
        }
        return {
          consentId: c.consent_id,
          grantee: c.grantee,
          purpose: termFor(c.purpose),
          categories,
          validUntil: c.valid_until_exact,
          validUntilIso: isoOf(c.valid_until),
          status,
          firstGrantedAt: c.first_time,
          firstGrantedIso: isoOf(c.first_time),
          receiptHash: c.receipt_hash,
          receipt: receipt ?? null,
          receiptMatchesGrant: matches,
        };
      });

    const timeline = this.timelineOf(subject);
    const pools = this.poolsOf(subject);
    const earnings = this.earningsOf(subject);
    const licences = this.licencesAffecting(subject);

    const byToken = new Map<string, TokenTotals>();
    for (const p of pools) {
      const t = byToken.get(p.token.address) ?? {
        token: p.token,
        earned: "0",
        claimable: "0",
        claimed: "0",
        fees: "0",
        paidOut: "0",
        donated: "0",
      };
      for (const k of ["earned", "claimable", "claimed", "fees", "paidOut", "donated"] as const) {
        t[k] = (BigInt(t[k]) + BigInt(p[k])).toString();
      }
      byToken.set(p.token.address, t);
    }

    return {
      question: "citizen-report",
      asOf,
      contracts: state?.contracts ?? null,
      generatedAt: new Date().toISOString(),
      subject,
      operator: subjectRow?.operator ?? null,
      epoch,
      consents,
      timeline,
      pools,
      licences,
      totals: [...byToken.values()],
      earnings,
    };
  }

  private timelineOf(subject: string): TimelineEntry[] {
    const entries: (TimelineEntry & { position: number })[] = [];
    const blockOf = (position: number) => Math.floor(position / 1_000_000);
    const txOf = this.db.prepare("SELECT tx_hash FROM events WHERE position = ?");
    const tx = (position: number) => txOf.get<{ tx_hash: string }>(position)?.tx_hash ?? "";

    for (const h of this.db
      .prepare(
        `SELECT position, consent_id, grantee, purpose, action, category_set_id, valid_until, valid_until_exact,
           receipt_hash, actor, via, time FROM consent_history WHERE subject = ? ORDER BY position`,
      )
      .all<{
        position: number;
        consent_id: string;
        grantee: string;
        purpose: string;
        action: string;
        category_set_id: number;
        valid_until: number;
        valid_until_exact: string;
        receipt_hash: string | null;
        actor: string;
        via: string;
        time: number;
      }>(subject)) {
      const purpose = termFor(h.purpose);
      const categories = this.categoriesOf(h.category_set_id);
      const granted = h.action === "granted";
      const what = `${purpose.label ?? purpose.id} (${categories.map((c) => c.label ?? c.id).join(", ")})`;
      entries.push({
        position: h.position,
        time: h.time,
        iso: isoOf(h.time),
        block: blockOf(h.position),
        txHash: tx(h.position),
        kind: granted ? "consent-granted" : "consent-withdrawn",
        summary: granted
          ? `Consent given to ${h.grantee} for ${what}, ${untilText(h.valid_until)}`
          : `Consent to ${h.grantee} for ${what} withdrawn`,
        consentId: h.consent_id,
        grantee: h.grantee,
        purpose,
        categories,
        validUntil: h.valid_until_exact,
        ...(h.receipt_hash ? { receiptHash: h.receipt_hash } : {}),
        actor: h.actor,
        via: h.via,
      });
    }
    for (const e of this.db
      .prepare(
        "SELECT epoch, position, time, actor, via FROM subject_epochs WHERE subject = ? ORDER BY position",
      )
      .all<{ epoch: number; position: number; time: number; actor: string; via: string }>(
        subject,
      )) {
      entries.push({
        position: e.position,
        time: e.time,
        iso: isoOf(e.time),
        block: blockOf(e.position),
        txHash: tx(e.position),
        kind: "all-consents-withdrawn",
        summary: "Every consent withdrawn at once",
        actor: e.actor,
        via: e.via,
      });
    }
    for (const e of this.db
      .prepare(
        `SELECT position, block_time, tx_hash, args FROM events
         WHERE name = 'OperatorSet' AND json_extract(args, '$.subject') = ? ORDER BY position`,
      )
      .all<{ position: number; block_time: number; tx_hash: string; args: string }>(subject)) {
      const a = JSON.parse(e.args) as { operator: string; actor: string; via: number };
      const removed = a.operator === ZERO_ADDRESS;
      entries.push({
        position: e.position,
        time: e.block_time,
        iso: isoOf(e.block_time),
        block: blockOf(e.position),
        txHash: e.tx_hash,
        kind: "operator-set",
        summary: removed ? "Operator removed" : `Operator appointed: ${a.operator}`,
        counterparty: a.operator,
        actor: a.actor,
        via: ["Subject", "Operator", "Signature"][a.via] ?? String(a.via),
      });
    }
    for (const e of this.db
      .prepare(
        `SELECT position, block_time, tx_hash, args FROM events
         WHERE name = 'WeightChanged' AND json_extract(args, '$.member') = ? ORDER BY position`,
      )
      .all<{ position: number; block_time: number; tx_hash: string; args: string }>(subject)) {
      const a = JSON.parse(e.args) as {
        poolId: string;
        previousWeight: number;
        weight: number;
        change: number;
      };
      const change = ["Joined", "Set", "Left", "SettledOut"][a.change] ?? String(a.change);
      const summary =
        change === "Joined"
          ? `Joined pool ${a.poolId} with weight ${a.weight}`
          : change === "Left"
            ? `Left pool ${a.poolId}`
            : change === "SettledOut"
              ? `Stopped earning in pool ${a.poolId}: consent no longer valid`
              : `Weight in pool ${a.poolId} set from ${a.previousWeight} to ${a.weight}`;
      entries.push({
        position: e.position,
        time: e.block_time,
        iso: isoOf(e.block_time),
        block: blockOf(e.position),
        txHash: e.tx_hash,
        kind: "pool-weight-changed",
        summary,
        poolId: Number(a.poolId),
      });
    }
    for (const f of this.db
      .prepare(
        `SELECT position, pool_id, kind, counterparty, amount, fee, auto, time FROM member_flows
         WHERE member = ? ORDER BY position`,
      )
      .all<{
        position: number;
        pool_id: number;
        kind: string;
        counterparty: string;
        amount: string;
        fee: string;
        auto: number;
        time: number;
      }>(subject)) {
      const token = this.poolToken(f.pool_id);
      const amount = formatAmount(f.amount, token);
      const kind = (
        {
          claimed: "claimed",
          paid_out: "paid-out",
          payout_failed: "payout-failed",
          donated: "donated",
        } as const
      )[f.kind as "claimed" | "paid_out" | "payout_failed" | "donated"];
      const summary =
        f.kind === "claimed"
          ? `Claimed ${amount} from pool ${f.pool_id} to ${f.counterparty}`
          : f.kind === "paid_out"
            ? `Paid ${amount} from pool ${f.pool_id} to ${f.counterparty}`
            : f.kind === "payout_failed"
              ? `A payout of ${amount} from pool ${f.pool_id} to ${f.counterparty} failed; it stays claimable`
              : `Donated ${amount} from pool ${f.pool_id} to ${f.counterparty}${f.auto ? " (standing donation)" : ""}`;
      entries.push({
        position: f.position,
        time: f.time,
        iso: isoOf(f.time),
        block: blockOf(f.position),
        txHash: tx(f.position),
        kind,
        summary,
        poolId: f.pool_id,
        amount: f.amount,
        counterparty: f.counterparty,
      });
    }
    entries.sort((a, b) => a.position - b.position);
    return entries.map(({ position: _position, ...entry }) => entry);
  }

  private poolToken(poolId: number): TokenInfo {
    const row = this.db
      .prepare("SELECT token FROM pools WHERE id = ?")
      .get<{ token: string }>(poolId);
    return this.token(row?.token ?? ZERO_ADDRESS);
  }

  private poolsOf(subject: string): PoolMembership[] {
    const earnedBy = new Map<number, bigint>();
    for (const r of this.db
      .prepare(
        `SELECT ms.pool_id AS pool_id, big_sum(big_mul(ms.weight, pl.per_weight)) AS earned
         FROM memberships ms JOIN pool_ledger pl ON pl.pool_id = ms.pool_id AND pl.position > ms.position
           AND (ms.to_position IS NULL OR pl.position < ms.to_position)
         WHERE ms.member = ? GROUP BY ms.pool_id`,
      )
      .all<{ pool_id: number; earned: string }>(subject)) {
      earnedBy.set(r.pool_id, BigInt(r.earned));
    }
    return this.db
      .prepare(
        `SELECT m.pool_id, m.weight, m.snapshot, m.balance, m.claimed, m.fees, m.paid_out, m.donated,
           m.auto_donate_bps, m.auto_donate_to, m.first_time, p.provider, p.city, p.token, p.consent_grantee,
           p.purpose, p.category_set_id, p.accumulated
         FROM members m JOIN pools p ON p.id = m.pool_id WHERE m.member = ? ORDER BY m.pool_id`,
      )
      .all<{
        pool_id: number;
        weight: number;
        snapshot: string;
        balance: string;
        claimed: string;
        fees: string;
        paid_out: string;
        donated: string;
        auto_donate_bps: number;
        auto_donate_to: string | null;
        first_time: number;
        provider: string;
        city: string;
        token: string;
        consent_grantee: string;
        purpose: string;
        category_set_id: number;
        accumulated: string;
      }>(subject)
      .map((m) => {
        const claimable =
          BigInt(m.balance) + BigInt(m.weight) * (BigInt(m.accumulated) - BigInt(m.snapshot));
        const periods = this.db
          .prepare(
            `SELECT weight, change, from_time, to_time, ended_by FROM memberships
             WHERE member = ? AND pool_id = ? ORDER BY position`,
          )
          .all<{
            weight: number;
            change: string;
            from_time: number;
            to_time: number | null;
            ended_by: string | null;
          }>(subject, m.pool_id)
          .map((p) => ({
            weight: p.weight,
            from: p.from_time,
            fromIso: isoOf(p.from_time),
            to: p.to_time,
            toIso: isoOf(p.to_time),
            change: p.change,
            endedBy: p.ended_by,
          }));
        if (periods.length === 0) return null;
        return {
          poolId: m.pool_id,
          provider: m.provider,
          city: m.city,
          token: this.token(m.token),
          consentGrantee: m.consent_grantee,
          purpose: termFor(m.purpose),
          categories: this.categoriesOf(m.category_set_id),
          weight: m.weight,
          firstJoinedAt: periods[0]?.from ?? m.first_time,
          periods,
          earned: (earnedBy.get(m.pool_id) ?? 0n).toString(),
          claimable: claimable.toString(),
          claimed: m.claimed,
          fees: m.fees,
          paidOut: m.paid_out,
          donated: m.donated,
          autoDonateBps: m.auto_donate_bps,
          autoDonateTo: m.auto_donate_to,
        };
      })
      .filter((m): m is PoolMembership => m !== null);
  }

  private earningsOf(subject: string): EarningPoint[] {
    const cumulative = new Map<string, bigint>();
    return this.db
      .prepare(
        `SELECT pl.time, pl.pool_id, pl.kind, pl.product_id, p.token, big_mul(ms.weight, pl.per_weight) AS amount
         FROM memberships ms
         JOIN pool_ledger pl ON pl.pool_id = ms.pool_id AND pl.position > ms.position
           AND (ms.to_position IS NULL OR pl.position < ms.to_position)
         JOIN pools p ON p.id = ms.pool_id
         WHERE ms.member = ? ORDER BY pl.position`,
      )
      .all<{
        time: number;
        pool_id: number;
        kind: "sale" | "deposit";
        product_id: number | null;
        token: string;
        amount: string;
      }>(subject)
      .filter((r) => r.amount !== "0")
      .map((r) => {
        const total = (cumulative.get(r.token) ?? 0n) + BigInt(r.amount);
        cumulative.set(r.token, total);
        return {
          time: r.time,
          iso: isoOf(r.time),
          poolId: r.pool_id,
          token: r.token,
          source: r.kind,
          productId: r.product_id,
          amount: r.amount,
          cumulative: total.toString(),
        };
      });
  }

  private licencesAffecting(subject: string): CitizenLicence[] {
    type SaleRow = {
      position: number;
      product_id: number;
      pool_id: number;
      licensee: string;
      purpose: string;
      model: string;
      terms_version: number;
      expires_at: number;
      expires_at_exact: string;
      token: string;
      price: string;
      time: number;
      tx_hash: string;
      earned: string | null;
    };
    const byPosition = new Map<number, { sale: SaleRow; basis: Set<"pool" | "consent"> }>();
    const add = (sale: SaleRow, basis: "pool" | "consent") => {
      const entry = byPosition.get(sale.position) ?? { sale, basis: new Set() };
      if (basis === "pool") entry.sale = sale;
      entry.basis.add(basis);
      byPosition.set(sale.position, entry);
    };
    for (const sale of this.db
      .prepare(
        `SELECT s.*, big_mul(ms.weight, pl.per_weight) AS earned FROM memberships ms
         JOIN sales s ON s.pool_id = ms.pool_id AND s.position > ms.position
           AND (ms.to_position IS NULL OR s.position < ms.to_position)
         LEFT JOIN pool_ledger pl ON pl.position = s.position
         WHERE ms.member = ?`,
      )
      .all<SaleRow>(subject)) {
      add(sale, "pool");
    }
    for (const sale of this.db
      .prepare(
        `SELECT s.*, NULL AS earned FROM consent_history ch
         JOIN products p ON p.consent_grantee = ch.grantee
         JOIN sales s ON s.product_id = p.id AND s.purpose = ch.purpose
           AND ch.valid_from <= s.time AND ch.valid_to > s.time
         WHERE ch.subject = ? AND ch.action = 'granted'`,
      )
      .all<SaleRow>(subject)) {
      add(sale, "consent");
    }
    return [...byPosition.values()]
      .sort((a, b) => a.sale.position - b.sale.position)
      .map(({ sale, basis }) => ({
        productId: sale.product_id,
        poolId: sale.pool_id,
        basis: [...basis].sort(),
        licensee: sale.licensee,
        purpose: termFor(sale.purpose),
        model: sale.model,
        termsVersion: sale.terms_version,
        soldAt: sale.time,
        soldIso: isoOf(sale.time),
        expiresAt: sale.expires_at_exact,
        expiresIso: isoOf(sale.expires_at),
        perpetual: sale.expires_at_exact === UINT64_MAX,
        price: sale.price,
        token: this.token(sale.token),
        earned: sale.earned ?? "0",
        txHash: sale.tx_hash,
      }));
  }

  /** Per-(purpose, category) counts of subjects whose consent to `grantee` is in force at `at`. */
  private coverage(
    grantee: string,
    at: number,
    purpose?: string,
  ): Map<string, { subjects: number; categories: Map<string, number> }> {
    const out = new Map<string, { subjects: number; categories: Map<string, number> }>();
    const onePurpose = purpose === undefined ? "" : "AND ch.purpose = $purpose";
    const params: Record<string, string | number> = { grantee, at };
    if (purpose !== undefined) params.purpose = purpose;
    for (const r of this.db
      .prepare(
        `SELECT ch.purpose AS purpose, COUNT(*) AS subjects FROM consent_history ch
         WHERE ch.grantee = $grantee AND ch.valid_to > $at AND ch.valid_from <= $at ${onePurpose}
         GROUP BY ch.purpose`,
      )
      .all<{ purpose: string; subjects: number }>(params)) {
      out.set(r.purpose, { subjects: r.subjects, categories: new Map() });
    }
    for (const r of this.db
      .prepare(
        `SELECT ch.purpose AS purpose, m.category AS category, COUNT(*) AS subjects FROM consent_history ch
         JOIN category_set_members m ON m.set_id = ch.category_set_id
         WHERE ch.grantee = $grantee AND ch.valid_to > $at AND ch.valid_from <= $at ${onePurpose}
         GROUP BY ch.purpose, m.category`,
      )
      .all<{ purpose: string; category: string; subjects: number }>(params)) {
      out.get(r.purpose)?.categories.set(r.category, r.subjects);
    }
    return out;
  }

  /** A controller's record of processing: purposes, categories, licences, and the subjects behind each. */
  controllerRecord(query: ControllerQuery): ControllerRecord {
    const q = parseInput(controllerQuerySchema, query, "controller record query");
    const at = q.at ?? this.defaultTime();
    const controller = q.controller;
    const now = this.coverage(controller, at);
    // Every purpose and category the controller ever held consent for, with the subjects covered at `at`.
    const ever = this.db
      .prepare(
        `SELECT DISTINCT ch.purpose AS purpose, m.category AS category FROM consent_history ch
         JOIN category_set_members m ON m.set_id = ch.category_set_id
         WHERE ch.grantee = ? AND ch.action = 'granted' AND ch.time <= ? ORDER BY ch.purpose, m.category`,
      )
      .all<{ purpose: string; category: string }>(controller, at);
    const purposes = new Map<string, ControllerPurpose>();
    for (const r of ever) {
      let p = purposes.get(r.purpose);
      if (!p) {
        p = {
          purpose: termFor(r.purpose),
          subjects: now.get(r.purpose)?.subjects ?? 0,
          categories: [],
        };
        purposes.set(r.purpose, p);
      }
      p.categories.push({
        category: termFor(r.category),
        subjects: now.get(r.purpose)?.categories.get(r.category) ?? 0,
      });
    }

    const licences: ControllerLicence[] = this.db
      .prepare(
        `SELECT l.licence_id, l.product_id, l.purpose, l.status, l.expires_at, l.expires_at_exact, l.terms_version,
           l.first_time, p.provider, p.consent_grantee, pt.terms_hash, pt.metadata_uri,
           (SELECT model FROM licence_history h WHERE h.licence_id = l.licence_id AND h.model IS NOT NULL
              ORDER BY h.position DESC LIMIT 1) AS model,
           (SELECT COUNT(*) FROM licence_history h WHERE h.licence_id = l.licence_id
              AND h.valid_from <= $at AND h.valid_to > $at) AS valid_at
         FROM licences l JOIN products p ON p.id = l.product_id
         LEFT JOIN product_terms pt ON pt.product_id = l.product_id AND pt.terms_version = l.terms_version
         WHERE l.licensee = $licensee AND l.first_time <= $at ORDER BY l.first_time, l.licence_id`,
      )
      .all<{
        licence_id: string;
        product_id: number;
        purpose: string;
        status: string;
        expires_at: number;
        expires_at_exact: string;
        terms_version: number;
        first_time: number;
        provider: string;
        consent_grantee: string;
        terms_hash: string | null;
        metadata_uri: string | null;
        model: string | null;
        valid_at: number;
      }>({ at, licensee: controller })
      .map((l) => {
        const cover = this.coverage(l.consent_grantee, at, l.purpose).get(l.purpose);
        return {
          licenceId: l.licence_id,
          productId: l.product_id,
          provider: l.provider,
          consentGrantee: l.consent_grantee,
          purpose: termFor(l.purpose),
          model: l.model,
          status: l.status,
          validAt: l.valid_at > 0,
          expiresAt: l.expires_at_exact,
          expiresIso: isoOf(l.expires_at),
          perpetual: l.expires_at_exact === UINT64_MAX,
          termsVersion: l.terms_version,
          termsHash: l.terms_hash,
          metadataUri: l.metadata_uri,
          firstIssuedAt: l.first_time,
          subjects: cover?.subjects ?? 0,
          categories: [...(cover?.categories ?? new Map<string, number>())]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([category, subjects]) => ({ category: termFor(category), subjects })),
        };
      });

    const pools = this.db
      .prepare(
        `SELECT p.id, p.purpose, p.category_set_id, p.total_weight,
           (SELECT COUNT(*) FROM members m WHERE m.pool_id = p.id AND m.weight > 0) AS members
         FROM pools p WHERE p.consent_grantee = ? ORDER BY p.id`,
      )
      .all<{
        id: number;
        purpose: string;
        category_set_id: number;
        total_weight: number;
        members: number;
      }>(controller)
      .map((p) => ({
        poolId: p.id,
        purpose: termFor(p.purpose),
        categories: this.categoriesOf(p.category_set_id),
        members: p.members,
        totalWeight: p.total_weight,
      }));

    return {
      question: "controller-record",
      asOf: this.asOf(),
      at,
      atIso: isoOf(at),
      controller,
      purposes: [...purposes.values()],
      licences,
      pools,
    };
  }

  /** A product's sales, licences and revenue by party. */
  productReport(query: ProductQuery): ProductReport {
    const q = parseInput(productQuerySchema, query, "product report query");
    const p = this.db
      .prepare(
        `SELECT p.*, pa.city AS city, pa.contributors AS contributors FROM products p
         LEFT JOIN parties pa ON pa.id = p.parties_id WHERE p.id = ?`,
      )
      .get<{
        id: number;
        provider: string;
        city: string | null;
        contributors: string | null;
        token: string;
        price: string;
        period: number;
        terms_version: number;
        renewable: number;
        paused: number;
        pool_id: number;
        consent_grantee: string;
        metadata_uri: string;
        terms_hash: string;
        arbiter: string | null;
        time: number;
      }>(q.productId);
    if (!p) {
      throw new InvalidInputError(`The ledger knows no product ${q.productId}`, {
        details: "Is the ledger synced? `status` shows the last block read.",
      });
    }
    const at = this.defaultTime();
    const rows = this.db.prepare("SELECT * FROM sales WHERE product_id = ? ORDER BY position").all<{
      licensee: string;
      purpose: string;
      model: string;
      terms_version: number;
      expires_at: number;
      expires_at_exact: string;
      price: string;
      platform_fee: string;
      city_share: string;
      provider_share: string;
      contributors_share: string;
      time: number;
      tx_hash: string;
    }>(p.id);
    const sales: ProductSale[] = rows.map((s) => ({
      time: s.time,
      iso: isoOf(s.time),
      licensee: s.licensee,
      purpose: termFor(s.purpose),
      model: s.model,
      termsVersion: s.terms_version,
      expiresAt: s.expires_at_exact,
      expiresIso: isoOf(s.expires_at),
      price: s.price,
      platformFee: s.platform_fee,
      cityShare: s.city_share,
      providerShare: s.provider_share,
      contributorsShare: s.contributors_share,
      txHash: s.tx_hash,
    }));
    const total = sumOf(rows.map((s) => s.price));
    const earned = {
      platform: sumOf(rows.map((s) => s.platform_fee)),
      city: sumOf(rows.map((s) => s.city_share)),
      provider: sumOf(rows.map((s) => s.provider_share)),
      contributors: sumOf(rows.map((s) => s.contributors_share)),
    };
    const isPool = p.pool_id !== 0;
    const withdrawn = new Map<string, bigint>();
    for (const w of this.db
      .prepare(
        `SELECT role, big_sum(amount) AS amount FROM revenue_withdrawals
         WHERE source = 'product' AND source_id = ? GROUP BY role`,
      )
      .all<{ role: string; amount: string }>(p.id)) {
      withdrawn.set(w.role, BigInt(w.amount));
    }
    const treasury = this.platformTreasury();
    const party = (
      name: PartyRevenue["party"],
      role: string,
      account: string | null,
      amount: bigint,
    ): PartyRevenue => ({
      party: name,
      account,
      earned: amount.toString(),
      withdrawn: isPool ? null : (withdrawn.get(role) ?? 0n).toString(),
      owed: isPool ? null : (amount - (withdrawn.get(role) ?? 0n)).toString(),
    });
    const counts = this.db
      .prepare(
        `SELECT
           SUM(status = 'Active' AND expires_at >= $at) AS active,
           SUM(status = 'Active' AND expires_at < $at) AS expired,
           SUM(status = 'Cancelled') AS cancelled,
           SUM(status = 'Revoked') AS revoked
         FROM licences WHERE product_id = $id`,
      )
      .get<{
        active: number | null;
        expired: number | null;
        cancelled: number | null;
        revoked: number | null;
      }>({ at, id: p.id })!;

    let pool: ProductReport["pool"] = null;
    if (isPool) {
      const pr = this.db.prepare("SELECT * FROM pools WHERE id = ?").get<{
        received: string;
        platform_bps: number;
        city_bps: number;
        provider_bps: number;
        carried: string;
        unassigned: string;
      }>(p.pool_id);
      if (pr) {
        const received = BigInt(pr.received);
        const poolWithdrawn = new Map<string, bigint>();
        for (const w of this.db
          .prepare(
            `SELECT role, big_sum(amount) AS amount FROM revenue_withdrawals
             WHERE source = 'pool' AND source_id = ? GROUP BY role`,
          )
          .all<{ role: string; amount: string }>(p.pool_id)) {
          poolWithdrawn.set(w.role, BigInt(w.amount));
        }
        const owed = (bps: number, role: string) =>
          ((received * BigInt(bps)) / 10_000n - (poolWithdrawn.get(role) ?? 0n)).toString();
        const members = this.db
          .prepare(
            `SELECT ms.member AS member, big_sum(big_mul(ms.weight, pl.per_weight)) AS earned
             FROM pool_ledger pl JOIN memberships ms ON ms.pool_id = pl.pool_id AND ms.position < pl.position
               AND (ms.to_position IS NULL OR ms.to_position > pl.position)
             WHERE pl.product_id = ? GROUP BY ms.member`,
          )
          .all<{ member: string; earned: string }>(p.id)
          .filter((m) => m.earned !== "0")
          .sort((a, b) => {
            const d = BigInt(b.earned) - BigInt(a.earned);
            return d > 0n ? 1 : d < 0n ? -1 : a.member < b.member ? -1 : 1;
          });
        pool = {
          poolId: p.pool_id,
          received: pr.received,
          owed: {
            platform: owed(pr.platform_bps, "Platform"),
            city: owed(pr.city_bps, "City"),
            provider: owed(pr.provider_bps, "Provider"),
          },
          carried: pr.carried,
          unassigned: pr.unassigned,
          distributedToMembers: sumOf(members.map((m) => m.earned)).toString(),
          members,
        };
      }
    }

    return {
      question: "product-report",
      asOf: this.asOf(),
      product: {
        id: p.id,
        provider: p.provider,
        city: p.city,
        contributors: p.contributors,
        token: this.token(p.token),
        price: p.price,
        period: p.period,
        termsVersion: p.terms_version,
        renewable: p.renewable === 1,
        paused: p.paused === 1,
        poolId: p.pool_id,
        consentGrantee: p.consent_grantee,
        metadataUri: p.metadata_uri,
        termsHash: p.terms_hash,
        arbiter: p.arbiter,
        purposes: this.db
          .prepare("SELECT purpose FROM product_purposes WHERE product_id = ? ORDER BY purpose")
          .all<{ purpose: string }>(p.id)
          .map((r) => termFor(r.purpose)),
        publishedAt: p.time,
        publishedIso: isoOf(p.time),
        terms: this.db
          .prepare("SELECT * FROM product_terms WHERE product_id = ? ORDER BY terms_version")
          .all<{
            terms_version: number;
            price: string;
            period: number;
            renewable: number;
            terms_hash: string;
            metadata_uri: string;
            time: number;
          }>(p.id)
          .map((t) => ({
            termsVersion: t.terms_version,
            price: t.price,
            period: t.period,
            renewable: t.renewable === 1,
            termsHash: t.terms_hash,
            metadataUri: t.metadata_uri,
            time: t.time,
          })),
      },
      sales,
      licences: {
        active: counts.active ?? 0,
        expired: counts.expired ?? 0,
        cancelled: counts.cancelled ?? 0,
        revoked: counts.revoked ?? 0,
      },
      revenue: {
        total: total.toString(),
        remainder: (
          total -
          earned.platform -
          earned.city -
          earned.provider -
          earned.contributors
        ).toString(),
        byParty: [
          party("platform", "Platform", treasury, earned.platform),
          party("city", "City", p.city, earned.city),
          party("provider", "Provider", p.provider, earned.provider),
          party("contributors", "Contributors", p.contributors, earned.contributors),
        ],
      },
      pool,
    };
  }

  private platformTreasury(): string | null {
    const row = this.db
      .prepare(
        `SELECT json_extract(args, '$.treasury') AS treasury FROM events
         WHERE name = 'PlatformTreasurySet' ORDER BY position DESC LIMIT 1`,
      )
      .get<{ treasury: string }>();
    return row?.treasury ?? null;
  }

  /** The indicators cities track, over `[from, to]` (default: from the start to the last block read). */
  indicators(query: IndicatorsQuery = {}): Indicators {
    const q = parseInput(indicatorsQuerySchema, query, "indicators query");
    const to = q.to ?? this.defaultTime();
    const from = q.from ?? null;
    const lo = from ?? 0;
    const window = { lo, hi: to };
    const count = (sql: string, params: Record<string, number | string> = window): number =>
      this.db.prepare(sql).get<{ n: number | null }>(params)?.n ?? 0;

    const byModel: Record<string, number> = {};
    for (const r of this.db
      .prepare(
        "SELECT model, COUNT(*) AS n FROM sales WHERE time BETWEEN $lo AND $hi GROUP BY model ORDER BY model",
      )
      .all<{ model: string; n: number }>(window)) {
      byModel[r.model] = r.n;
    }
    const renewals = byModel.Renewal ?? 0;
    const established = Object.values(byModel).reduce((a, b) => a + b, 0) - renewals;

    // Value by token: sales (DataLicensing) and deposits (RevenuePool).
    const tokens = new Map<string, TokenIndicators>();
    const entry = (token: string): TokenIndicators => {
      let t = tokens.get(token);
      if (!t) {
        t = {
          token: this.token(token),
          sales: 0,
          salesValue: "0",
          deposits: 0,
          depositsValue: "0",
          total: "0",
          platform: "0",
          city: "0",
          provider: "0",
          contributors: "0",
          donated: "0",
          donatedToCities: "0",
          shareToCitizens: null,
          shareToCities: null,
          shareToCitizensAfterDonations: null,
          shareToCitiesWithDonations: null,
        };
        tokens.set(token, t);
      }
      return t;
    };
    const PARTS = ["platform", "city", "provider", "contributors"] as const;
    /** A token's count of sales or deposits, with the platform's, city's, provider's and contributors' parts. */
    type SplitSums = { token: string; n: number } & Record<(typeof PARTS)[number], string>;
    const addParts = (r: SplitSums): TokenIndicators => {
      const t = entry(r.token);
      for (const k of PARTS) t[k] = (BigInt(t[k]) + BigInt(r[k])).toString();
      return t;
    };
    for (const r of this.db
      .prepare(
        `SELECT token, COUNT(*) AS n, big_sum(price) AS price, big_sum(platform_fee) AS platform,
           big_sum(city_share) AS city, big_sum(provider_share) AS provider,
           big_sum(contributors_share) AS contributors
         FROM sales WHERE time BETWEEN $lo AND $hi AND price != '0' GROUP BY token`,
      )
      .all<SplitSums & { price: string }>(window)) {
      const t = addParts(r);
      t.sales = r.n;
      t.salesValue = r.price;
    }
    for (const r of this.db
      .prepare(
        `SELECT p.token AS token, COUNT(*) AS n, big_sum(pl.amount) AS amount, big_sum(pl.platform) AS platform,
           big_sum(pl.city) AS city, big_sum(pl.provider) AS provider, big_sum(pl.contributors) AS contributors
         FROM pool_ledger pl JOIN pools p ON p.id = pl.pool_id
         WHERE pl.kind = 'deposit' AND pl.time BETWEEN $lo AND $hi GROUP BY p.token`,
      )
      .all<SplitSums & { amount: string }>(window)) {
      const t = addParts(r);
      t.deposits = r.n;
      t.depositsValue = r.amount;
    }
    for (const r of this.db
      .prepare(
        `SELECT p.token AS token, big_sum(f.amount) AS donated,
           big_sum(CASE WHEN f.counterparty = p.city THEN f.amount ELSE '0' END) AS to_cities
         FROM member_flows f JOIN pools p ON p.id = f.pool_id
         WHERE f.kind = 'donated' AND f.time BETWEEN $lo AND $hi GROUP BY p.token`,
      )
      .all<{ token: string; donated: string; to_cities: string }>(window)) {
      const t = entry(r.token);
      t.donated = r.donated;
      t.donatedToCities = r.to_cities;
    }
    for (const t of tokens.values()) {
      const total = BigInt(t.salesValue) + BigInt(t.depositsValue);
      t.total = total.toString();
      const citizens = BigInt(t.contributors);
      const cities = BigInt(t.city);
      t.shareToCitizens = percentOf(citizens, total);
      t.shareToCities = percentOf(cities, total);
      t.shareToCitizensAfterDonations = percentOf(citizens - BigInt(t.donated), total);
      t.shareToCitiesWithDonations = percentOf(cities + BigInt(t.donatedToCities), total);
    }

    const givenVia: Record<string, number> = {};
    const withdrawnVia: Record<string, number> = {};
    for (const r of this.db
      .prepare(
        `SELECT action, via, COUNT(*) AS n FROM consent_history WHERE time BETWEEN $lo AND $hi
         GROUP BY action, via ORDER BY via`,
      )
      .all<{ action: string; via: string; n: number }>(window)) {
      (r.action === "granted" ? givenVia : withdrawnVia)[r.via] = r.n;
    }
    const given = Object.values(givenVia).reduce((a, b) => a + b, 0);
    const firstGrants = count(
      `SELECT COUNT(*) AS n FROM consent_history h WHERE action = 'granted' AND time BETWEEN $lo AND $hi
         AND NOT EXISTS (SELECT 1 FROM consent_history e WHERE e.consent_id = h.consent_id
           AND e.position < h.position AND e.action = 'granted')`,
    );

    const monthly = new Map<string, Indicators["monthly"][number]>();
    const month = (m: string) => {
      let e = monthly.get(m);
      if (!e) {
        e = { month: m, licences: 0, consentsGiven: 0, consentsWithdrawn: 0, value: [] };
        monthly.set(m, e);
      }
      return e;
    };
    for (const r of this.db
      .prepare(
        `SELECT strftime('%Y-%m', time, 'unixepoch') AS m, action, COUNT(*) AS n FROM consent_history
         WHERE time BETWEEN $lo AND $hi GROUP BY m, action`,
      )
      .all<{ m: string; action: string; n: number }>(window)) {
      if (r.action === "granted") month(r.m).consentsGiven = r.n;
      else month(r.m).consentsWithdrawn = r.n;
    }
    for (const r of this.db
      .prepare(
        `SELECT strftime('%Y-%m', time, 'unixepoch') AS m, SUM(model != 'Renewal') AS n FROM sales
         WHERE time BETWEEN $lo AND $hi GROUP BY m`,
      )
      .all<{ m: string; n: number }>(window)) {
      month(r.m).licences = r.n;
    }
    for (const r of this.db
      .prepare(
        `SELECT m, token, big_sum(amount) AS amount FROM (
           SELECT strftime('%Y-%m', time, 'unixepoch') AS m, token, price AS amount FROM sales
             WHERE time BETWEEN $lo AND $hi
           UNION ALL
           SELECT strftime('%Y-%m', pl.time, 'unixepoch') AS m, p.token AS token, pl.amount AS amount
             FROM pool_ledger pl JOIN pools p ON p.id = pl.pool_id
             WHERE pl.kind = 'deposit' AND pl.time BETWEEN $lo AND $hi)
         GROUP BY m, token ORDER BY m, token`,
      )
      .all<{ m: string; token: string; amount: string }>(window)) {
      if (r.amount !== "0") month(r.m).value.push({ token: r.token, amount: r.amount });
    }

    return {
      question: "indicators",
      asOf: this.asOf(),
      from,
      to,
      fromIso: isoOf(from),
      toIso: isoOf(to),
      licences: {
        established,
        renewals,
        byModel,
        cancelled: count(
          "SELECT COUNT(*) AS n FROM licence_history WHERE action = 'cancelled' AND time BETWEEN $lo AND $hi",
        ),
        revoked: count(
          "SELECT COUNT(*) AS n FROM licence_history WHERE action = 'revoked' AND time BETWEEN $lo AND $hi",
        ),
        activeAtEnd: count(
          "SELECT COUNT(*) AS n FROM licence_history WHERE valid_from <= $hi AND valid_to > $hi",
          { hi: to },
        ),
      },
      value: [...tokens.values()],
      citizens: {
        everConsented: count(
          "SELECT COUNT(DISTINCT subject) AS n FROM consent_history WHERE action = 'granted' AND time <= $hi",
          { hi: to },
        ),
        withValidConsentAtEnd: count(
          "SELECT COUNT(DISTINCT subject) AS n FROM consent_history WHERE valid_from <= $hi AND valid_to > $hi",
          { hi: to },
        ),
        poolMembersAtEnd: count(
          `SELECT COUNT(DISTINCT member) AS n FROM memberships
           WHERE from_time <= $hi AND (to_time IS NULL OR to_time > $hi)`,
          { hi: to },
        ),
        earning: count(
          `SELECT COUNT(DISTINCT ms.member) AS n FROM memberships ms
           JOIN pool_ledger pl ON pl.pool_id = ms.pool_id AND pl.position > ms.position
             AND (ms.to_position IS NULL OR pl.position < ms.to_position)
           WHERE pl.per_weight != '0' AND pl.time BETWEEN $lo AND $hi`,
        ),
        donating: count(
          "SELECT COUNT(DISTINCT member) AS n FROM member_flows WHERE kind = 'donated' AND time BETWEEN $lo AND $hi",
        ),
      },
      consents: {
        given,
        firstGrants,
        replacements: given - firstGrants,
        withdrawn: Object.values(withdrawnVia).reduce((a, b) => a + b, 0),
        withdrawAll: count(
          "SELECT COUNT(*) AS n FROM subject_epochs WHERE time BETWEEN $lo AND $hi",
        ),
        givenVia,
        withdrawnVia,
      },
      monthly: [...monthly.values()].sort((a, b) => (a.month < b.month ? -1 : 1)),
    };
  }
}

/** "valid until 2027-01-31", or "with no end date" for an expiry beyond the year 9999. */
function untilText(validUntil: number): string {
  const iso = isoOf(validUntil);
  return iso && !iso.startsWith("+") ? `valid until ${iso.slice(0, 10)}` : "with no end date";
}

function laterThanKnown(at: number, asOf: AsOf): string | null {
  if (asOf.time === null || at <= asOf.time) return null;
  return `The time asked for is later than the last block read (${asOf.block}, ${asOf.iso}): events after it are not known to the ledger; sync first for an up-to-date answer.`;
}

/** An amount in a token's units ("12.5 EURC"), or in base units when the decimals are unknown. */
export function formatAmount(amount: string, token: TokenInfo): string {
  const symbol = token.symbol ?? (token.address === ZERO_ADDRESS ? "native coin" : "units");
  if (token.decimals === null) return `${amount} ${token.symbol ?? "base units"}`;
  const v = BigInt(amount);
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const scale = 10n ** BigInt(token.decimals);
  const whole = abs / scale;
  const fraction = (abs % scale).toString().padStart(token.decimals, "0").replace(/0+$/, "");
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${wholeText}${fraction ? `.${fraction}` : ""} ${symbol}`;
}
