// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IRevenuePool
/// @notice Revenue pools: every payment into a pool is split between the platform, the city, the provider and the
/// pool's members (the citizens whose data the products are built from), at a cost that does not depend on the
/// number of members. Members earn pro rata to their weights while their consent holds, and claim, donate or are
/// paid out in batches.
/// @dev A pool belongs to a provider (a data cooperative, a city department) and is paid in one token (or the
/// chain's native coin). Membership rests on a consent in the ConsentRegistry: to a grantee, for a purpose,
/// covering a registered set of categories. Money arrives two ways: a sale of a DataLicensing product that names
/// the pool (the buyer's payment goes straight to the pool in the sale's single transfer, and the pool's shares
/// replace the product's own split), or a deposit by anyone.
///
/// Accounting is exact, per pool: each party's entitlement is the floor of the running total received times its
/// basis points, and the contributors' part is spread over the total weight with reward-per-weight accounting:
/// `accumulated += credit / totalWeight`, the remainder `credit % totalWeight` carried to the next payment. A
/// member's earnings are `weight * (accumulated - snapshot)`, settled into the member's balance before any change
/// of its weight. At all times, per pool: received = what the parties are owed and have withdrawn + what members
/// hold, were paid and donated + donations owed and withdrawn + carried remainders, to the wei.
interface IRevenuePool {
    /// @notice The parties besides the members.
    enum Role {
        Platform,
        City,
        Provider
    }

    /// @notice Why a member's weight changed.
    enum WeightChange {
        Joined,
        Set,
        Left,
        SettledOut
    }

    /// @notice What a provider sets when creating a pool. Shares are basis points that must add up to 10,000;
    /// the platform's share must be at least the DataLicensing platform fee at the time. They cannot change
    /// later: members join on those terms.
    /// @param token The payment token; zero for the chain's native coin.
    /// @param city The city's account, paid the city share and the default beneficiary of donations.
    /// @param consentGrantee The controller the members' consent must be given to.
    /// @param purpose The DPV purpose id the members' consent must cover.
    /// @param categorySetId A ConsentRegistry category set that the members' consent must cover entirely.
    /// @param defaultWeight The weight a member gets on joining; only the provider can give another.
    struct PoolParams {
        address token;
        address city;
        uint16 platformBps;
        uint16 cityBps;
        uint16 providerBps;
        uint16 contributorsBps;
        address consentGrantee;
        bytes32 purpose;
        uint32 categorySetId;
        uint32 defaultWeight;
    }

    /// @notice A pool as reported by {getPool}.
    struct Pool {
        address provider;
        address token;
        address city;
        uint16 platformBps;
        uint16 cityBps;
        uint16 providerBps;
        uint16 contributorsBps;
        address consentGrantee;
        bytes32 purpose;
        uint32 categorySetId;
        uint32 defaultWeight;
        uint40 totalWeight;
    }

    /// @notice A pool's running totals, as reported by {accountsOf}.
    /// @param received Everything paid into the pool.
    /// @param accumulatedPerWeight What one unit of weight has earned since the pool was created.
    /// @param carried Contributors' money not yet spread over the weights: the remainder of the last division.
    /// @param unassigned Contributors' money received while the pool had no weight; spread at the next payment.
    struct Accounts {
        uint256 received;
        uint256 accumulatedPerWeight;
        uint256 carried;
        uint256 unassigned;
    }

    /// @notice A member as reported by {memberOf}.
    /// @param weight The member's weight; zero if not (or no longer) a member.
    /// @param autoDonateBps The part of every claim and payout the member gives away, in basis points.
    /// @param autoDonateTo Who receives it now: the beneficiary the member chose while it stays registered,
    /// otherwise the pool's city.
    /// @param claimable What the member can claim now.
    struct Member {
        uint32 weight;
        uint16 autoDonateBps;
        address autoDonateTo;
        uint256 claimable;
    }

    /// @notice How one payment was divided.
    struct Split {
        uint256 platform;
        uint256 city;
        uint256 provider;
        uint256 contributors;
    }

    /// @notice A join signed by the citizen, relayed by the pool's provider or the citizen's operator.
    /// @param weight The weight to join with: the pool's default, unless the provider relays it.
    /// @param nonce The member's current nonce ({nonces}); shared with signed claims.
    struct JoinRequest {
        uint256 poolId;
        address member;
        uint32 weight;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A claim signed by the member, relayed by anyone, who is paid `fee` out of the claim.
    /// @param to Where the claim is paid.
    /// @param fee What the relayer takes; exactly this, never more.
    struct ClaimRequest {
        uint256 poolId;
        address member;
        address to;
        uint256 fee;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice Emitted when a pool is created, with everything needed to rebuild it.
    event PoolCreated(uint256 indexed poolId, address indexed provider, address indexed token, PoolParams params);

    /// @notice Emitted when the provider registers (or removes) a beneficiary members may donate to.
    event BeneficiarySet(uint256 indexed poolId, address indexed beneficiary, bool allowed);

    /// @notice Emitted when a member's weight changes, with why.
    event WeightChanged(
        uint256 indexed poolId,
        address indexed member,
        uint32 previousWeight,
        uint32 weight,
        WeightChange change
    );

    /// @notice Emitted for a deposit into a pool. A licence sale's payment into a pool is reported by
    /// DataLicensing's `LicenceIssued` event, which carries the same split (one event per sale, for gas).
    event Deposited(uint256 indexed poolId, address indexed payer, uint256 amount, Split split);

    /// @notice Emitted when a member claims: `amount` paid to `to`, `fee` to the relayer. A standing auto-donation
    /// taken from the claim is reported by a {Donated} event just before.
    event Claimed(uint256 indexed poolId, address indexed member, address to, uint256 amount, uint256 fee);

    /// @notice Emitted when a batch payout pays a member. A standing auto-donation taken from the payout is
    /// reported by a {Donated} event just before.
    event PaidOut(uint256 indexed poolId, address indexed member, address to, uint256 amount);

    /// @notice Emitted when a batch payout could not pay a member; the balance stays claimable.
    event PayoutFailed(uint256 indexed poolId, address indexed member, address indexed to, uint256 amount);

    /// @notice Emitted when a member donates (directly, or by auto-donation at a claim or payout).
    event Donated(uint256 indexed poolId, address indexed member, address beneficiary, uint256 amount);

    /// @notice Emitted when a member sets a standing auto-donation.
    event AutoDonateSet(uint256 indexed poolId, address indexed member, address indexed beneficiary, uint16 bps);

    /// @notice Emitted when a member sets where batch payouts of a pool pay it (zero: itself).
    event PayoutAddressSet(uint256 indexed poolId, address indexed member, address indexed payoutAddress);

    /// @notice Emitted when the platform, the city or the provider withdraws what a pool owes it.
    event RevenueWithdrawn(uint256 indexed poolId, Role indexed role, address indexed to, uint256 amount);

    /// @notice Emitted when donations a pool holds for a beneficiary are paid to it.
    event DonationsWithdrawn(uint256 indexed poolId, address indexed beneficiary, uint256 amount);

    /// @notice Thrown when a pool id does not exist.
    error RevenuePoolUnknownPool(uint256 poolId);

    /// @notice Thrown when the caller is not the pool's provider.
    error RevenuePoolNotProvider(address caller, address provider);

    /// @notice Thrown when an address that must be set is zero.
    error RevenuePoolZeroAddress();

    /// @notice Thrown when the four shares do not add up to 10,000 basis points.
    error RevenuePoolInvalidShares(uint256 total);

    /// @notice Thrown when the platform's share is below the platform fee in force.
    error RevenuePoolPlatformShareTooLow(uint256 platformBps, uint256 platformFeeBps);

    /// @notice Thrown when a pool's consent basis is incomplete: a zero purpose or an unregistered category set.
    error RevenuePoolInvalidConsentBasis();

    /// @notice Thrown when a weight is zero where a member must have one, or above what a member may hold.
    error RevenuePoolInvalidWeight(uint256 weight);

    /// @notice Thrown when the pool's total weight would exceed its limit (2^40 - 1).
    error RevenuePoolTotalWeightOverflow();

    /// @notice Thrown when joining a pool one is already a member of.
    error RevenuePoolAlreadyMember(uint256 poolId, address member);

    /// @notice Thrown when acting on a member that has no weight in the pool.
    error RevenuePoolNotMember(uint256 poolId, address member);

    /// @notice Thrown when a member's consent does not cover the pool's grantee, purpose and categories now.
    error RevenuePoolNoValidConsent(uint256 poolId, address member);

    /// @notice Thrown when settling out a member whose consent is still valid.
    error RevenuePoolConsentStillValid(uint256 poolId, address member);

    /// @notice Thrown when someone other than the provider gives a weight other than the pool's default.
    error RevenuePoolWeightNeedsProvider(uint32 weight, uint32 defaultWeight);

    /// @notice Thrown when a signed join is relayed by someone who is neither the provider nor the member's operator.
    error RevenuePoolUnauthorizedRelayer(address caller);

    /// @notice Thrown when a signature's deadline has passed.
    error RevenuePoolExpiredSignature(uint256 deadline);

    /// @notice Thrown when a signature is not the member's.
    error RevenuePoolInvalidSignature(address member);

    /// @notice Thrown when there is nothing to claim, withdraw or pay.
    error RevenuePoolNothingToClaim(uint256 poolId, address account);

    /// @notice Thrown when donating more than the member can claim.
    error RevenuePoolInsufficientBalance(uint256 requested, uint256 available);

    /// @notice Thrown when the relayer's fee is more than the claim.
    error RevenuePoolFeeExceedsClaim(uint256 fee, uint256 amount);

    /// @notice Thrown when donating to an account that is neither the pool's city nor a registered beneficiary.
    error RevenuePoolNotBeneficiary(uint256 poolId, address beneficiary);

    /// @notice Thrown when basis points exceed 10,000.
    error RevenuePoolInvalidBps(uint256 bps);

    /// @notice Thrown when an amount must be positive.
    error RevenuePoolZeroAmount();

    /// @notice Thrown when native coin sent does not equal the amount, or is sent to an ERC-20 pool.
    error RevenuePoolValueMismatch(uint256 sent, uint256 expected);

    /// @notice Thrown when fewer tokens arrived than were transferred (a fee-on-transfer or deflationary token).
    error RevenuePoolTransferShortfall(uint256 expected, uint256 received);

    /// @notice Thrown when native coin could not be sent to `to`.
    error RevenuePoolNativeTransferFailed(address to, uint256 amount);

    /// @notice Thrown when a licence sale is credited by anyone but the DataLicensing contract.
    error RevenuePoolNotLicensing(address caller);

    /// @notice Thrown when two lists that go together differ in length.
    error RevenuePoolLengthMismatch(uint256 a, uint256 b);

    /// @notice Creates a pool; the caller is its provider.
    /// @return poolId The new pool's id.
    function createPool(PoolParams calldata params) external returns (uint256 poolId);

    /// @notice Registers (or removes) an account members may donate to, besides the city (provider only).
    function setBeneficiary(uint256 poolId, address beneficiary, bool allowed) external;

    /// @notice Joins a pool with its default weight. Needs the caller's valid consent.
    function join(uint256 poolId) external;

    /// @notice Joins a pool by the member's signature, relayed by the provider or the member's operator.
    function joinBySig(JoinRequest calldata request, bytes calldata signature) external;

    /// @notice Leaves a pool: the caller stops earning and keeps what it earned.
    function leave(uint256 poolId) external;

    /// @notice Sets a member's weight (provider only); zero removes it. A weight above zero needs valid consent.
    /// What the member earned at its previous weight is settled first.
    function setWeight(uint256 poolId, address member, uint32 weight) external;

    /// @notice {setWeight} for many members; the caller chooses the list's size.
    function setWeights(uint256 poolId, address[] calldata members, uint32[] calldata weights) external;

    /// @notice Stops a member whose consent was withdrawn or has expired from earning. Anyone may call; what
    /// the member earned before stays claimable.
    function settleOut(uint256 poolId, address member) external;

    /// @notice {settleOut} for many members, skipping those who are not members or whose consent still holds.
    /// @return settled How many were settled out.
    function settleOutBatch(uint256 poolId, address[] calldata members) external returns (uint256 settled);

    /// @notice Pays `amount` into a pool (native coin: send it), split and credited at once. Anyone may call.
    /// @return split How the payment was divided.
    function deposit(uint256 poolId, uint256 amount) external payable returns (Split memory split);

    /// @notice Credits a licence sale whose payment the DataLicensing contract has just sent to this contract
    /// (native coin: with the call). Callable by DataLicensing only.
    function creditSale(uint256 poolId, uint256 amount) external payable returns (Split memory split);

    /// @notice Claims everything the caller has earned, to `to` (less any standing auto-donation).
    /// @return amount What was paid to `to`.
    function claim(uint256 poolId, address to) external returns (uint256 amount);

    /// @notice Claims by the member's signature; the caller (relayer) is paid the signed fee out of the claim.
    /// @return amount What was paid to `request.to`.
    function claimBySig(ClaimRequest calldata request, bytes calldata signature) external returns (uint256 amount);

    /// @notice Gives `amount` of what the caller has earned to the pool's city or a registered beneficiary.
    function donate(uint256 poolId, address beneficiary, uint256 amount) external;

    /// @notice Sets the part of every later claim and payout the caller gives away, and to whom (zero: the city).
    function setAutoDonate(uint256 poolId, address beneficiary, uint16 bps) external;

    /// @notice Sets where batch payouts of a pool pay the caller (zero: the caller itself).
    function setPayoutAddress(uint256 poolId, address payoutAddress) external;

    /// @notice Pays each listed member what it has earned, to its payout address. A member who cannot be paid
    /// keeps its balance claimable and the batch goes on; a member with nothing owed is skipped, so running the
    /// same batch twice pays nobody twice. Anyone may call; the caller chooses the list's size.
    /// @return paid How many members were paid.
    /// @return total The total paid.
    function payout(uint256 poolId, address[] calldata members) external returns (uint256 paid, uint256 total);

    /// @notice Pays the platform, the city or the provider what the pool owes it, to its account. Anyone may call.
    /// @return amount What was paid.
    function withdraw(uint256 poolId, Role role) external returns (uint256 amount);

    /// @notice Pays a beneficiary the donations the pool holds for it. Anyone may call.
    /// @return amount What was paid.
    function withdrawDonations(uint256 poolId, address beneficiary) external returns (uint256 amount);

    /// @notice A pool's configuration and total weight.
    function getPool(uint256 poolId) external view returns (Pool memory);

    /// @notice A pool's running totals.
    function accountsOf(uint256 poolId) external view returns (Accounts memory);

    /// @notice A member's weight, auto-donation and claimable balance.
    function memberOf(uint256 poolId, address member) external view returns (Member memory);

    /// @notice What a member can claim now.
    function claimableOf(uint256 poolId, address member) external view returns (uint256);

    /// @notice What the pool owes the platform, the city and the provider now, indexed by {Role}.
    function owed(uint256 poolId) external view returns (uint256[3] memory amounts);

    /// @notice Donations the pool holds for a beneficiary.
    function donationsOf(uint256 poolId, address beneficiary) external view returns (uint256);

    /// @notice Whether members may donate to `account`: the pool's city or a registered beneficiary.
    function isBeneficiary(uint256 poolId, address account) external view returns (bool);

    /// @notice Where batch payouts of a pool pay `member`.
    function payoutAddressOf(uint256 poolId, address member) external view returns (address);

    /// @notice The rounding remainder (at most 3 wei) of the split that no party is entitled to yet.
    function splitRemainder(uint256 poolId) external view returns (uint256);

    /// @notice Whether `member`'s consent covers the pool's grantee, purpose and categories now.
    function hasValidConsent(uint256 poolId, address member) external view returns (bool);

    /// @notice The next nonce for `member`'s signed joins and claims.
    function nonces(address member) external view returns (uint256);

    /// @notice Number of pools created; ids run from 1 to this number.
    function poolCount() external view returns (uint256);

    /// @notice The ConsentRegistry membership is checked against.
    function consentRegistry() external view returns (address);

    /// @notice The DataLicensing contract whose sales pay into pools.
    function dataLicensing() external view returns (address);

    /// @notice The contract's version, as `major.minor.patch`.
    function version() external pure returns (string memory);
}
