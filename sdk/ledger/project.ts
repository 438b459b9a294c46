/**
 * The projector: turns events, in chain order, into the derived tables. The same code runs for each new
 * event during a sync and for every stored event during a rebuild, so the two cannot disagree.
 *
 * It replicates the contracts' rules from their events alone:
 * - a consent's epoch is the subject's epoch (counted from `AllConsentsWithdrawn`) when it was granted, and
 *   each version of a consent is valid over `[valid_from, valid_to)`: from its grant until the earliest of
 *   its replacement or withdrawal, its subject's next withdraw-all, and the second after `validUntil`;
 * - a licence likewise, from its issue until its cancellation, revocation or the second after expiry;
 * - a pool's reward-per-weight accounting: each payment (`Deposited`, or `LicenceIssued` of a pool product
 *   with a price) adds `(contributors + carried [+ unassigned]) / totalWeight` to the accumulator and
 *   carries the remainder, and each member's balance is settled on every change of its weight, claim,
 *   payout and donation exactly as `RevenuePool` does, so `balance + weight × (accumulated − snapshot)` is
 *   the contract's `claimableOf`, to the wei.
 *
 * @module
 */
import { computeLicenceId } from "../licensing.js";
import type { Db } from "./db.js";
import type { ContractName, EventArgs, JsonValue } from "./decode.js";

/** An event being projected. */
export interface LedgerEvent {
  /** `block_number × 1,000,000 + log_index`: the event's place in chain order. */
  position: number;
  contract: ContractName;
  name: string;
  args: EventArgs;
  blockNumber: number;
  time: number;
  txHash: string;
  logIndex: number;
}

/** Times and expiries are saturated here so that they stay exact JavaScript numbers (the year 285 million). */
export const MAX_TIME = Number.MAX_SAFE_INTEGER - 1;

/** Log indexes per block in a position: more than any block can hold at today's gas limits. */
export const POSITION_FACTOR = 1_000_000;

/** An event's position from its block number and log index. */
export function positionOf(blockNumber: number, logIndex: number): number {
  if (logIndex >= POSITION_FACTOR) throw new Error(`log index ${logIndex} is out of range`);
  const position = blockNumber * POSITION_FACTOR + logIndex;
  if (!Number.isSafeInteger(position)) throw new Error(`block ${blockNumber} is out of range`);
  return position;
}

/** A uint64 time (decimal string) as a number, saturated at {@link MAX_TIME}. */
export function saturatedTime(value: string): number {
  const v = BigInt(value);
  return v > BigInt(MAX_TIME) ? MAX_TIME : Number(v);
}

export const VIA = ["Subject", "Operator", "Signature"] as const;
export const MODEL = ["Purchase", "Renewal", "Offer", "PublicInterest"] as const;
export const LICENSING_ROLE = ["Platform", "City", "Provider", "Contributors"] as const;
export const POOL_ROLE = ["Platform", "City", "Provider"] as const;
export const WEIGHT_CHANGE = ["Joined", "Set", "Left", "SettledOut"] as const;

const str = (a: EventArgs, k: string): string => a[k] as string;
const num = (a: EventArgs, k: string): number => a[k] as number;
const big = (a: EventArgs, k: string): bigint => BigInt(a[k] as string | number);
const obj = (a: EventArgs, k: string): EventArgs => a[k] as EventArgs;
const list = (a: EventArgs, k: string): string[] => a[k] as string[];
const ZERO = "0x0000000000000000000000000000000000000000";
const orNull = (address: string): string | null => (address === ZERO ? null : address);

interface PoolState {
  total_weight: number;
  received: string;
  accumulated: string;
  carried: string;
  unassigned: string;
}

interface MemberState {
  weight: number;
  snapshot: string;
  balance: string;
}

/** Applies events to the derived tables. Create one per batch (it holds prepared statements). */
export class Projector {
  /** The event applied just before, to recognise an auto-donation reported right after its payout. */
  private previous: LedgerEvent | undefined;

  constructor(private readonly db: Db) {}

  /** Applies one event. Events must come in chain order. Unknown names are ignored. */
  apply(event: LedgerEvent): void {
    const handler = this.handlers[`${event.contract}.${event.name}`];
    if (handler) handler.call(this, event);
    this.previous = event;
  }

  private readonly handlers: Record<string, (this: Projector, e: LedgerEvent) => void> = {
    "ConsentRegistry.CategorySetRegistered": this.categorySetRegistered,
    "ConsentRegistry.ConsentGranted": this.consentGranted,
    "ConsentRegistry.ConsentWithdrawn": this.consentWithdrawn,
    "ConsentRegistry.AllConsentsWithdrawn": this.allConsentsWithdrawn,
    "ConsentRegistry.OperatorSet": this.operatorSet,
    "DataLicensing.PartiesRegistered": this.partiesRegistered,
    "DataLicensing.ProductPublished": this.productPublished,
    "DataLicensing.TermsUpdated": this.termsUpdated,
    "DataLicensing.ProductPaused": this.productPaused,
    "DataLicensing.ArbiterSet": this.arbiterSet,
    "DataLicensing.LicenceIssued": this.licenceIssued,
    "DataLicensing.LicenceCancelled": this.licenceEnded,
    "DataLicensing.LicenceRevoked": this.licenceEnded,
    "DataLicensing.RevenueWithdrawn": this.revenueWithdrawn,
    "RevenuePool.PoolCreated": this.poolCreated,
    "RevenuePool.BeneficiarySet": this.beneficiarySet,
    "RevenuePool.WeightChanged": this.weightChanged,
    "RevenuePool.Deposited": this.deposited,
    "RevenuePool.Claimed": this.claimedOrPaid,
    "RevenuePool.PaidOut": this.claimedOrPaid,
    "RevenuePool.PayoutFailed": this.payoutFailed,
    "RevenuePool.Donated": this.donated,
    "RevenuePool.AutoDonateSet": this.autoDonateSet,
    "RevenuePool.PayoutAddressSet": this.payoutAddressSet,
    "RevenuePool.RevenueWithdrawn": this.revenueWithdrawn,
    "RevenuePool.DonationsWithdrawn": this.donationsWithdrawn,
  };

  // ----------------------------------------------------------------------------------------------------------
  // ConsentRegistry
  // ----------------------------------------------------------------------------------------------------------

  private categorySetRegistered(e: LedgerEvent): void {
    const id = num(e.args, "categorySetId");
    const categories = list(e.args, "categories");
    this.db
      .prepare("INSERT INTO category_sets (id, categories, size, time) VALUES (?, ?, ?, ?)")
      .run(id, JSON.stringify(categories), categories.length, e.time);
    const member = this.db.prepare(
      "INSERT OR IGNORE INTO category_set_members (category, set_id) VALUES (?, ?)",
    );
    for (const category of categories) member.run(category, id);
  }

  /** Subjects' epochs seen by this projector (it is the only writer while it runs). */
  private readonly epochs = new Map<string, number>();

  /** The subject's current epoch, registering the subject on first sight. */
  private subjectEpoch(subject: string, time: number): number {
    const known = this.epochs.get(subject);
    if (known !== undefined) return known;
    const row = this.db
      .prepare("SELECT epoch FROM subjects WHERE subject = ?")
      .get<{ epoch: number }>(subject);
    if (!row) {
      this.db
        .prepare(
          "INSERT INTO subjects (subject, epoch, operator, first_time) VALUES (?, 0, NULL, ?)",
        )
        .run(subject, time);
    }
    const epoch = row?.epoch ?? 0;
    this.epochs.set(subject, epoch);
    return epoch;
  }

  /** Ends the open version of a consent at `time`. */
  private endConsentVersion(consentId: string, time: number): void {
    this.db
      .prepare(
        `UPDATE consent_history SET ended_time = $t,
           valid_to = CASE WHEN valid_to IS NULL THEN NULL ELSE MIN(valid_to, $t) END
         WHERE consent_id = $id AND ended_time IS NULL`,
      )
      .run({ t: time, id: consentId });
  }

  private consentGranted(e: LedgerEvent): void {
    const a = e.args;
    const consentId = str(a, "consentId");
    const subject = str(a, "subject");
    const epoch = this.subjectEpoch(subject, e.time);
    const validUntil = str(a, "validUntil");
    const until = saturatedTime(validUntil);
    const nonce = Number(big(a, "nonce"));
    const via = VIA[num(a, "via")] ?? String(num(a, "via"));
    this.endConsentVersion(consentId, e.time);
    this.db
      .prepare(
        `INSERT INTO consent_history (position, consent_id, subject, grantee, purpose, action, category_set_id,
           valid_until, valid_until_exact, epoch, receipt_hash, nonce, actor, via, time, valid_from, valid_to)
         VALUES (?, ?, ?, ?, ?, 'granted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.position,
        consentId,
        subject,
        str(a, "grantee"),
        str(a, "purpose"),
        num(a, "categorySetId"),
        until,
        validUntil,
        epoch,
        str(a, "receiptHash"),
        nonce,
        str(a, "actor"),
        via,
        e.time,
        e.time,
        until + 1,
      );
    this.db
      .prepare(
        `INSERT INTO consents (consent_id, subject, grantee, purpose, category_set_id, valid_until,
           valid_until_exact, epoch, nonce, active, receipt_hash, first_time, position)
         VALUES ($id, $subject, $grantee, $purpose, $set, $until, $exact, $epoch, $nonce, 1, $receipt, $time, $position)
         ON CONFLICT (consent_id) DO UPDATE SET category_set_id = $set, valid_until = $until,
           valid_until_exact = $exact, epoch = $epoch, nonce = $nonce, active = 1, receipt_hash = $receipt,
           position = $position`,
      )
      .run({
        id: consentId,
        subject,
        grantee: str(a, "grantee"),
        purpose: str(a, "purpose"),
        set: num(a, "categorySetId"),
        until,
        exact: validUntil,
        epoch,
        nonce,
        receipt: str(a, "receiptHash"),
        time: e.time,
        position: e.position,
      });
  }

  private consentWithdrawn(e: LedgerEvent): void {
    const a = e.args;
    const consentId = str(a, "consentId");
    const subject = str(a, "subject");
    this.subjectEpoch(subject, e.time);
    const validUntil = str(a, "validUntil");
    const nonce = Number(big(a, "nonce"));
    const current = this.db
      .prepare("SELECT epoch FROM consents WHERE consent_id = ?")
      .get<{ epoch: number }>(consentId);
    this.endConsentVersion(consentId, e.time);
    this.db
      .prepare(
        `INSERT INTO consent_history (position, consent_id, subject, grantee, purpose, action, category_set_id,
           valid_until, valid_until_exact, epoch, receipt_hash, nonce, actor, via, time)
         VALUES (?, ?, ?, ?, ?, 'withdrawn', ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
      )
      .run(
        e.position,
        consentId,
        subject,
        str(a, "grantee"),
        str(a, "purpose"),
        num(a, "categorySetId"),
        saturatedTime(validUntil),
        validUntil,
        current?.epoch ?? 0,
        nonce,
        str(a, "actor"),
        VIA[num(a, "via")] ?? String(num(a, "via")),
        e.time,
      );
    this.db
      .prepare("UPDATE consents SET active = 0, nonce = ?, position = ? WHERE consent_id = ?")
      .run(nonce, e.position, consentId);
  }

  private allConsentsWithdrawn(e: LedgerEvent): void {
    const a = e.args;
    const subject = str(a, "subject");
    this.subjectEpoch(subject, e.time);
    const epoch = num(a, "epoch");
    this.db.prepare("UPDATE subjects SET epoch = ? WHERE subject = ?").run(epoch, subject);
    this.epochs.set(subject, epoch);
    this.db
      .prepare(
        `INSERT INTO subject_epochs (subject, epoch, position, time, actor, via) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        subject,
        epoch,
        e.position,
        e.time,
        str(a, "actor"),
        VIA[num(a, "via")] ?? String(num(a, "via")),
      );
    this.db
      .prepare(
        `UPDATE consent_history SET voided_time = $t, valid_to = MIN(valid_to, $t)
         WHERE subject = $subject AND action = 'granted' AND ended_time IS NULL AND voided_time IS NULL`,
      )
      .run({ t: e.time, subject });
  }

  private operatorSet(e: LedgerEvent): void {
    const subject = str(e.args, "subject");
    this.subjectEpoch(subject, e.time);
    this.db
      .prepare("UPDATE subjects SET operator = ? WHERE subject = ?")
      .run(orNull(str(e.args, "operator")), subject);
  }

  // ----------------------------------------------------------------------------------------------------------
  // DataLicensing
  // ----------------------------------------------------------------------------------------------------------

  private partiesRegistered(e: LedgerEvent): void {
    const a = e.args;
    this.db
      .prepare("INSERT INTO parties (id, provider, city, contributors) VALUES (?, ?, ?, ?)")
      .run(num(a, "partiesId"), str(a, "provider"), str(a, "city"), str(a, "contributors"));
  }

  private productPublished(e: LedgerEvent): void {
    const a = e.args;
    const p = obj(a, "product");
    const id = Number(big(a, "productId"));
    const period = saturatedTime(str(p, "period"));
    this.db
      .prepare(
        `INSERT INTO products (id, provider, parties_id, token, price, period, terms_version, city_bps,
           provider_bps, renewable, paused, pool_id, consent_grantee, metadata_uri, terms_hash, arbiter, time)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
      )
      .run(
        id,
        str(a, "provider"),
        num(a, "partiesId"),
        str(p, "token"),
        str(p, "price"),
        period,
        num(p, "termsVersion"),
        num(p, "cityBps"),
        num(p, "providerBps"),
        p.renewable ? 1 : 0,
        p.paused ? 1 : 0,
        Number(big(p, "poolId")),
        str(a, "consentGrantee"),
        str(a, "metadataURI"),
        str(a, "termsHash"),
        e.time,
      );
    this.allowPurposes(id, list(a, "purposes"));
    this.recordTerms(id, e.time);
  }

  private termsUpdated(e: LedgerEvent): void {
    const a = e.args;
    const id = Number(big(a, "productId"));
    this.db
      .prepare(
        `UPDATE products SET terms_version = ?, price = ?, period = ?, renewable = ?, metadata_uri = ?,
           terms_hash = ? WHERE id = ?`,
      )
      .run(
        num(a, "termsVersion"),
        str(a, "price"),
        saturatedTime(str(a, "period")),
        a.renewable ? 1 : 0,
        str(a, "metadataURI"),
        str(a, "termsHash"),
        id,
      );
    this.allowPurposes(id, list(a, "allowedPurposes"));
    const disallow = this.db.prepare(
      "DELETE FROM product_purposes WHERE product_id = ? AND purpose = ?",
    );
    for (const purpose of list(a, "disallowedPurposes")) disallow.run(id, purpose);
    this.recordTerms(id, e.time);
  }

  private allowPurposes(productId: number, purposes: readonly string[]): void {
    const allow = this.db.prepare(
      "INSERT OR IGNORE INTO product_purposes (product_id, purpose) VALUES (?, ?)",
    );
    for (const purpose of purposes) allow.run(productId, purpose);
  }

  /** Appends the product's current terms (as just written to `products`) to `product_terms`. */
  private recordTerms(productId: number, time: number): void {
    this.db
      .prepare(
        `INSERT INTO product_terms (product_id, terms_version, price, period, renewable, metadata_uri,
           terms_hash, time)
         SELECT id, terms_version, price, period, renewable, metadata_uri, terms_hash, ? FROM products
         WHERE id = ?`,
      )
      .run(time, productId);
  }

  private productPaused(e: LedgerEvent): void {
    this.db
      .prepare("UPDATE products SET paused = ? WHERE id = ?")
      .run(e.args.paused ? 1 : 0, Number(big(e.args, "productId")));
  }

  private arbiterSet(e: LedgerEvent): void {
    this.db
      .prepare("UPDATE products SET arbiter = ? WHERE id = ?")
      .run(orNull(str(e.args, "arbiter")), Number(big(e.args, "productId")));
  }

  private endLicenceVersion(licenceId: string, time: number): void {
    this.db
      .prepare(
        `UPDATE licence_history SET ended_time = $t,
           valid_to = CASE WHEN valid_to IS NULL THEN NULL ELSE MIN(valid_to, $t) END
         WHERE licence_id = $id AND ended_time IS NULL`,
      )
      .run({ t: time, id: licenceId });
  }

  private licenceIssued(e: LedgerEvent): void {
    const a = e.args;
    const productId = Number(big(a, "productId"));
    const licensee = str(a, "licensee");
    const purpose = str(a, "purpose");
    const licenceId = computeLicenceId(big(a, "productId"), licensee, purpose);
    const model = MODEL[num(a, "model")] ?? String(num(a, "model"));
    const expiresExact = str(a, "expiresAt");
    const expires = saturatedTime(expiresExact);
    const termsVersion = num(a, "termsVersion");
    this.endLicenceVersion(licenceId, e.time);
    this.db
      .prepare(
        `INSERT INTO licence_history (position, licence_id, product_id, licensee, purpose, action, model, status,
           expires_at, expires_at_exact, terms_version, time, valid_from, valid_to)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'Active', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.position,
        licenceId,
        productId,
        licensee,
        purpose,
        model === "Renewal" ? "renewed" : "issued",
        model,
        expires,
        expiresExact,
        termsVersion,
        e.time,
        e.time,
        expires + 1,
      );
    this.db
      .prepare(
        `INSERT INTO licences (licence_id, product_id, licensee, purpose, status, expires_at, expires_at_exact,
           terms_version, first_time, position)
         VALUES ($id, $product, $licensee, $purpose, 'Active', $expires, $exact, $version, $time, $position)
         ON CONFLICT (licence_id) DO UPDATE SET status = 'Active', expires_at = $expires,
           expires_at_exact = $exact, terms_version = $version, position = $position`,
      )
      .run({
        id: licenceId,
        product: productId,
        licensee,
        purpose,
        expires,
        exact: expiresExact,
        version: termsVersion,
        time: e.time,
        position: e.position,
      });

    const product = this.db
      .prepare("SELECT token, pool_id FROM products WHERE id = ?")
      .get<{ token: string; pool_id: number }>(productId);
    const sale = obj(a, "sale");
    const price = str(sale, "price");
    this.db
      .prepare(
        `INSERT INTO sales (position, product_id, pool_id, licensee, purpose, model, terms_version, expires_at,
           expires_at_exact, token, price, platform_fee, city_share, provider_share, contributors_share, time,
           block_number, tx_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.position,
        productId,
        product?.pool_id ?? 0,
        licensee,
        purpose,
        model,
        termsVersion,
        expires,
        expiresExact,
        product?.token ?? ZERO,
        price,
        str(sale, "platformFee"),
        str(sale, "cityShare"),
        str(sale, "providerShare"),
        str(sale, "contributorsShare"),
        e.time,
        e.blockNumber,
        e.txHash,
      );
    // DataLicensing calls the pool's creditSale only for a payment (a free licence moves no money).
    if (product && product.pool_id !== 0 && BigInt(price) !== 0n) {
      this.credit(e, product.pool_id, "sale", productId, licensee, BigInt(price), {
        platform: str(sale, "platformFee"),
        city: str(sale, "cityShare"),
        provider: str(sale, "providerShare"),
        contributors: str(sale, "contributorsShare"),
      });
    }
  }

  private licenceEnded(e: LedgerEvent): void {
    const a = e.args;
    const productId = Number(big(a, "productId"));
    const licensee = str(a, "licensee");
    const purpose = str(a, "purpose");
    const licenceId = computeLicenceId(big(a, "productId"), licensee, purpose);
    const revoked = e.name === "LicenceRevoked";
    const status = revoked ? "Revoked" : "Cancelled";
    const current = this.db
      .prepare(
        "SELECT expires_at, expires_at_exact, terms_version FROM licences WHERE licence_id = ?",
      )
      .get<{ expires_at: number; expires_at_exact: string; terms_version: number }>(licenceId);
    this.endLicenceVersion(licenceId, e.time);
    this.db
      .prepare(
        `INSERT INTO licence_history (position, licence_id, product_id, licensee, purpose, action, model, status,
           expires_at, expires_at_exact, terms_version, time, revoked_by, reason, evidence_hash, refund)
         VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.position,
        licenceId,
        productId,
        licensee,
        purpose,
        revoked ? "revoked" : "cancelled",
        status,
        current?.expires_at ?? 0,
        current?.expires_at_exact ?? "0",
        current?.terms_version ?? 0,
        e.time,
        revoked ? str(a, "revokedBy") : null,
        revoked ? str(a, "reason") : null,
        revoked ? str(a, "evidenceHash") : null,
        revoked ? str(a, "refund") : null,
      );
    this.db
      .prepare("UPDATE licences SET status = ?, position = ? WHERE licence_id = ?")
      .run(status, e.position, licenceId);
  }

  private revenueWithdrawn(e: LedgerEvent): void {
    const a = e.args;
    const fromPool = e.contract === "RevenuePool";
    const roles: readonly string[] = fromPool ? POOL_ROLE : LICENSING_ROLE;
    this.db
      .prepare(
        `INSERT INTO revenue_withdrawals (position, source, source_id, role, recipient, amount, time)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.position,
        fromPool ? "pool" : "product",
        Number(big(a, fromPool ? "poolId" : "productId")),
        roles[num(a, "role")] ?? String(num(a, "role")),
        str(a, "to"),
        str(a, "amount"),
        e.time,
      );
  }

  // ----------------------------------------------------------------------------------------------------------
  // RevenuePool
  // ----------------------------------------------------------------------------------------------------------

  private poolCreated(e: LedgerEvent): void {
    const a = e.args;
    const p = obj(a, "params");
    this.db
      .prepare(
        `INSERT INTO pools (id, provider, token, city, platform_bps, city_bps, provider_bps, contributors_bps,
           consent_grantee, purpose, category_set_id, default_weight, total_weight, received, accumulated,
           carried, unassigned, time)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '0', '0', '0', '0', ?)`,
      )
      .run(
        Number(big(a, "poolId")),
        str(a, "provider"),
        str(a, "token"),
        str(p, "city"),
        num(p, "platformBps"),
        num(p, "cityBps"),
        num(p, "providerBps"),
        num(p, "contributorsBps"),
        str(p, "consentGrantee"),
        str(p, "purpose"),
        num(p, "categorySetId"),
        num(p, "defaultWeight"),
        e.time,
      );
  }

  private beneficiarySet(e: LedgerEvent): void {
    this.db
      .prepare(
        `INSERT INTO pool_beneficiaries (pool_id, beneficiary, allowed) VALUES (?, ?, ?)
         ON CONFLICT (pool_id, beneficiary) DO UPDATE SET allowed = excluded.allowed`,
      )
      .run(Number(big(e.args, "poolId")), str(e.args, "beneficiary"), e.args.allowed ? 1 : 0);
  }

  private pool(poolId: number): PoolState {
    const pool = this.db
      .prepare(
        "SELECT total_weight, received, accumulated, carried, unassigned FROM pools WHERE id = ?",
      )
      .get<PoolState>(poolId);
    if (!pool) throw new Error(`event for unknown pool ${poolId}`);
    return pool;
  }

  /** A member's stored state, creating the member (weight 0) on first sight. */
  private member(poolId: number, member: string, time: number): MemberState {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO members (pool_id, member, weight, snapshot, balance, claimed, fees, paid_out,
           donated, auto_donate_bps, auto_donate_to, payout_address, first_time)
         VALUES (?, ?, 0, '0', '0', '0', '0', '0', '0', 0, NULL, NULL, ?)`,
      )
      .run(poolId, member, time);
    return this.db
      .prepare("SELECT weight, snapshot, balance FROM members WHERE pool_id = ? AND member = ?")
      .get<MemberState>(poolId, member)!;
  }

  /** Settles a member at the pool's accumulator and sets its balance (RevenuePool's `_settleTo`). */
  private settle(poolId: number, member: string, accumulated: string, balance: bigint): void {
    this.db
      .prepare("UPDATE members SET snapshot = ?, balance = ? WHERE pool_id = ? AND member = ?")
      .run(accumulated, balance.toString(), poolId, member);
  }

  /** What a member holds at `accumulated` (RevenuePool's `_balanceAt`). */
  private static balanceAt(m: MemberState, accumulated: string): bigint {
    return BigInt(m.balance) + BigInt(m.weight) * (BigInt(accumulated) - BigInt(m.snapshot));
  }

  private weightChanged(e: LedgerEvent): void {
    const a = e.args;
    const poolId = Number(big(a, "poolId"));
    const member = str(a, "member");
    const previous = num(a, "previousWeight");
    const weight = num(a, "weight");
    const change = WEIGHT_CHANGE[num(a, "change")] ?? String(num(a, "change"));
    const pool = this.pool(poolId);
    const m = this.member(poolId, member, e.time);
    const balance = Projector.balanceAt({ ...m, weight: previous }, pool.accumulated);
    this.db
      .prepare(
        "UPDATE members SET weight = ?, snapshot = ?, balance = ? WHERE pool_id = ? AND member = ?",
      )
      .run(weight, pool.accumulated, balance.toString(), poolId, member);
    this.db
      .prepare("UPDATE pools SET total_weight = ? WHERE id = ?")
      .run(pool.total_weight - previous + weight, poolId);
    this.db
      .prepare(
        `UPDATE memberships SET to_position = ?, to_time = ?, ended_by = ?
         WHERE pool_id = ? AND member = ? AND to_position IS NULL`,
      )
      .run(e.position, e.time, change, poolId, member);
    if (weight > 0) {
      this.db
        .prepare(
          `INSERT INTO memberships (position, pool_id, member, weight, change, from_time)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(e.position, poolId, member, weight, change, e.time);
    }
  }

  private deposited(e: LedgerEvent): void {
    const a = e.args;
    const split = obj(a, "split");
    this.credit(e, Number(big(a, "poolId")), "deposit", null, str(a, "payer"), big(a, "amount"), {
      platform: str(split, "platform"),
      city: str(split, "city"),
      provider: str(split, "provider"),
      contributors: str(split, "contributors"),
    });
  }

  /** RevenuePool's `_credit`: spreads the contributors' part over the total weight. */
  private credit(
    e: LedgerEvent,
    poolId: number,
    kind: "deposit" | "sale",
    productId: number | null,
    payer: string,
    amount: bigint,
    split: { platform: string; city: string; provider: string; contributors: string },
  ): void {
    const pool = this.pool(poolId);
    const weight = BigInt(pool.total_weight);
    let credit = BigInt(split.contributors) + BigInt(pool.carried);
    let accumulated = BigInt(pool.accumulated);
    let unassigned = BigInt(pool.unassigned);
    let carried = 0n;
    let perWeight = 0n;
    if (weight === 0n) {
      unassigned += credit;
    } else {
      credit += unassigned;
      unassigned = 0n;
      perWeight = credit / weight;
      accumulated += perWeight;
      carried = credit % weight;
    }
    const received = BigInt(pool.received) + amount;
    this.db
      .prepare(
        "UPDATE pools SET received = ?, accumulated = ?, carried = ?, unassigned = ? WHERE id = ?",
      )
      .run(
        received.toString(),
        accumulated.toString(),
        carried.toString(),
        unassigned.toString(),
        poolId,
      );
    this.db
      .prepare(
        `INSERT INTO pool_ledger (position, pool_id, kind, product_id, payer, amount, platform, city, provider,
           contributors, total_weight, accumulated, per_weight, time, block_number, tx_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.position,
        poolId,
        kind,
        productId,
        payer,
        amount.toString(),
        split.platform,
        split.city,
        split.provider,
        split.contributors,
        pool.total_weight,
        accumulated.toString(),
        perWeight.toString(),
        e.time,
        e.blockNumber,
        e.txHash,
      );
  }

  /** Whether the event just before was `name` for the same pool and member, right before in the same tx. */
  private follows(e: LedgerEvent, names: readonly string[]): boolean {
    const p = this.previous;
    return (
      p !== undefined &&
      p.contract === "RevenuePool" &&
      names.includes(p.name) &&
      p.txHash === e.txHash &&
      p.logIndex === e.logIndex - 1 &&
      p.args.poolId === e.args.poolId &&
      p.args.member === e.args.member
    );
  }

  private flow(
    e: LedgerEvent,
    kind: string,
    counterparty: string,
    amount: string,
    fee: string,
    auto: boolean,
  ): void {
    this.db
      .prepare(
        `INSERT INTO member_flows (position, pool_id, member, kind, counterparty, amount, fee, auto, time)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.position,
        Number(big(e.args, "poolId")),
        str(e.args, "member"),
        kind,
        counterparty,
        amount,
        fee,
        auto ? 1 : 0,
        e.time,
      );
  }

  /** `Claimed` and `PaidOut`: the member's whole balance left it (paid, a fee, an auto-donation). */
  private claimedOrPaid(e: LedgerEvent): void {
    const a = e.args;
    const poolId = Number(big(a, "poolId"));
    const member = str(a, "member");
    const pool = this.pool(poolId);
    this.member(poolId, member, e.time);
    this.settle(poolId, member, pool.accumulated, 0n);
    const claimed = e.name === "Claimed";
    const fee = claimed ? str(a, "fee") : "0";
    this.db
      .prepare(
        `UPDATE members SET ${claimed ? "claimed" : "paid_out"} = big_add(${claimed ? "claimed" : "paid_out"}, ?),
           fees = big_add(fees, ?) WHERE pool_id = ? AND member = ?`,
      )
      .run(str(a, "amount"), fee, poolId, member);
    // An auto-donation reported just before belongs to this claim or payout.
    if (this.previous && this.follows(e, ["Donated"])) {
      this.db
        .prepare("UPDATE member_flows SET auto = 1 WHERE position = ?")
        .run(this.previous.position);
    }
    this.flow(e, claimed ? "claimed" : "paid_out", str(a, "to"), str(a, "amount"), fee, false);
  }

  private payoutFailed(e: LedgerEvent): void {
    this.flow(e, "payout_failed", str(e.args, "to"), str(e.args, "amount"), "0", false);
  }

  private donated(e: LedgerEvent): void {
    const a = e.args;
    const poolId = Number(big(a, "poolId"));
    const member = str(a, "member");
    const beneficiary = str(a, "beneficiary");
    const amount = str(a, "amount");
    // RevenuePool reports an auto-donation next to the claim or payout it came from. Reported before it,
    // it is deducted here and the claim then empties the rest; reported after it (as the interface's
    // comment on payouts says), the claim already emptied the balance, so nothing more is deducted.
    const afterPayment = this.follows(e, ["Claimed", "PaidOut"]);
    if (!afterPayment) {
      const pool = this.pool(poolId);
      const m = this.member(poolId, member, e.time);
      this.settle(
        poolId,
        member,
        pool.accumulated,
        Projector.balanceAt(m, pool.accumulated) - BigInt(amount),
      );
    }
    this.db
      .prepare("UPDATE members SET donated = big_add(donated, ?) WHERE pool_id = ? AND member = ?")
      .run(amount, poolId, member);
    this.db
      .prepare(
        `INSERT INTO donations (pool_id, beneficiary, held, received, withdrawn) VALUES (?, ?, ?, ?, '0')
         ON CONFLICT (pool_id, beneficiary) DO UPDATE SET held = big_add(held, excluded.held),
           received = big_add(received, excluded.received)`,
      )
      .run(poolId, beneficiary, amount, amount);
    this.flow(e, "donated", beneficiary, amount, "0", afterPayment);
  }

  private autoDonateSet(e: LedgerEvent): void {
    const a = e.args;
    const poolId = Number(big(a, "poolId"));
    const member = str(a, "member");
    this.member(poolId, member, e.time);
    this.db
      .prepare(
        "UPDATE members SET auto_donate_bps = ?, auto_donate_to = ? WHERE pool_id = ? AND member = ?",
      )
      .run(num(a, "bps"), str(a, "beneficiary"), poolId, member);
  }

  private payoutAddressSet(e: LedgerEvent): void {
    const a = e.args;
    const poolId = Number(big(a, "poolId"));
    const member = str(a, "member");
    this.member(poolId, member, e.time);
    this.db
      .prepare("UPDATE members SET payout_address = ? WHERE pool_id = ? AND member = ?")
      .run(orNull(str(a, "payoutAddress")), poolId, member);
  }

  private donationsWithdrawn(e: LedgerEvent): void {
    const a = e.args;
    this.db
      .prepare(
        `UPDATE donations SET held = big_sub(held, $amount), withdrawn = big_add(withdrawn, $amount)
         WHERE pool_id = $pool AND beneficiary = $beneficiary`,
      )
      .run({
        amount: str(a, "amount"),
        pool: Number(big(a, "poolId")),
        beneficiary: str(a, "beneficiary"),
      });
  }
}

/** The JSON form of stored event args, parsed. */
export function parseArgs(json: string): EventArgs {
  return JSON.parse(json) as Record<string, JsonValue>;
}
