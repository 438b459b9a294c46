// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {IDataLicensing} from "../interfaces/IDataLicensing.sol";
import {IRevenuePool} from "../interfaces/IRevenuePool.sol";
import {RevenueSplit} from "../libraries/RevenueSplit.sol";

/// @title RevenuePool
/// @notice Revenue pools keyed by id, each split between the platform, the city, the provider and its members.
/// See {IRevenuePool}.
/// @dev Storage is shaped by the cost of the hot paths. A payment reads the pool's first slot (token, total weight,
/// shares) and reads and writes its second (running total received, accumulated per weight, carried remainder):
/// its cost does not depend on the number of members. A member is one slot (weight, auto-donation, snapshot,
/// balance), so a claim, a donation or a payout touches one member slot and nothing else of the member.
///
/// Nothing here has an owner: the platform's share goes to the DataLicensing platform treasury, and the lower
/// bound of that share is the DataLicensing platform fee when the pool is created.
/// Relayers batch signed joins and claims with OpenZeppelin's `multicall`, which is not payable: a batch cannot
/// reuse one payment of native coin for several deposits.
contract RevenuePool is IRevenuePool, EIP712, Nonces, ReentrancyGuardTransient, Multicall {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev The slot a payment reads: who is paid how much, and over how much weight. `hasUnassigned` says
    /// whether `PoolData.unassigned` is non-zero, so that a payment reads that slot only when it must.
    struct Core {
        address token;
        uint40 totalWeight;
        uint16 platformBps;
        uint16 cityBps;
        uint16 providerBps;
        bool hasUnassigned;
    }

    /// @dev The slot a payment writes. `carried` is below the total weight the last payment was divided by (a
    /// member leaving afterwards can make it reach the current total weight; the next payment spreads it).
    struct Ledger {
        uint104 received;
        uint96 accumulated;
        uint48 carried;
    }

    /// @dev A pool: the two hot slots first, then what joins read, then the rest.
    struct PoolData {
        Core core;
        Ledger ledger;
        address consentGrantee;
        uint32 categorySetId;
        uint32 defaultWeight;
        bytes32 purpose;
        address provider;
        address city;
        uint256 unassigned;
    }

    /// @dev A member in one slot. `balance` is what was settled and not yet claimed; what the member earned since
    /// is `weight * (accumulated - snapshot)`. `hasPayoutAddress` spares a batch payout a lookup per member.
    struct MemberData {
        uint32 weight;
        bool hasPayoutAddress;
        uint16 autoDonateBps;
        uint96 snapshot;
        uint104 balance;
    }

    /// @notice Gas a batch payout lets a native-coin recipient spend: enough for a smart-contract wallet's
    /// `receive`, too little to make the batch fail by burning all gas.
    uint256 public constant NATIVE_PAYOUT_GAS = 50_000;

    bytes32 private constant _JOIN_TYPEHASH = keccak256(
        "JoinRequest(uint256 poolId,address member,uint32 weight,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _CLAIM_TYPEHASH = keccak256(
        "ClaimRequest(uint256 poolId,address member,address to,uint256 fee,uint256 nonce,uint256 deadline)"
    );

    IConsentRegistry private immutable _registry;
    IDataLicensing private immutable _licensing;

    mapping(uint256 poolId => PoolData) private _pools;
    mapping(uint256 poolId => mapping(address member => MemberData)) private _members;
    mapping(uint256 poolId => mapping(address member => address)) private _autoDonateTo;
    mapping(uint256 poolId => uint256[3] withdrawnByRole) private _withdrawn;
    mapping(uint256 poolId => mapping(address beneficiary => bool)) private _beneficiaries;
    mapping(uint256 poolId => mapping(address beneficiary => uint256)) private _donations;
    mapping(uint256 poolId => mapping(address member => address)) private _payoutAddresses;
    uint256 private _poolCount;

    constructor(address registry, address licensing) EIP712("RevenuePool", "1") {
        if (registry == address(0) || licensing == address(0)) revert RevenuePoolZeroAddress();
        _registry = IConsentRegistry(registry);
        _licensing = IDataLicensing(licensing);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Pools
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenuePool
    function createPool(PoolParams calldata params) external returns (uint256 poolId) {
        if (params.city == address(0) || params.consentGrantee == address(0)) revert RevenuePoolZeroAddress();
        uint256 total = uint256(params.platformBps) + params.cityBps + params.providerBps + params.contributorsBps;
        if (total != RevenueSplit.BPS) revert RevenuePoolInvalidShares(total);
        uint256 feeBps = _licensing.platformFeeBps();
        if (params.platformBps < feeBps) revert RevenuePoolPlatformShareTooLow(params.platformBps, feeBps);
        if (params.purpose == bytes32(0) || !_categorySetExists(params.categorySetId)) {
            revert RevenuePoolInvalidConsentBasis();
        }
        if (params.defaultWeight == 0) revert RevenuePoolInvalidWeight(0);

        poolId = ++_poolCount;
        PoolData storage pool = _pools[poolId];
        pool.core = Core({
            token: params.token,
            totalWeight: 0,
            platformBps: params.platformBps,
            cityBps: params.cityBps,
            providerBps: params.providerBps,
            hasUnassigned: false
        });
        pool.consentGrantee = params.consentGrantee;
        pool.categorySetId = params.categorySetId;
        pool.defaultWeight = params.defaultWeight;
        pool.purpose = params.purpose;
        pool.provider = msg.sender;
        pool.city = params.city;
        emit PoolCreated(poolId, msg.sender, params.token, params);
    }

    /// @inheritdoc IRevenuePool
    function setBeneficiary(uint256 poolId, address beneficiary, bool allowed) external {
        _poolOfProvider(poolId);
        if (beneficiary == address(0)) revert RevenuePoolZeroAddress();
        _beneficiaries[poolId][beneficiary] = allowed;
        emit BeneficiarySet(poolId, beneficiary, allowed);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Membership
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenuePool
    /// @dev A pool exists if it has a default weight, which a join reads anyway (the provider's slot is not read).
    function join(uint256 poolId) external {
        PoolData storage pool = _pools[poolId];
        uint32 weight = pool.defaultWeight;
        if (weight == 0) revert RevenuePoolUnknownPool(poolId);
        _join(poolId, pool, msg.sender, weight);
    }

    /// @inheritdoc IRevenuePool
    function joinBySig(JoinRequest calldata request, bytes calldata signature) external {
        PoolData storage pool = _existingPool(request.poolId);
        address member = request.member;
        bool byProvider = msg.sender == pool.provider;
        if (!byProvider && msg.sender != _registry.getSubject(member).operator) {
            revert RevenuePoolUnauthorizedRelayer(msg.sender);
        }
        uint32 defaultWeight = pool.defaultWeight;
        if (!byProvider && request.weight != defaultWeight) {
            revert RevenuePoolWeightNeedsProvider(request.weight, defaultWeight);
        }
        bytes32 structHash = keccak256(
            abi.encode(_JOIN_TYPEHASH, request.poolId, member, request.weight, request.nonce, request.deadline)
        );
        _useSignature(member, request.nonce, request.deadline, structHash, signature);
        _join(request.poolId, pool, member, request.weight);
    }

    /// @inheritdoc IRevenuePool
    function leave(uint256 poolId) external {
        PoolData storage pool = _existingPool(poolId);
        _requireMember(poolId, msg.sender);
        _setWeight(poolId, pool, msg.sender, 0, WeightChange.Left);
    }

    /// @inheritdoc IRevenuePool
    function setWeight(uint256 poolId, address member, uint32 weight) external {
        PoolData storage pool = _poolOfProvider(poolId);
        _providerSetWeight(poolId, pool, member, weight);
    }

    /// @inheritdoc IRevenuePool
    function setWeights(uint256 poolId, address[] calldata members, uint32[] calldata weights) external {
        if (members.length != weights.length) revert RevenuePoolLengthMismatch(members.length, weights.length);
        PoolData storage pool = _poolOfProvider(poolId);
        for (uint256 i = 0; i < members.length; ++i) {
            _providerSetWeight(poolId, pool, members[i], weights[i]);
        }
    }

    /// @inheritdoc IRevenuePool
    function settleOut(uint256 poolId, address member) external {
        PoolData storage pool = _existingPool(poolId);
        _requireMember(poolId, member);
        if (_consentValid(pool, member)) revert RevenuePoolConsentStillValid(poolId, member);
        _setWeight(poolId, pool, member, 0, WeightChange.SettledOut);
    }

    /// @inheritdoc IRevenuePool
    function settleOutBatch(uint256 poolId, address[] calldata members) external returns (uint256 settled) {
        PoolData storage pool = _existingPool(poolId);
        for (uint256 i = 0; i < members.length; ++i) {
            address member = members[i];
            if (_members[poolId][member].weight == 0 || _consentValid(pool, member)) continue;
            _setWeight(poolId, pool, member, 0, WeightChange.SettledOut);
            ++settled;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Money in
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenuePool
    function deposit(uint256 poolId, uint256 amount) external payable nonReentrant returns (Split memory split) {
        PoolData storage pool = _existingPool(poolId);
        if (amount == 0) revert RevenuePoolZeroAmount();
        address token = pool.core.token;
        if (token == address(0)) {
            if (msg.value != amount) revert RevenuePoolValueMismatch(msg.value, amount);
        } else {
            if (msg.value != 0) revert RevenuePoolValueMismatch(msg.value, 0);
            _pullExactly(IERC20(token), amount);
        }
        split = _credit(pool, amount);
        emit Deposited(poolId, msg.sender, amount, split);
    }

    /// @inheritdoc IRevenuePool
    /// @dev DataLicensing checked when the product was published that the pool exists, belongs to the product's
    /// provider and is paid in the product's token, and it checked the transfer's arrival by balance difference.
    /// No event here: the sale's `LicenceIssued` event carries the split. No reentrancy guard either: nothing
    /// here calls out.
    function creditSale(uint256 poolId, uint256 amount) external payable returns (Split memory split) {
        if (msg.sender != address(_licensing)) revert RevenuePoolNotLicensing(msg.sender);
        PoolData storage pool = _pools[poolId];
        uint256 expectedValue = pool.core.token == address(0) ? amount : 0;
        if (msg.value != expectedValue) revert RevenuePoolValueMismatch(msg.value, expectedValue);
        split = _credit(pool, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Money out
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenuePool
    /// @dev An unknown pool has no member with a balance, so it needs no check of its own. The member's balance is
    /// zeroed before any transfer, so a re-entrant recipient finds nothing to claim.
    function claim(uint256 poolId, address to) external returns (uint256 amount) {
        return _claim(poolId, msg.sender, to, 0);
    }

    /// @inheritdoc IRevenuePool
    function claimBySig(ClaimRequest calldata request, bytes calldata signature) external returns (uint256 amount) {
        bytes32 structHash = keccak256(
            abi.encode(
                _CLAIM_TYPEHASH,
                request.poolId,
                request.member,
                request.to,
                request.fee,
                request.nonce,
                request.deadline
            )
        );
        _useSignature(request.member, request.nonce, request.deadline, structHash, signature);
        return _claim(request.poolId, request.member, request.to, request.fee);
    }

    /// @inheritdoc IRevenuePool
    /// @dev An unknown pool has no city and no beneficiary, so it needs no check of its own.
    function donate(uint256 poolId, address beneficiary, uint256 amount) external {
        if (amount == 0) revert RevenuePoolZeroAmount();
        if (beneficiary == address(0)) revert RevenuePoolZeroAddress();
        PoolData storage pool = _pools[poolId];
        if (beneficiary != pool.city && !_beneficiaries[poolId][beneficiary]) {
            revert RevenuePoolNotBeneficiary(poolId, beneficiary);
        }
        MemberData storage member = _members[poolId][msg.sender];
        uint256 accumulated = pool.ledger.accumulated;
        uint256 available = _balanceAt(member, accumulated);
        if (amount > available) revert RevenuePoolInsufficientBalance(amount, available);
        // Cannot underflow: amount <= available.
        unchecked {
            _settleTo(member, accumulated, available - amount);
        }
        _donations[poolId][beneficiary] += amount;
        emit Donated(poolId, msg.sender, beneficiary, amount);
    }

    /// @inheritdoc IRevenuePool
    function setAutoDonate(uint256 poolId, address beneficiary, uint16 bps) external {
        PoolData storage pool = _existingPool(poolId);
        if (bps > RevenueSplit.BPS) revert RevenuePoolInvalidBps(bps);
        if (beneficiary != address(0) && beneficiary != pool.city && !_beneficiaries[poolId][beneficiary]) {
            revert RevenuePoolNotBeneficiary(poolId, beneficiary);
        }
        _members[poolId][msg.sender].autoDonateBps = bps;
        _autoDonateTo[poolId][msg.sender] = beneficiary;
        emit AutoDonateSet(poolId, msg.sender, beneficiary == address(0) ? pool.city : beneficiary, bps);
    }

    /// @inheritdoc IRevenuePool
    function setPayoutAddress(uint256 poolId, address payoutAddress) external {
        _existingPool(poolId);
        _payoutAddresses[poolId][msg.sender] = payoutAddress;
        _members[poolId][msg.sender].hasPayoutAddress = payoutAddress != address(0);
        emit PayoutAddressSet(poolId, msg.sender, payoutAddress);
    }

    /// @inheritdoc IRevenuePool
    function payout(
        uint256 poolId,
        address[] calldata members
    ) external nonReentrant returns (uint256 paid, uint256 total) {
        PoolData storage pool = _existingPool(poolId);
        address token = pool.core.token;
        uint256 accumulated = pool.ledger.accumulated;
        for (uint256 i = 0; i < members.length; ++i) {
            (bool ok, uint256 amount) = _payOut(poolId, pool, token, accumulated, members[i]);
            if (ok) {
                ++paid;
                total += amount;
            }
        }
    }

    /// @inheritdoc IRevenuePool
    function withdraw(uint256 poolId, Role role) external nonReentrant returns (uint256 amount) {
        PoolData storage pool = _existingPool(poolId);
        uint256 earned = _earned(pool, role);
        uint256[3] storage withdrawn = _withdrawn[poolId];
        amount = earned - withdrawn[uint8(role)];
        address to = _roleAccount(pool, role);
        if (amount == 0) revert RevenuePoolNothingToClaim(poolId, to);
        withdrawn[uint8(role)] = earned;
        emit RevenueWithdrawn(poolId, role, to, amount);
        _send(pool.core.token, to, amount);
    }

    /// @inheritdoc IRevenuePool
    function withdrawDonations(uint256 poolId, address beneficiary) external nonReentrant returns (uint256 amount) {
        PoolData storage pool = _existingPool(poolId);
        amount = _donations[poolId][beneficiary];
        if (amount == 0) revert RevenuePoolNothingToClaim(poolId, beneficiary);
        _donations[poolId][beneficiary] = 0;
        emit DonationsWithdrawn(poolId, beneficiary, amount);
        _send(pool.core.token, beneficiary, amount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRevenuePool
    function getPool(uint256 poolId) external view returns (Pool memory) {
        PoolData storage pool = _existingPool(poolId);
        Core memory core = pool.core;
        return
            Pool({
                provider: pool.provider,
                token: core.token,
                city: pool.city,
                platformBps: core.platformBps,
                cityBps: core.cityBps,
                providerBps: core.providerBps,
                contributorsBps: uint16(_contributorsBps(core)),
                consentGrantee: pool.consentGrantee,
                purpose: pool.purpose,
                categorySetId: pool.categorySetId,
                defaultWeight: pool.defaultWeight,
                totalWeight: core.totalWeight
            });
    }

    /// @inheritdoc IRevenuePool
    function accountsOf(uint256 poolId) external view returns (Accounts memory) {
        PoolData storage pool = _existingPool(poolId);
        Ledger memory ledger = pool.ledger;
        return
            Accounts({
                received: ledger.received,
                accumulatedPerWeight: ledger.accumulated,
                carried: ledger.carried,
                unassigned: pool.unassigned
            });
    }

    /// @inheritdoc IRevenuePool
    function memberOf(uint256 poolId, address member) external view returns (Member memory) {
        PoolData storage pool = _existingPool(poolId);
        MemberData memory data = _members[poolId][member];
        address to = _autoDonateTo[poolId][member];
        // A beneficiary the provider has since removed no longer receives: the city does (see _donateFromBalance).
        if (to == address(0) || !_beneficiaries[poolId][to]) to = pool.city;
        return
            Member({
                weight: data.weight,
                autoDonateBps: data.autoDonateBps,
                autoDonateTo: to,
                claimable: _balanceAt(data, pool.ledger.accumulated)
            });
    }

    /// @inheritdoc IRevenuePool
    function claimableOf(uint256 poolId, address member) external view returns (uint256) {
        PoolData storage pool = _existingPool(poolId);
        return _balanceAt(_members[poolId][member], pool.ledger.accumulated);
    }

    /// @inheritdoc IRevenuePool
    function owed(uint256 poolId) external view returns (uint256[3] memory amounts) {
        PoolData storage pool = _existingPool(poolId);
        uint256[3] storage withdrawn = _withdrawn[poolId];
        for (uint8 role = 0; role < 3; ++role) {
            amounts[role] = _earned(pool, Role(role)) - withdrawn[role];
        }
    }

    /// @inheritdoc IRevenuePool
    function donationsOf(uint256 poolId, address beneficiary) external view returns (uint256) {
        return _donations[poolId][beneficiary];
    }

    /// @inheritdoc IRevenuePool
    function isBeneficiary(uint256 poolId, address account) external view returns (bool) {
        PoolData storage pool = _existingPool(poolId);
        return account != address(0) && (account == pool.city || _beneficiaries[poolId][account]);
    }

    /// @inheritdoc IRevenuePool
    function payoutAddressOf(uint256 poolId, address member) external view returns (address) {
        address to = _payoutAddresses[poolId][member];
        return to == address(0) ? member : to;
    }

    /// @inheritdoc IRevenuePool
    function splitRemainder(uint256 poolId) external view returns (uint256) {
        PoolData storage pool = _existingPool(poolId);
        Core memory core = pool.core;
        uint256 received = pool.ledger.received;
        uint256 assigned =
            RevenueSplit.shareOf(received, core.platformBps) +
                RevenueSplit.shareOf(received, core.cityBps) +
                RevenueSplit.shareOf(received, core.providerBps) +
                RevenueSplit.shareOf(received, _contributorsBps(core));
        return received - assigned;
    }

    /// @inheritdoc IRevenuePool
    function hasValidConsent(uint256 poolId, address member) external view returns (bool) {
        return _consentValid(_existingPool(poolId), member);
    }

    /// @inheritdoc IRevenuePool
    function nonces(address member) public view override(IRevenuePool, Nonces) returns (uint256) {
        return super.nonces(member);
    }

    /// @inheritdoc IRevenuePool
    function poolCount() external view returns (uint256) {
        return _poolCount;
    }

    /// @inheritdoc IRevenuePool
    function consentRegistry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IRevenuePool
    function dataLicensing() external view returns (address) {
        return address(_licensing);
    }

    /// @inheritdoc IRevenuePool
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Splits a payment with the running totals and spreads the contributors' part over the weights.
    function _credit(PoolData storage pool, uint256 amount) private returns (Split memory split) {
        Core memory core = pool.core;
        Ledger memory ledger = pool.ledger;
        uint256 before = ledger.received;
        uint256 total = before + amount;
        split.platform = RevenueSplit.shareOfIncrease(before, total, core.platformBps);
        split.city = RevenueSplit.shareOfIncrease(before, total, core.cityBps);
        split.provider = RevenueSplit.shareOfIncrease(before, total, core.providerBps);
        split.contributors = RevenueSplit.shareOfIncrease(before, total, _contributorsBps(core));

        uint256 credit = split.contributors + ledger.carried;
        uint256 weight = core.totalWeight;
        if (weight == 0) {
            // Nobody to credit: keep it for the next payment that finds members.
            if (credit != 0) {
                pool.unassigned += credit;
                if (!core.hasUnassigned) pool.core.hasUnassigned = true;
            }
            ledger.carried = 0;
        } else {
            if (core.hasUnassigned) {
                credit += pool.unassigned;
                pool.unassigned = 0;
                pool.core.hasUnassigned = false;
            }
            ledger.accumulated = (ledger.accumulated + credit / weight).toUint96();
            // Cannot overflow: the remainder is below the total weight, which fits in 40 bits.
            ledger.carried = uint48(credit % weight);
        }
        ledger.received = total.toUint104();
        pool.ledger = ledger;
    }

    /// @dev Joins `member` with `weight`, after checking it is not a member yet and its consent holds.
    function _join(uint256 poolId, PoolData storage pool, address member, uint32 weight) private {
        if (weight == 0) revert RevenuePoolInvalidWeight(0);
        if (_members[poolId][member].weight != 0) revert RevenuePoolAlreadyMember(poolId, member);
        if (!_consentValid(pool, member)) revert RevenuePoolNoValidConsent(poolId, member);
        _setWeight(poolId, pool, member, weight, WeightChange.Joined);
    }

    /// @dev The provider's weight change: only for members; a weight above zero needs valid consent.
    function _providerSetWeight(uint256 poolId, PoolData storage pool, address member, uint32 weight) private {
        _requireMember(poolId, member);
        if (weight != 0 && !_consentValid(pool, member)) revert RevenuePoolNoValidConsent(poolId, member);
        _setWeight(poolId, pool, member, weight, WeightChange.Set);
    }

    /// @dev Settles what `member` earned at its current weight, then gives it `weight`.
    function _setWeight(
        uint256 poolId,
        PoolData storage pool,
        address member,
        uint32 weight,
        WeightChange change
    ) private {
        MemberData memory data = _members[poolId][member];
        uint256 accumulated = pool.ledger.accumulated;
        uint256 balance = _balanceAt(data, accumulated);
        uint32 previous = data.weight;
        uint256 totalWeight = uint256(pool.core.totalWeight) - previous + weight;
        if (totalWeight > type(uint40).max) revert RevenuePoolTotalWeightOverflow();
        pool.core.totalWeight = uint40(totalWeight);
        data.weight = weight;
        data.snapshot = uint96(accumulated);
        data.balance = balance.toUint104();
        _members[poolId][member] = data;
        emit WeightChanged(poolId, member, previous, weight, change);
    }

    /// @dev Pays a member everything it earned, less its auto-donation and the relayer's fee.
    function _claim(uint256 poolId, address account, address to, uint256 fee) private returns (uint256 amount) {
        if (to == address(0)) revert RevenuePoolZeroAddress();
        PoolData storage pool = _pools[poolId];
        MemberData storage member = _members[poolId][account];
        MemberData memory loaded = member;
        uint256 accumulated = pool.ledger.accumulated;
        uint256 balance = _balanceAt(loaded, accumulated);
        if (balance == 0) revert RevenuePoolNothingToClaim(poolId, account);
        uint256 donated = (balance * loaded.autoDonateBps) / RevenueSplit.BPS;
        uint256 rest = balance - donated;
        if (fee > rest) revert RevenuePoolFeeExceedsClaim(fee, rest);
        // Cannot underflow: fee <= rest.
        unchecked {
            amount = rest - fee;
        }
        _settleTo(member, accumulated, 0);
        if (donated != 0) _donateFromBalance(poolId, pool, account, donated);
        emit Claimed(poolId, account, to, amount, fee);

        address token = pool.core.token;
        if (fee != 0) _send(token, msg.sender, fee);
        if (amount != 0) _send(token, to, amount);
    }

    /// @dev One member of a batch payout. Returns whether it was paid (a member with nothing owed is not).
    function _payOut(
        uint256 poolId,
        PoolData storage pool,
        address token,
        uint256 accumulated,
        address account
    ) private returns (bool ok, uint256 amount) {
        MemberData storage member = _members[poolId][account];
        MemberData memory loaded = member;
        uint256 balance = _balanceAt(loaded, accumulated);
        if (balance == 0) return (false, 0);

        uint256 donated = (balance * loaded.autoDonateBps) / RevenueSplit.BPS;
        // Cannot underflow: donated <= balance.
        unchecked {
            amount = balance - donated;
        }
        address to = loaded.hasPayoutAddress ? _payoutAddresses[poolId][account] : account;
        _settleTo(member, accumulated, 0);

        if (amount != 0 && !_trySend(token, to, amount)) {
            // The recipient refused: everything stays claimable, the auto-donation included.
            member.balance = uint104(balance);
            emit PayoutFailed(poolId, account, to, amount);
            return (false, 0);
        }
        if (donated != 0) _donateFromBalance(poolId, pool, account, donated);
        emit PaidOut(poolId, account, to, amount);
        return (true, amount);
    }

    /// @dev Credits a member's auto-donation to its beneficiary, or to the city if that beneficiary was removed.
    function _donateFromBalance(uint256 poolId, PoolData storage pool, address member, uint256 amount) private {
        address beneficiary = _autoDonateTo[poolId][member];
        if (beneficiary == address(0) || !_beneficiaries[poolId][beneficiary]) beneficiary = pool.city;
        _donations[poolId][beneficiary] += amount;
        emit Donated(poolId, member, beneficiary, amount);
    }

    /// @dev Checks the signature of a signed request and uses the member's nonce.
    function _useSignature(
        address member,
        uint256 nonce,
        uint256 deadline,
        bytes32 structHash,
        bytes calldata signature
    ) private {
        if (block.timestamp > deadline) revert RevenuePoolExpiredSignature(deadline);
        _useCheckedNonce(member, nonce);
        if (!SignatureChecker.isValidSignatureNowCalldata(member, _hashTypedDataV4(structHash), signature)) {
            revert RevenuePoolInvalidSignature(member);
        }
    }

    /// @dev Transfers `amount` from the caller, and refuses tokens that deliver less than that (fee on transfer).
    function _pullExactly(IERC20 token, uint256 amount) private {
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received < amount) revert RevenuePoolTransferShortfall(amount, received);
    }

    /// @dev Pays `amount` of `token` (zero: native coin) to `to`, or reverts.
    function _send(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool ok, ) = payable(to).call{value: amount}("");
            if (!ok) revert RevenuePoolNativeTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    /// @dev Pays `amount` of `token` to `to` and reports whether it arrived, without reverting. A native-coin
    /// recipient gets {NATIVE_PAYOUT_GAS} and its return data is not copied, so it cannot exhaust the batch's gas.
    function _trySend(address token, address to, uint256 amount) private returns (bool ok) {
        if (token != address(0)) return IERC20(token).trySafeTransfer(to, amount);
        uint256 gasLimit = NATIVE_PAYOUT_GAS;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            ok := call(gasLimit, to, amount, 0, 0, 0, 0)
        }
    }

    /// @dev What a member holds now: its settled balance and what it earned since.
    function _balanceAt(MemberData memory member, uint256 accumulated) private pure returns (uint256) {
        // Cannot overflow or underflow: the snapshot was taken from `accumulated`, which never decreases; a
        // 32-bit weight times a 96-bit difference, plus a 104-bit balance, fits in 256 bits.
        unchecked {
            return member.balance + uint256(member.weight) * (accumulated - member.snapshot);
        }
    }

    /// @dev Records that a member has settled up to `accumulated`, holding `balance`; writes its slot once.
    function _settleTo(MemberData storage member, uint256 accumulated, uint256 balance) private {
        // Cannot overflow: accumulated fits the ledger's 96 bits and a balance never exceeds what was received.
        member.snapshot = uint96(accumulated);
        member.balance = uint104(balance);
    }

    /// @dev Everything a role has earned from a pool since its creation (withdrawn or not).
    function _earned(PoolData storage pool, Role role) private view returns (uint256) {
        Core memory core = pool.core;
        uint256 bps =
            role == Role.Platform
                ? core.platformBps
                : role == Role.City
                    ? core.cityBps
                    : core.providerBps;
        return RevenueSplit.shareOf(pool.ledger.received, bps);
    }

    /// @dev The account a role is paid to.
    function _roleAccount(PoolData storage pool, Role role) private view returns (address) {
        if (role == Role.Platform) return _licensing.platformTreasury();
        if (role == Role.City) return pool.city;
        return pool.provider;
    }

    function _contributorsBps(Core memory core) private pure returns (uint256) {
        // Cannot underflow: createPool() makes the four shares add up to BPS.
        unchecked {
            return RevenueSplit.BPS - core.platformBps - core.cityBps - core.providerBps;
        }
    }

    function _consentValid(PoolData storage pool, address member) private view returns (bool) {
        return _registry.isValidForSet(member, pool.consentGrantee, pool.purpose, pool.categorySetId);
    }

    function _categorySetExists(uint32 categorySetId) private view returns (bool) {
        if (categorySetId == 0) return false;
        try _registry.categoriesOf(categorySetId) returns (bytes32[] memory categories) {
            return categories.length != 0;
        } catch {
            return false;
        }
    }

    function _requireMember(uint256 poolId, address member) private view {
        if (_members[poolId][member].weight == 0) revert RevenuePoolNotMember(poolId, member);
    }

    function _existingPool(uint256 poolId) private view returns (PoolData storage pool) {
        pool = _pools[poolId];
        if (pool.provider == address(0)) revert RevenuePoolUnknownPool(poolId);
    }

    function _poolOfProvider(uint256 poolId) private view returns (PoolData storage pool) {
        pool = _existingPool(poolId);
        address provider = pool.provider;
        if (msg.sender != provider) revert RevenuePoolNotProvider(msg.sender, provider);
    }
}
