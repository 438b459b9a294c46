// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {DataLicensing} from "../../contracts/licensing/DataLicensing.sol";
import {IRevenuePool} from "../../contracts/interfaces/IRevenuePool.sol";
import {RevenuePool} from "../../contracts/revenue/RevenuePool.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {Eip712} from "./utils/Eip712.sol";
import {RevenueTypedData} from "./utils/RevenueTypedData.sol";
import {TestBase} from "./utils/TestBase.sol";
import {VM} from "./utils/Vm.sol";

/// @notice Focused fuzz tests of RevenuePool's arithmetic, on a real pool wired to a real ConsentRegistry and
/// DataLicensing: the split of any payment at any valid shares; the spreading of the contributors' part over the
/// weights, whatever the order of weight changes and payments; and the division of a claim between the recipient,
/// the relayer and the auto-donation. Expected values are computed here, from the rules, not from the contract.
contract RevenuePoolTest is TestBase {
    uint256 internal constant _BPS = 10_000;
    uint16 internal constant _FEE_BPS = 250;
    uint256 internal constant _MEMBERS = 4;
    uint256 internal constant _PAYMENTS = 8;
    uint256 internal constant _STEPS = 16;
    /// @dev The contributors' share of the pool {_createPool()} creates.
    uint256 internal constant _CONTRIBUTORS_BPS = 6_000;
    /// @dev Payments of the spreading tests are at most this (10^9 tokens of 18 decimals): sixteen of them keep
    /// what one unit of weight earns far below the ledger's 96 bits.
    uint256 internal constant _MAX_AMOUNT = 1e27;
    bytes32 internal constant _PURPOSE = keccak256("https://w3id.org/dpv#ServiceOptimisation");
    address internal constant _TREASURY = address(0xFEE);
    address internal constant _CITY = address(0xC17);
    address internal constant _PROVIDER = address(0x9A0);
    address internal constant _PAYER = address(0xBA7);
    address internal constant _RELAYER = address(0x4E1A7);

    ConsentRegistry internal _registry;
    DataLicensing internal _licensing;
    RevenuePool internal _pool;
    MockERC20 internal _token;
    uint32 internal _categorySetId;
    uint256[_MEMBERS] internal _keys;
    address[_MEMBERS] internal _members;

    /// @notice The test's own push model of one pool's contributors' part (see {_pay}).
    struct Model {
        uint256 poolId;
        uint256 contributorsBps;
        uint256 received;
        uint256 carried;
        uint256 unassigned;
        uint32[_MEMBERS] weights;
        uint256[_MEMBERS] balances;
    }

    function setUp() public {
        VM.warp(1_750_000_000);
        _registry = new ConsentRegistry();
        _licensing = new DataLicensing(address(this), _TREASURY, _FEE_BPS);
        _pool = new RevenuePool(address(_registry), address(_licensing));
        _licensing.setRevenuePool(address(_pool));
        _token = new MockERC20("Euro", "EURx");
        bytes32[] memory categories = new bytes32[](1);
        categories[0] = bytes32(uint256(0x1000));
        _categorySetId = _registry.registerCategorySet(categories);
        for (uint256 i = 0; i < _MEMBERS; ++i) {
            _keys[i] = uint256(keccak256(abi.encode("RevenuePoolTest member", i)));
            _members[i] = VM.addr(_keys[i]);
            VM.prank(_members[i]);
            _registry.grant(_PROVIDER, _PURPOSE, categories, type(uint64).max, bytes32(0));
        }
        VM.prank(_PAYER);
        _token.approve(address(_pool), type(uint256).max);
    }

    // ---------------------------------------------------------------------------------------------
    // The split
    // ---------------------------------------------------------------------------------------------

    /// @notice For any valid shares (the platform's at least the licensing fee, the four adding up to 100%) and
    /// any payments, each payment's four parts plus the change of the split's remainder are exactly the payment;
    /// each part is the increase of its party's floor of the running total; the remainder stays at most 3 wei.
    function testFuzz_split_partsAndRemainderAddUpToEachPayment(
        uint256[_PAYMENTS] memory amounts,
        uint256 platformSeed,
        uint256 citySeed,
        uint256 providerSeed
    ) public {
        uint256[4] memory shares;
        shares[0] = _bound(platformSeed, _FEE_BPS, _BPS);
        shares[1] = _bound(citySeed, 0, _BPS - shares[0]);
        shares[2] = _bound(providerSeed, 0, _BPS - shares[0] - shares[1]);
        shares[3] = _BPS - shares[0] - shares[1] - shares[2];
        uint256 poolId = _createPool(shares);

        uint256 received = 0;
        uint256 remainder = 0;
        for (uint256 k = 0; k < _PAYMENTS; ++k) {
            // Up to the ledger's 104 bits over all payments; a third of them tiny.
            uint256 amount =
                amounts[k] % 3 == 0
                    ? _bound(amounts[k] >> 2, 1, 300)
                    : _bound(amounts[k], 1, type(uint104).max / _PAYMENTS);
            IRevenuePool.Split memory split = _deposit(poolId, amount);
            uint256 total = received + amount;
            _assertEq(split.platform, _increase(received, total, shares[0]), "platform part != increase of floor");
            _assertEq(split.city, _increase(received, total, shares[1]), "city part != increase of floor");
            _assertEq(split.provider, _increase(received, total, shares[2]), "provider part != increase of floor");
            _assertEq(split.contributors, _increase(received, total, shares[3]), "contributors != increase of floor");

            uint256 newRemainder = _pool.splitRemainder(poolId);
            _assertTrue(newRemainder <= 3, "split remainder above 3 wei");
            _assertEq(
                split.platform + split.city + split.provider + split.contributors + newRemainder,
                amount + remainder,
                "parts + remainder != payment + previous remainder"
            );
            received = total;
            remainder = newRemainder;
        }
        _assertEq(_token.balanceOf(address(_pool)), received, "pool holds other than was paid");
    }

    // ---------------------------------------------------------------------------------------------
    // Spreading over the weights
    // ---------------------------------------------------------------------------------------------

    /// @notice Members with fixed weights, and payments before they join (kept unassigned) and after: each member
    /// ends with exactly `weight / totalWeight` of the contributors' part, less what is still carried or
    /// unassigned, and that part divides exactly by the total weight.
    function testFuzz_spread_fixedWeights_eachMemberGetsItsWeightedShare(
        uint32[_MEMBERS] memory weightSeeds,
        uint256[_PAYMENTS] memory amounts,
        uint256 joinAfter
    ) public {
        uint256 poolId = _createPool();
        joinAfter = joinAfter % (_PAYMENTS + 1);
        uint256 totalWeight = 0;
        for (uint256 k = 0; k < _PAYMENTS; ++k) {
            if (k == joinAfter) totalWeight = _joinAll(poolId, weightSeeds);
            _deposit(poolId, _bound(amounts[k], 1, _MAX_AMOUNT));
        }
        if (joinAfter == _PAYMENTS) totalWeight = _joinAll(poolId, weightSeeds);

        IRevenuePool.Accounts memory accounts = _pool.accountsOf(poolId);
        uint256 contributors = (accounts.received * _CONTRIBUTORS_BPS) / _BPS;
        uint256 spread = contributors - accounts.carried - accounts.unassigned;
        _assertEq(spread % totalWeight, 0, "spread part does not divide by the total weight");
        _assertTrue(accounts.carried < totalWeight, "carried not below the total weight");
        // Unassigned only if no payment came after the members joined.
        _assertEq(accounts.unassigned == 0, joinAfter < _PAYMENTS, "unassigned though a payment found members");
        for (uint256 i = 0; i < _MEMBERS; ++i) {
            uint256 weight = _pool.memberOf(poolId, _members[i]).weight;
            _assertEq(_pool.claimableOf(poolId, _members[i]), (spread / totalWeight) * weight, "member's share");
        }
    }

    /// @notice Any sequence of payments and weight changes (the provider's, to any weight or to zero, and joins
    /// again): at every payment each member gets `weight * floor(credit / totalWeight)` of the credit (the
    /// contributors' part of the payment plus what was carried or unassigned), the rest is carried, and nothing is
    /// assigned while there is no weight; every balance equals this push model, to the wei, after every step.
    function testFuzz_spread_weightsAndPaymentsInAnyOrder_matchPushModel(uint256[_STEPS] memory steps) public {
        Model memory model;
        model.poolId = _createPool();
        model.contributorsBps = _CONTRIBUTORS_BPS;
        for (uint256 k = 0; k < _STEPS; ++k) {
            uint256 seed = steps[k];
            if (seed % 2 == 0) {
                _pay(model, _bound(seed >> 1, 1, _MAX_AMOUNT));
            } else {
                _changeWeight(model, (seed >> 1) % _MEMBERS, _weightOf(seed >> 3));
            }
            for (uint256 i = 0; i < _MEMBERS; ++i) {
                _assertEq(_pool.claimableOf(model.poolId, _members[i]), model.balances[i], "balance != push model");
            }
            IRevenuePool.Accounts memory accounts = _pool.accountsOf(model.poolId);
            _assertEq(accounts.carried, model.carried, "carried != push model");
            _assertEq(accounts.unassigned, model.unassigned, "unassigned != push model");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Claims
    // ---------------------------------------------------------------------------------------------

    /// @notice For any balance, any standing auto-donation and any relayer's fee up to the balance: a signed claim
    /// pays the recipient `amount`, the relayer `fee` and the beneficiary the donation, which add up to the balance
    /// exactly, the donation being `floor(balance * bps / 10000)`; a fee above what the donation leaves is refused
    /// and changes nothing.
    function testFuzz_claim_amountFeeAndDonationAddUpToBalance(
        uint256 paymentSeed,
        uint256 bpsSeed,
        uint256 feeSeed
    ) public {
        uint256 poolId = _createPool();
        address member = _members[0];
        VM.prank(member);
        _pool.join(poolId);
        _deposit(poolId, _bound(paymentSeed, 2, _MAX_AMOUNT));
        uint16 bps = uint16(_bound(bpsSeed, 0, _BPS));
        VM.prank(member);
        _pool.setAutoDonate(poolId, address(0), bps);

        uint256 balance = _pool.claimableOf(poolId, member);
        uint256 donation = (balance * bps) / _BPS;
        IRevenuePool.ClaimRequest memory request = IRevenuePool.ClaimRequest({
            poolId: poolId,
            member: member,
            to: address(0xD0),
            fee: _bound(feeSeed, 0, balance),
            nonce: _pool.nonces(member),
            deadline: block.timestamp + 1 hours
        });
        bytes memory signature = Eip712.sign(_keys[0], RevenueTypedData.claimDigest(address(_pool), request));

        if (request.fee > balance - donation) {
            VM.expectRevert(
                abi.encodeWithSelector(
                    IRevenuePool.RevenuePoolFeeExceedsClaim.selector,
                    request.fee,
                    balance - donation
                )
            );
            VM.prank(_RELAYER);
            _pool.claimBySig(request, signature);
            _assertEq(_pool.claimableOf(poolId, member), balance, "a refused claim changed the balance");
            return;
        }
        VM.prank(_RELAYER);
        uint256 amount = _pool.claimBySig(request, signature);
        _assertEq(_token.balanceOf(address(0xD0)), amount, "recipient not paid the amount returned");
        _assertEq(_token.balanceOf(_RELAYER), request.fee, "relayer not paid exactly the fee");
        _assertEq(_pool.donationsOf(poolId, _CITY), donation, "donation != floor(balance * bps)");
        _assertEq(amount + request.fee + donation, balance, "amount + fee + donation != balance");
        _assertEq(_pool.claimableOf(poolId, member), 0, "balance left after a claim");
    }

    /// @notice The same without a relayer: a direct claim pays `balance - floor(balance * bps / 10000)` and
    /// donates the rest.
    function testFuzz_claim_directClaimAndDonationAddUpToBalance(uint256 paymentSeed, uint256 bpsSeed) public {
        uint256 poolId = _createPool();
        address member = _members[1];
        VM.prank(member);
        _pool.join(poolId);
        _deposit(poolId, _bound(paymentSeed, 2, _MAX_AMOUNT));
        uint16 bps = uint16(_bound(bpsSeed, 0, _BPS));
        VM.prank(member);
        _pool.setAutoDonate(poolId, _CITY, bps);
        uint256 balance = _pool.claimableOf(poolId, member);

        VM.prank(member);
        uint256 amount = _pool.claim(poolId, member);
        uint256 donation = _pool.donationsOf(poolId, _CITY);
        _assertEq(donation, (balance * bps) / _BPS, "donation != floor(balance * bps)");
        _assertEq(amount + donation, balance, "amount + donation != balance");
        _assertEq(_token.balanceOf(member), amount, "member not paid the amount returned");
    }

    // ---------------------------------------------------------------------------------------------
    // Documented behaviour
    // ---------------------------------------------------------------------------------------------

    /// @notice What a payment carries is below the total weight it was divided by, but not necessarily below the
    /// total weight after a member leaves: two members of weight 1, a payment whose contributors' part is 3 (1 each,
    /// 1 carried), one leaves: 1 is carried over a total weight of 1. Nothing is lost: the next payment spreads it.
    /// (The `Ledger` comment in RevenuePool.sol says so.)
    function test_carried_canReachTotalWeightAfterALeave_andTheNextPaymentSpreadsIt() public {
        uint256 poolId = _createPool();
        VM.prank(_members[0]);
        _pool.join(poolId);
        VM.prank(_members[1]);
        _pool.join(poolId);
        _deposit(poolId, 5); // contributors: floor(5 * 60%) = 3
        _assertEq(_pool.accountsOf(poolId).carried, 1, "3 over 2 carries 1");
        VM.prank(_members[1]);
        _pool.leave(poolId);
        _assertEq(_pool.getPool(poolId).totalWeight, 1, "one member left");
        _assertEq(_pool.accountsOf(poolId).carried, 1, "carried == totalWeight");

        _deposit(poolId, 5); // contributors: floor(10 * 60%) - 3 = 3, plus 1 carried, over weight 1
        _assertEq(_pool.accountsOf(poolId).carried, 0, "the next payment spread what was carried");
        _assertEq(_pool.claimableOf(poolId, _members[0]), 1 + 4, "member 0: 1, then 4");
        _assertEq(_pool.claimableOf(poolId, _members[1]), 1, "member 1 kept what it earned");
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    /// @dev A payment into the model: the contributors' part of it (the increase of the floor of their share of the
    /// running total) plus what was carried or unassigned is spread `floor(credit / totalWeight)` per unit of
    /// weight, the rest carried; while no member has weight, all of it is unassigned. Then the real deposit.
    function _pay(Model memory model, uint256 amount) private {
        uint256 before = model.received;
        model.received += amount;
        uint256 credit = (model.received * model.contributorsBps) / _BPS - (before * model.contributorsBps) / _BPS;
        credit += model.carried + model.unassigned;
        uint256 totalWeight = 0;
        for (uint256 i = 0; i < _MEMBERS; ++i) totalWeight += model.weights[i];
        if (totalWeight == 0) {
            model.carried = 0;
            model.unassigned = credit;
        } else {
            uint256 spread = 0;
            for (uint256 i = 0; i < _MEMBERS; ++i) {
                uint256 share = uint256(model.weights[i]) * (credit / totalWeight);
                model.balances[i] += share;
                spread += share;
            }
            model.carried = credit - spread;
            model.unassigned = 0;
        }
        _deposit(model.poolId, amount);
    }

    /// @dev Gives member `i` weight `weight`: the provider's change if it is a member (zero removes it), else a
    /// join with the default weight followed, if needed, by the provider's change; nothing for a non-member and 0.
    function _changeWeight(Model memory model, uint256 i, uint32 weight) private {
        if (model.weights[i] == 0) {
            if (weight == 0) return;
            VM.prank(_members[i]);
            _pool.join(model.poolId);
        }
        if (weight != 1 || model.weights[i] != 0) {
            VM.prank(_PROVIDER);
            _pool.setWeight(model.poolId, _members[i], weight);
        }
        model.weights[i] = weight;
    }

    /// @dev Every member joins, then the provider gives it its weight (1 to 2^32 - 1); returns the total weight.
    function _joinAll(uint256 poolId, uint32[_MEMBERS] memory weightSeeds) private returns (uint256 totalWeight) {
        for (uint256 i = 0; i < _MEMBERS; ++i) {
            uint32 weight = uint32(_bound(weightSeeds[i], 1, type(uint32).max));
            VM.prank(_members[i]);
            _pool.join(poolId);
            VM.prank(_PROVIDER);
            _pool.setWeight(poolId, _members[i], weight);
            totalWeight += weight;
        }
    }

    /// @dev A quarter of the time 0, a quarter above 2^31 (payments then mostly carry), otherwise 1..1000.
    function _weightOf(uint256 seed) private pure returns (uint32) {
        uint256 choice = seed % 4;
        if (choice == 0) return 0;
        if (choice == 1) return uint32((1 << 31) + ((seed >> 2) % (1 << 31)));
        return uint32(1 + ((seed >> 2) % 1_000));
    }

    /// @dev A pool with the usual shares: 5% platform, 15% city, 20% provider, the contributors' `_CONTRIBUTORS_BPS`.
    function _createPool() private returns (uint256) {
        return _createPool([uint256(500), 1_500, 2_000, _CONTRIBUTORS_BPS]);
    }

    /// @dev A pool paid in the token, with `shares` (platform, city, provider, contributors) and default weight 1.
    function _createPool(uint256[4] memory shares) private returns (uint256) {
        VM.prank(_PROVIDER);
        return
            _pool.createPool(
                IRevenuePool.PoolParams({
                    token: address(_token),
                    city: _CITY,
                    platformBps: uint16(shares[0]),
                    cityBps: uint16(shares[1]),
                    providerBps: uint16(shares[2]),
                    contributorsBps: uint16(shares[3]),
                    consentGrantee: _PROVIDER,
                    purpose: _PURPOSE,
                    categorySetId: _categorySetId,
                    defaultWeight: 1
                })
            );
    }

    function _deposit(uint256 poolId, uint256 amount) private returns (IRevenuePool.Split memory) {
        _token.mint(_PAYER, amount);
        VM.prank(_PAYER);
        return _pool.deposit(poolId, amount);
    }

    /// @dev The increase of `floor(total * bps / 10000)` from `before` to `total`.
    function _increase(uint256 before, uint256 total, uint256 bps) private pure returns (uint256) {
        return (total * bps) / _BPS - (before * bps) / _BPS;
    }
}
