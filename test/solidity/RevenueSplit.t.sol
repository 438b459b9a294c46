// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DataLicensing} from "../../contracts/licensing/DataLicensing.sol";
import {IDataLicensing} from "../../contracts/interfaces/IDataLicensing.sol";
import {RevenueSplit} from "../../contracts/libraries/RevenueSplit.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {SaleLogs} from "./utils/SaleLogs.sol";
import {TestBase} from "./utils/TestBase.sol";
import {VM} from "./utils/Vm.sol";

/// @notice The split arithmetic of `DataLicensing._credit`, `_earned` and `carriedRemainder`, on its own:
/// running totals of what was paid after the platform fee and of platform fees; each party (city, provider,
/// contributors) entitled to its own floor of the net total, `floor(N * bps / 10000)`, the contributors' bps being
/// `10000 - cityBps - providerBps`; each payment's share of a party the increase of that floor; and the at most
/// 2 wei the three floors leave over carried, assigned as the total grows.
contract RevenueSplitHarness {
    /// @notice How one payment was divided (the increase of each entitlement).
    struct Shares {
        uint256 platformFee;
        uint256 city;
        uint256 provider;
        uint256 contributors;
    }

    uint256 public immutable cityBps;
    uint256 public immutable providerBps;
    uint256 public immutable contributorsBps;
    uint256 public netTotal;
    uint256 public platformTotal;

    constructor(uint256 cityBps_, uint256 providerBps_) {
        // As `publish`: the city and the provider together take at most 100%.
        require(cityBps_ + providerBps_ <= RevenueSplit.BPS, "split above 100%");
        cityBps = cityBps_;
        providerBps = providerBps_;
        contributorsBps = RevenueSplit.BPS - cityBps_ - providerBps_;
    }

    /// @notice Credits one payment of `amount` at a platform fee of `feeBps`, as `DataLicensing._credit` does.
    function credit(uint256 amount, uint256 feeBps) external returns (Shares memory shares) {
        shares.platformFee = (amount * feeBps) / RevenueSplit.BPS;
        uint256 netBefore = netTotal;
        uint256 netAfter = netBefore + (amount - shares.platformFee);
        netTotal = netAfter;
        platformTotal += shares.platformFee;
        shares.city = RevenueSplit.shareOfIncrease(netBefore, netAfter, cityBps);
        shares.provider = RevenueSplit.shareOfIncrease(netBefore, netAfter, providerBps);
        shares.contributors = RevenueSplit.shareOfIncrease(netBefore, netAfter, contributorsBps);
    }

    /// @notice Everything earned so far by role, as `DataLicensing._earned` computes it.
    function earned() public view returns (uint256 platform, uint256 city, uint256 provider, uint256 contributors) {
        platform = platformTotal;
        city = RevenueSplit.shareOf(netTotal, cityBps);
        provider = RevenueSplit.shareOf(netTotal, providerBps);
        contributors = RevenueSplit.shareOf(netTotal, contributorsBps);
    }

    /// @notice What the three floors leave of the net total, as `DataLicensing.carriedRemainder`.
    function carriedRemainder() external view returns (uint256) {
        (, uint256 city, uint256 provider, uint256 contributors) = earned();
        return netTotal - city - provider - contributors;
    }
}

/// @notice Fuzz tests of the revenue split arithmetic (through {RevenueSplitHarness}, checked against exact
/// arithmetic written out here) and of the real contract's split of successive sales (checked against the harness).
contract RevenueSplitTest is TestBase {
    uint256 internal constant _BPS = 10_000;
    uint256 internal constant _MAX_FEE_BPS = 1_000;
    uint256 internal constant _MAX_PAYMENTS = 20;
    /// @dev Twenty payments of at most this add up to less than 2^128 (the contract's running totals).
    uint256 internal constant _MAX_AMOUNT = type(uint128).max / _MAX_PAYMENTS;
    /// @dev Payments the fuzzer draws as "tiny" are at most this.
    uint256 internal constant _TINY = 300;
    /// @dev Sales per product in the tests of the real contract.
    uint256 internal constant _MAX_SALES = 8;

    bytes32 internal constant _PURPOSE = keccak256("https://w3id.org/dpv#ResearchAndDevelopment");
    address internal constant _TREASURY = address(0xFEE);
    address internal constant _CITY = address(0xC17);
    address internal constant _CONTRIBUTORS = address(0xC0);

    /// @notice What a sequence of payments added up to, payment by payment.
    struct Sums {
        uint256 paid;
        uint256 platform;
        uint256 city;
        uint256 provider;
        uint256 contributors;
        /// @dev Sum over payments of `amount * feeBps`: the platform's exact fees, times 10000.
        uint256 exactFeesTimesBps;
    }

    /// @notice One product of a real DataLicensing, its harness, and what was paid in and withdrawn so far.
    struct Market {
        DataLicensing licensing;
        MockERC20 token;
        RevenueSplitHarness harness;
        uint256 productId;
        uint256 paidIn;
        uint256[4] withdrawn;
        /// @dev Each role's entitlement (owed + withdrawn) after the previous sale.
        uint256[4] previous;
    }

    // ---------------------------------------------------------------------------------------------
    // (a) Each payment: no share is negative, and its four shares are within 2 wei of it
    // ---------------------------------------------------------------------------------------------

    /// @notice Over the whole domain the publisher may choose (a quarter of the runs at city + provider = 100%),
    /// amounts a third of the time tiny: every payment is credited (no underflow), each share is the increase of
    /// its role's floor, and the four shares differ from the payment by at most 2 wei, exactly by the change of
    /// the carried remainder. (Checks in {_creditChecked}.)
    function testFuzz_credit_eachPaymentWithinTwoWei(
        uint256[] memory amounts,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed
    ) public {
        (uint256 cityBps, uint256 providerBps) = _split(citySeed, providerSeed);
        RevenueSplitHarness harness = new RevenueSplitHarness(cityBps, providerBps);
        uint256[] memory payments = _amounts(amounts);
        for (uint256 i = 0; i < payments.length; ++i) _creditChecked(harness, payments[i], _feeOf(feeSeed, i));
        _assertTrue(harness.carriedRemainder() <= 2, "carried remainder above 2 wei");
    }

    /// @notice The domain that used to break, always: city + provider = 100%, up to twenty tiny payments
    /// (0..300 wei) at any fee. The contributors' share is always 0, never negative.
    function testFuzz_credit_fullSplit_tinyPaymentsNeverNegative(
        uint256[_MAX_PAYMENTS] memory amounts,
        uint256 citySeed,
        uint256 feeSeed
    ) public {
        uint256 cityBps = _bound(citySeed, 0, _BPS);
        RevenueSplitHarness harness = new RevenueSplitHarness(cityBps, _BPS - cityBps);
        for (uint256 i = 0; i < _MAX_PAYMENTS; ++i) {
            RevenueSplitHarness.Shares memory shares = _creditChecked(
                harness,
                amounts[i] % (_TINY + 1),
                _feeOf(feeSeed, i)
            );
            _assertEq(shares.contributors, 0, "contributors (0%) got a share");
        }
        // Two floors (the contributors' is exactly 0) leave at most one wei.
        _assertTrue(harness.carriedRemainder() <= 1, "full split: carried remainder above 1 wei");
    }

    /// @notice The increase of a floor is never negative, and is the floor or the ceiling of the exact share.
    function testFuzz_shareOfIncrease_neverUnderflows(uint256 before, uint256 increase, uint256 bpsSeed) public pure {
        before = _bound(before, 0, type(uint128).max);
        increase = _bound(increase, 0, type(uint128).max - before);
        uint256 bps = _bound(bpsSeed, 0, _BPS);

        // Reverts (failing the test) if the floor of the larger total were below that of the smaller.
        uint256 share = RevenueSplit.shareOfIncrease(before, before + increase, bps);
        // floor(a) - floor(b) is floor(a - b) or ceil(a - b).
        uint256 exactFloor = (increase * bps) / _BPS;
        uint256 exactCeil = (increase * bps + _BPS - 1) / _BPS;
        _assertTrue(share == exactFloor || share == exactCeil, "share of an increase is not floor or ceil of exact");
    }

    // ---------------------------------------------------------------------------------------------
    // (b) Any sequence: the payments' shares telescope to the floors of the total, and with the carried
    // remainder add up to what was paid
    // ---------------------------------------------------------------------------------------------

    function testFuzz_credit_paymentSharesAddUpToSharesOfTotal(
        uint256[] memory amounts,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed
    ) public {
        (uint256 cityBps, uint256 providerBps) = _split(citySeed, providerSeed);
        uint256 contributorsBps = _BPS - cityBps - providerBps;
        RevenueSplitHarness harness = new RevenueSplitHarness(cityBps, providerBps);
        Sums memory sums = _creditAll(harness, _amounts(amounts), feeSeed);

        uint256 netTotal = harness.netTotal();
        _assertEq(sums.paid - sums.platform, netTotal, "net total != paid - platform fees");
        _assertEq(sums.city, _floor(netTotal, cityBps), "city: sum of payment shares != floor of total");
        _assertEq(sums.provider, _floor(netTotal, providerBps), "provider: sum of payment shares != floor of total");
        _assertEq(
            sums.contributors,
            _floor(netTotal, contributorsBps),
            "contributors: sum of payment shares != floor of total"
        );

        uint256 remainder = harness.carriedRemainder();
        _assertTrue(remainder <= 2, "carried remainder above 2 wei");
        _assertEq(
            sums.platform + sums.city + sums.provider + sums.contributors + remainder,
            sums.paid,
            "sum of shares + carried remainder != sum of payments"
        );
        // The remainder is exactly the three floors' fractional parts, added up.
        _assertEq(
            remainder * _BPS,
            ((netTotal * cityBps) % _BPS) + ((netTotal * providerBps) % _BPS) + ((netTotal * contributorsBps) % _BPS),
            "carried remainder != sum of the floors' fractional parts"
        );

        (uint256 platform, uint256 city, uint256 provider, uint256 contributors) = harness.earned();
        _assertEq(platform, sums.platform, "earned platform");
        _assertEq(city, sums.city, "earned city");
        _assertEq(provider, sums.provider, "earned provider");
        _assertEq(contributors, sums.contributors, "earned contributors");
    }

    // ---------------------------------------------------------------------------------------------
    // (c) Monotonicity: no entitlement ever decreases, so what was withdrawn is never above what is earned
    // ---------------------------------------------------------------------------------------------

    /// @notice Payments interleaved with withdrawals of random roles (each withdrawal takes the role's whole
    /// entitlement, as `withdraw` does): after every payment each role's entitlement is at least what it was, so
    /// `owed = earned - withdrawn` never underflows.
    function testFuzz_credit_entitlementsNeverDecrease(
        uint256[] memory amounts,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed,
        uint256 withdrawSeed
    ) public {
        (uint256 cityBps, uint256 providerBps) = _split(citySeed, providerSeed);
        RevenueSplitHarness harness = new RevenueSplitHarness(cityBps, providerBps);
        uint256[] memory payments = _amounts(amounts);
        uint256[4] memory withdrawn;
        uint256[4] memory previous;
        for (uint256 i = 0; i < payments.length; ++i) {
            harness.credit(payments[i], _feeOf(feeSeed, i));
            uint256[4] memory current = _earnedOf(harness);
            for (uint256 role = 0; role < 4; ++role) {
                _assertTrue(current[role] >= previous[role], "an entitlement decreased");
                _assertTrue(current[role] >= withdrawn[role], "earned below withdrawn: owed would underflow");
                if (uint256(keccak256(abi.encode(withdrawSeed, i, role))) % 2 == 0) withdrawn[role] = current[role];
            }
            previous = current;
        }
        _assertTrue(harness.carriedRemainder() <= 2, "carried remainder above 2 wei");
    }

    // ---------------------------------------------------------------------------------------------
    // (d) Rounding never favours the payer: the recipients get exactly what was paid, less at most 2 wei carried
    // ---------------------------------------------------------------------------------------------

    function testFuzz_credit_recipientsReceiveExactlyWhatWasPaid(
        uint256[] memory amounts,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed
    ) public {
        (uint256 cityBps, uint256 providerBps) = _split(citySeed, providerSeed);
        RevenueSplitHarness harness = new RevenueSplitHarness(cityBps, providerBps);
        Sums memory sums = _creditAll(harness, _amounts(amounts), feeSeed);

        (uint256 platform, uint256 city, uint256 provider, uint256 contributors) = harness.earned();
        uint256 remainder = harness.carriedRemainder();
        _assertEq(platform + city + provider + contributors + remainder, sums.paid, "recipients + carried != paid");

        // Each party's total is its exact share of the net total, rounded down by less than one wei.
        uint256 netTotal = harness.netTotal();
        _assertWithinOneWeiBelow(city, netTotal * cityBps, "city");
        _assertWithinOneWeiBelow(provider, netTotal * providerBps, "provider");
        _assertWithinOneWeiBelow(contributors, netTotal * (_BPS - cityBps - providerBps), "contributors");
        // The platform's fee is rounded down sale by sale (less than one wei each, checked in {_creditChecked});
        // what it leaves goes into the net total, to the parties, never back to the payer (the equality above).
        _assertTrue(platform * _BPS <= sums.exactFeesTimesBps, "platform paid above its exact fees");
    }

    // ---------------------------------------------------------------------------------------------
    // Regressions: the defect the old rule had (contributors taking the residue N - city - provider)
    // ---------------------------------------------------------------------------------------------

    /// @dev City 50% + provider 50%, no fee, payments of 99. Old rule: the second payment raised both floors from
    /// 49 to 99 (+50 each) out of a net of 99, so the contributors' share of it was -1 (an underflow in the
    /// contract). New rule: the contributors' floor of 0% is 0 every time, and the wei the floors leave is carried.
    function test_credit_fullSplit_secondPaymentNeverNegative() public {
        RevenueSplitHarness harness = new RevenueSplitHarness(5_000, 5_000);

        RevenueSplitHarness.Shares memory first = _creditChecked(harness, 99, 0);
        _assertShares(first, 0, 49, 49, 0, "first payment");
        _assertEq(harness.carriedRemainder(), 1, "first payment: 1 wei carried");

        RevenueSplitHarness.Shares memory second = _creditChecked(harness, 99, 0);
        _assertShares(second, 0, 50, 50, 0, "second payment");
        _assertEq(harness.carriedRemainder(), 0, "second payment: the carried wei is assigned");

        RevenueSplitHarness.Shares memory third = _creditChecked(harness, 99, 0);
        _assertShares(third, 0, 49, 49, 0, "third payment");
        _assertEq(harness.carriedRemainder(), 1, "third payment: 1 wei carried again");

        (, uint256 city, uint256 provider, uint256 contributors) = harness.earned();
        _assertEq(city, 148, "city total: floor(297 / 2)");
        _assertEq(provider, 148, "provider total: floor(297 / 2)");
        _assertEq(contributors, 0, "contributors total");
    }

    /// @dev The same on the real contract: city 30% / provider 70% (contributors 0%), price 1000, platform fee
    /// 2.5%. Old rule: sale 2 reverted (Panic 0x11 in `_credit`: city +293 and provider +683 = 976 > net 975).
    /// New rule: sales alternate city 292 / provider 682 (1 wei carried, the shares add up to 999) and city 293 /
    /// provider 683 (the carried wei assigned, the shares add up to 1001); the contributors get 0 every time.
    function test_dataLicensing_fullSplit_keepsSelling() public {
        (DataLicensing licensing, MockERC20 token, uint256 productId) = _fullSplitProduct(3_000, 7_000, 1_000);
        uint256[4] memory previous;
        uint256 sales = 6;
        for (uint256 i = 0; i < sales; ++i) {
            IDataLicensing.Sale memory sale = _buyRecorded(licensing, token, productId, _buyer(i), 1_000);
            bool carries = i % 2 == 0;
            _assertEq(sale.price, 1_000, "sale price");
            _assertEq(sale.platformFee, 25, "sale platform fee");
            _assertEq(sale.cityShare, carries ? 292 : 293, "sale city share");
            _assertEq(sale.providerShare, carries ? 682 : 683, "sale provider share");
            _assertEq(sale.contributorsShare, 0, "sale contributors share");
            _assertEq(licensing.carriedRemainder(productId), carries ? 1 : 0, "carried remainder");
            _assertTrue(licensing.isLicensed(productId, _buyer(i), _PURPOSE), "buyer licensed");

            uint256[4] memory owed = licensing.owed(productId);
            for (uint256 role = 0; role < 4; ++role) _assertTrue(owed[role] >= previous[role], "owed decreased");
            previous = owed;
        }
        uint256 net = 975 * sales;
        _assertEq(previous[0], 25 * sales, "platform owed");
        _assertEq(previous[1], (net * 3_000) / _BPS, "city owed");
        _assertEq(previous[2], (net * 7_000) / _BPS, "provider owed");
        _assertEq(previous[3], 0, "contributors owed");
        _assertEq(token.balanceOf(address(licensing)), 1_000 * sales, "held");
        _assertEq(
            previous[0] + previous[1] + previous[2] + previous[3] + licensing.carriedRemainder(productId),
            1_000 * sales,
            "owed + carried != paid"
        );
    }

    /// @dev Old rule, same product: the contributors' residue was 1 after sale 1 and would have fallen to 0 after
    /// sale 2, so withdrawing it made `owed` underflow. New rule: withdraw everything between sales; sale 2 owes
    /// exactly its own shares, and the contributors (0%) never have anything to withdraw.
    function test_dataLicensing_fullSplit_withdrawBetweenSalesNeverUnderflows() public {
        (DataLicensing licensing, MockERC20 token, uint256 productId) = _fullSplitProduct(3_000, 7_000, 1_000);
        _buyRecorded(licensing, token, productId, _buyer(0), 1_000);
        _assertOwed(licensing.owed(productId), 25, 292, 682, 0, "after sale 1");
        _withdrawAll(licensing, token, productId);
        _assertOwed(licensing.owed(productId), 0, 0, 0, 0, "after withdrawing sale 1");

        _buyRecorded(licensing, token, productId, _buyer(1), 1_000);
        _assertOwed(licensing.owed(productId), 25, 293, 683, 0, "after sale 2");
        _assertEq(licensing.carriedRemainder(productId), 0, "carried after sale 2");
        _withdrawAll(licensing, token, productId);

        _buyRecorded(licensing, token, productId, _buyer(2), 1_000);
        _assertOwed(licensing.owed(productId), 25, 292, 682, 0, "after sale 3");
        _assertEq(licensing.carriedRemainder(productId), 1, "carried after sale 3");

        _assertEq(token.balanceOf(_TREASURY), 50, "treasury received");
        _assertEq(token.balanceOf(_CITY), 585, "city received");
        _assertEq(token.balanceOf(address(this)), 1_365, "provider received");
        _assertEq(token.balanceOf(_CONTRIBUTORS), 0, "contributors received");
        _assertEq(token.balanceOf(address(licensing)), 25 + 292 + 682 + 1, "held: owed + carried");
    }

    // ---------------------------------------------------------------------------------------------
    // The real contract against the harness
    // ---------------------------------------------------------------------------------------------

    /// @notice One product sold again and again, its price and the platform fee changing between sales,
    /// random roles withdrawing: each sale's `Sale` breakdown, `owed` and `carriedRemainder` are the harness's.
    /// Any split (a quarter of the runs at city + provider = 100%); prices a quarter of the time tiny.
    function testFuzz_dataLicensing_owedMatchesHarness(
        uint256[_MAX_SALES] memory prices,
        uint256 countSeed,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed,
        uint256 withdrawSeed
    ) public {
        (uint256 cityBps, uint256 providerBps) = _split(citySeed, providerSeed);
        _checkAgainstHarness(cityBps, providerBps, prices, countSeed, feeSeed, withdrawSeed);
    }

    /// @notice The same, always at city + provider = 100%.
    function testFuzz_dataLicensing_fullSplit_owedMatchesHarness(
        uint256[_MAX_SALES] memory prices,
        uint256 countSeed,
        uint256 citySeed,
        uint256 feeSeed,
        uint256 withdrawSeed
    ) public {
        uint256 cityBps = _bound(citySeed, 0, _BPS);
        _checkAgainstHarness(cityBps, _BPS - cityBps, prices, countSeed, feeSeed, withdrawSeed);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    /// @dev Credits one payment and checks it: the fee is the floor of the exact fee; each party's share is the
    /// increase of its floor (so never negative) and the floor or the ceiling of its exact share of the payment's
    /// net; no entitlement decreases; the four shares plus the remainder carried after equal the payment plus the
    /// remainder carried before (so they are within 2 wei of the payment); the remainder stays within 0..2.
    function _creditChecked(
        RevenueSplitHarness harness,
        uint256 amount,
        uint256 feeBps
    ) private returns (RevenueSplitHarness.Shares memory shares) {
        uint256[4] memory before = _earnedOf(harness);
        uint256 remainderBefore = harness.carriedRemainder();
        shares = harness.credit(amount, feeBps);
        uint256[4] memory afterwards = _earnedOf(harness);
        uint256 remainderAfter = harness.carriedRemainder();

        uint256 fee = (amount * feeBps) / _BPS;
        _assertEq(shares.platformFee, fee, "platform fee != floor of exact fee");
        _assertTrue(shares.platformFee * _BPS + _BPS > amount * feeBps, "platform fee lost a wei or more");
        uint256 net = amount - fee;
        uint256[4] memory paid = [shares.platformFee, shares.city, shares.provider, shares.contributors];
        uint256[4] memory bps = [uint256(0), harness.cityBps(), harness.providerBps(), harness.contributorsBps()];
        for (uint256 role = 0; role < 4; ++role) {
            _assertTrue(afterwards[role] >= before[role], "an entitlement decreased");
            _assertEq(paid[role], afterwards[role] - before[role], "a share != the increase of the entitlement");
            if (role != 0) {
                _assertTrue(paid[role] * _BPS + _BPS > net * bps[role], "share below floor of exact share");
                _assertTrue(paid[role] * _BPS < net * bps[role] + _BPS, "share above ceiling of exact share");
            }
        }

        uint256 total = paid[0] + paid[1] + paid[2] + paid[3];
        _assertEq(total + remainderAfter, amount + remainderBefore, "shares + carried after != payment + before");
        _assertTrue(total <= amount + 2 && total + 2 >= amount, "a payment's shares differ from it by over 2 wei");
        _assertTrue(remainderAfter <= 2, "carried remainder above 2 wei");
    }

    function _creditAll(
        RevenueSplitHarness harness,
        uint256[] memory amounts,
        uint256 feeSeed
    ) private returns (Sums memory sums) {
        for (uint256 i = 0; i < amounts.length; ++i) {
            uint256 feeBps = _feeOf(feeSeed, i);
            RevenueSplitHarness.Shares memory shares = _creditChecked(harness, amounts[i], feeBps);
            sums.paid += amounts[i];
            sums.platform += shares.platformFee;
            sums.city += shares.city;
            sums.provider += shares.provider;
            sums.contributors += shares.contributors;
            sums.exactFeesTimesBps += amounts[i] * feeBps;
        }
    }

    /// @dev Sells up to `_MAX_SALES` licences of one product at changing prices and fees, comparing the contract
    /// with the harness after every sale, and withdraws random roles between sales.
    function _checkAgainstHarness(
        uint256 cityBps,
        uint256 providerBps,
        uint256[_MAX_SALES] memory prices,
        uint256 countSeed,
        uint256 feeSeed,
        uint256 withdrawSeed
    ) private {
        Market memory market;
        market.licensing = new DataLicensing(address(this), _TREASURY, uint16(_feeOf(feeSeed, 0)));
        market.token = new MockERC20("Euro", "EURx");
        market.harness = new RevenueSplitHarness(cityBps, providerBps);
        uint32 partiesId = market.licensing.registerParties(_CITY, _CONTRIBUTORS);
        market.productId = _publish(
            market.licensing,
            market.token,
            partiesId,
            uint96(_price(prices[0])),
            cityBps,
            providerBps
        );

        uint256 count = 2 + (countSeed % (_MAX_SALES - 1));
        for (uint256 i = 0; i < count; ++i) {
            uint256 feeBps = _feeOf(feeSeed, i);
            if (i > 0) {
                market.licensing.setPlatformFee(uint16(feeBps));
                _updatePrice(market.licensing, market.productId, uint96(_price(prices[i])), i);
            }
            uint256[4] memory owed = _sellAndCompare(market, _price(prices[i]), feeBps, i);
            for (uint256 role = 0; role < 4; ++role) {
                if (uint256(keccak256(abi.encode(withdrawSeed, i, role))) % 2 == 1) continue;
                market.withdrawn[role] += _withdrawChecked(
                    market.licensing,
                    market.token,
                    market.productId,
                    role,
                    owed[role]
                );
            }
        }
    }

    /// @dev One sale on the contract and the same payment on the harness: the `Sale` breakdown, what each role
    /// is owed, the carried remainder and the balance held must agree; returns what each role is owed.
    function _sellAndCompare(
        Market memory market,
        uint256 price,
        uint256 feeBps,
        uint256 i
    ) private returns (uint256[4] memory owed) {
        DataLicensing licensing = market.licensing;
        uint256 productId = market.productId;
        IDataLicensing.Sale memory sale = _buyRecorded(licensing, market.token, productId, _buyer(i), price);
        RevenueSplitHarness.Shares memory shares = _creditChecked(market.harness, price, feeBps);
        market.paidIn += price;

        _assertEq(sale.price, price, "Sale.price");
        _assertEq(sale.platformFee, shares.platformFee, "Sale.platformFee != harness");
        _assertEq(sale.cityShare, shares.city, "Sale.cityShare != harness");
        _assertEq(sale.providerShare, shares.provider, "Sale.providerShare != harness");
        _assertEq(sale.contributorsShare, shares.contributors, "Sale.contributorsShare != harness");

        uint256[4] memory earned = _earnedOf(market.harness);
        owed = licensing.owed(productId);
        uint256 carried = licensing.carriedRemainder(productId);
        _assertEq(carried, market.harness.carriedRemainder(), "carriedRemainder != harness");
        for (uint256 role = 0; role < 4; ++role) {
            uint256 total = owed[role] + market.withdrawn[role];
            _assertEq(total, earned[role], "owed + withdrawn != harness's earned");
            _assertTrue(total >= market.previous[role], "an entitlement decreased");
            market.previous[role] = total;
        }
        _assertEq(market.token.balanceOf(address(licensing)), _sum(owed) + carried, "held != owed + carried");
        _assertEq(_sum(market.withdrawn) + _sum(owed) + carried, market.paidIn, "withdrawn + owed + carried != paid");
    }

    /// @dev Withdraws a role's revenue, expecting `due` (and `NothingToWithdraw` if it is 0).
    function _withdrawChecked(
        DataLicensing licensing,
        MockERC20 token,
        uint256 productId,
        uint256 role,
        uint256 due
    ) private returns (uint256 paid) {
        if (due == 0) {
            VM.expectRevert(
                abi.encodeWithSelector(IDataLicensing.DataLicensingNothingToWithdraw.selector, productId, role)
            );
            licensing.withdraw(productId, IDataLicensing.Role(role));
            return 0;
        }
        address to = _recipientOf(role);
        uint256 balanceBefore = token.balanceOf(to);
        paid = licensing.withdraw(productId, IDataLicensing.Role(role));
        _assertEq(paid, due, "withdrawn != owed");
        _assertEq(token.balanceOf(to), balanceBefore + paid, "recipient's balance");
        _assertEq(licensing.owed(productId)[role], 0, "owed after withdrawal");
    }

    function _withdrawAll(DataLicensing licensing, MockERC20 token, uint256 productId) private {
        uint256[4] memory owed = licensing.owed(productId);
        for (uint256 role = 0; role < 4; ++role) _withdrawChecked(licensing, token, productId, role, owed[role]);
    }

    function _earnedOf(RevenueSplitHarness harness) private view returns (uint256[4] memory amounts) {
        (amounts[0], amounts[1], amounts[2], amounts[3]) = harness.earned();
    }

    function _assertShares(
        RevenueSplitHarness.Shares memory shares,
        uint256 platformFee,
        uint256 city,
        uint256 provider,
        uint256 contributors,
        string memory label
    ) private pure {
        _assertEq(shares.platformFee, platformFee, label);
        _assertEq(shares.city, city, label);
        _assertEq(shares.provider, provider, label);
        _assertEq(shares.contributors, contributors, label);
    }

    function _assertOwed(
        uint256[4] memory owed,
        uint256 platform,
        uint256 city,
        uint256 provider,
        uint256 contributors,
        string memory label
    ) private pure {
        _assertEq(owed[0], platform, label);
        _assertEq(owed[1], city, label);
        _assertEq(owed[2], provider, label);
        _assertEq(owed[3], contributors, label);
    }

    /// @dev `total` is `exactTimesBps / 10000` rounded down by less than one wei.
    function _assertWithinOneWeiBelow(uint256 total, uint256 exactTimesBps, string memory role) private pure {
        _assertTrue(total * _BPS <= exactTimesBps, string.concat(role, " paid above its exact share"));
        _assertTrue(total * _BPS + _BPS > exactTimesBps, string.concat(role, " lost a wei or more to rounding"));
    }

    function _floor(uint256 total, uint256 bps) private pure returns (uint256) {
        return (total * bps) / _BPS;
    }

    function _sum(uint256[4] memory amounts) private pure returns (uint256) {
        return amounts[0] + amounts[1] + amounts[2] + amounts[3];
    }

    /// @dev City and provider shares with city + provider <= 100%; a quarter of the runs sit on exactly 100%.
    function _split(
        uint256 citySeed,
        uint256 providerSeed
    ) private pure returns (uint256 cityBps, uint256 providerBps) {
        cityBps = _bound(citySeed, 0, _BPS);
        providerBps = providerSeed % 4 == 0 ? _BPS - cityBps : _bound(providerSeed, 0, _BPS - cityBps);
    }

    /// @dev The fee of payment `i`: fixed for even seeds, changing payment by payment (as the owner may) for odd.
    function _feeOf(uint256 feeSeed, uint256 i) private pure returns (uint256) {
        if (feeSeed % 2 == 0) return _bound(feeSeed, 0, _MAX_FEE_BPS);
        return uint256(keccak256(abi.encode(feeSeed, i))) % (_MAX_FEE_BPS + 1);
    }

    /// @dev At most `_MAX_PAYMENTS` amounts in `[0, _MAX_AMOUNT]`, a third of them tiny (at most `_TINY`).
    function _amounts(uint256[] memory seeds) private pure returns (uint256[] memory amounts) {
        uint256 count = seeds.length < _MAX_PAYMENTS ? seeds.length : _MAX_PAYMENTS;
        amounts = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            amounts[i] = seeds[i] % 3 == 0 ? seeds[i] % (_TINY + 1) : _bound(seeds[i], 0, _MAX_AMOUNT);
        }
    }

    /// @dev A product price: a quarter of the time tiny (0 included), otherwise anything a `uint96` holds.
    function _price(uint256 seed) private pure returns (uint256) {
        return seed % 4 == 0 ? seed % (_TINY + 1) : _bound(seed, 0, type(uint96).max);
    }

    function _buyer(uint256 i) private pure returns (address) {
        return address(uint160(0xB000 + i));
    }

    function _recipientOf(uint256 role) private view returns (address) {
        if (role == uint8(IDataLicensing.Role.Platform)) return _TREASURY;
        if (role == uint8(IDataLicensing.Role.City)) return _CITY;
        if (role == uint8(IDataLicensing.Role.Provider)) return address(this);
        return _CONTRIBUTORS;
    }

    /// @dev A product of this contract (the provider) at a platform fee of 2.5%.
    function _fullSplitProduct(
        uint256 cityBps,
        uint256 providerBps,
        uint96 price
    ) private returns (DataLicensing licensing, MockERC20 token, uint256 productId) {
        licensing = new DataLicensing(address(this), _TREASURY, 250);
        token = new MockERC20("Euro", "EURx");
        uint32 partiesId = licensing.registerParties(_CITY, _CONTRIBUTORS);
        productId = _publish(licensing, token, partiesId, price, cityBps, providerBps);
    }

    function _publish(
        DataLicensing licensing,
        MockERC20 token,
        uint32 partiesId,
        uint96 price,
        uint256 cityBps,
        uint256 providerBps
    ) private returns (uint256) {
        bytes32[] memory purposes = new bytes32[](1);
        purposes[0] = _PURPOSE;
        return
            licensing.publish(
                IDataLicensing.ProductParams({
                    partiesId: partiesId,
                    token: address(token),
                    price: price,
                    period: 0,
                    renewable: false,
                    cityBps: uint16(cityBps),
                    providerBps: uint16(providerBps),
                    purposes: purposes,
                    consentGrantee: address(0xC0C0),
                    metadataURI: "ipfs://product",
                    termsHash: keccak256("terms"),
                    poolId: 0
                })
            );
    }

    function _updatePrice(DataLicensing licensing, uint256 productId, uint96 price, uint256 i) private {
        licensing.updateTerms(
            productId,
            IDataLicensing.TermsUpdate({
                price: price,
                period: 0,
                renewable: false,
                allowPurposes: new bytes32[](0),
                disallowPurposes: new bytes32[](0),
                metadataURI: "",
                termsHash: keccak256(abi.encode("terms", i))
            })
        );
    }

    /// @dev Buys a licence at `price` for `buyer` and returns the sale's breakdown from the `LicenceIssued` event.
    function _buyRecorded(
        DataLicensing licensing,
        MockERC20 token,
        uint256 productId,
        address buyer,
        uint256 price
    ) private returns (IDataLicensing.Sale memory sale) {
        token.mint(buyer, price);
        VM.prank(buyer);
        token.approve(address(licensing), price);
        SaleLogs.record();
        VM.prank(buyer);
        licensing.buy(productId, _PURPOSE, price);
        bool found;
        (found, sale) = SaleLogs.recordedSale(address(licensing));
        _assertTrue(found, "no LicenceIssued event");
    }
}
