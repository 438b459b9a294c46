// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DataLicensing} from "../../contracts/licensing/DataLicensing.sol";
import {IDataLicensing} from "../../contracts/interfaces/IDataLicensing.sol";
import {RevenueSplit} from "../../contracts/libraries/RevenueSplit.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {TestBase} from "./utils/TestBase.sol";
import {VM} from "./utils/Vm.sol";

/// @notice The split arithmetic of `DataLicensing._credit` and `_earned`, on its own: running totals of what
/// was paid after the platform fee and of platform fees, each payment's shares taken as the increase of
/// `RevenueSplit.shareOf` over the running total, the contributors taking the rest.
/// @dev The contributors' share of a payment is computed signed, so a negative share (which makes the
/// contract's unsigned `net - city - provider` underflow) shows as a value instead of a panic.
contract RevenueSplitHarness {
    /// @notice How one payment was divided.
    struct Shares {
        uint256 platformFee;
        uint256 city;
        uint256 provider;
        int256 contributors;
    }

    uint256 public immutable cityBps;
    uint256 public immutable providerBps;
    uint256 public netTotal;
    uint256 public platformTotal;

    constructor(uint256 cityBps_, uint256 providerBps_) {
        cityBps = cityBps_;
        providerBps = providerBps_;
    }

    /// @notice Credits one payment of `amount` at a platform fee of `feeBps`, as `DataLicensing._credit` does.
    function credit(uint256 amount, uint256 feeBps) external returns (Shares memory shares) {
        shares.platformFee = (amount * feeBps) / RevenueSplit.BPS;
        uint256 net = amount - shares.platformFee;
        uint256 netBefore = netTotal;
        uint256 netAfter = netBefore + net;
        netTotal = netAfter;
        platformTotal += shares.platformFee;
        shares.city = RevenueSplit.shareOfIncrease(netBefore, netAfter, cityBps);
        shares.provider = RevenueSplit.shareOfIncrease(netBefore, netAfter, providerBps);
        shares.contributors = int256(net) - int256(shares.city) - int256(shares.provider);
    }

    /// @notice Everything earned so far by role, as `DataLicensing._earned` computes it.
    function earned() external view returns (uint256 platform, uint256 city, uint256 provider, uint256 contributors) {
        platform = platformTotal;
        city = RevenueSplit.shareOf(netTotal, cityBps);
        provider = RevenueSplit.shareOf(netTotal, providerBps);
        contributors = netTotal - city - provider;
    }
}

/// @notice Fuzz tests of the revenue split arithmetic (through {RevenueSplitHarness}) and of the real contract's
/// split of successive sales.
contract RevenueSplitTest is TestBase {
    uint256 internal constant _BPS = 10_000;
    uint256 internal constant _MAX_FEE_BPS = 1_000;
    uint256 internal constant _MAX_PAYMENTS = 20;
    /// @dev Twenty payments of at most this add up to less than 2^128 (the contract's running totals).
    uint256 internal constant _MAX_AMOUNT = type(uint128).max / _MAX_PAYMENTS;

    bytes32 internal constant _PURPOSE = keccak256("https://w3id.org/dpv#ResearchAndDevelopment");

    /// @notice What a sequence of payments added up to, payment by payment.
    struct Sums {
        uint256 paid;
        uint256 platform;
        uint256 city;
        uint256 provider;
        int256 contributors;
    }

    // ---------------------------------------------------------------------------------------------
    // (a) Each payment is divided exactly, and the payments' shares add up to the shares of the total
    // ---------------------------------------------------------------------------------------------

    /// @dev Over the whole domain the publisher may choose (city + provider <= 100%). Fails: see
    /// {test_credit_fullSplit_secondPaymentContributorsShareIsNegative}.
    function testFuzz_credit_sharesSumToPrice(
        uint256[] memory amounts,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed
    ) public {
        (uint256 cityBps, uint256 providerBps) = _split(citySeed, providerSeed);
        _checkEachPayment(new RevenueSplitHarness(cityBps, providerBps), _amounts(amounts, 0), feeSeed);
    }

    /// @dev The same property where the contributors keep at least 1% and each payment is at least 300 wei:
    /// their share of a payment (>= 2.7 wei before rounding) then absorbs the up to two wei the city's and the
    /// provider's floors can move.
    function testFuzz_credit_sharesSumToPrice_whenContributorsKeepOnePercent(
        uint256[] memory amounts,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed
    ) public {
        uint256 cityBps = _bound(citySeed, 0, _BPS - 100);
        uint256 providerBps = _bound(providerSeed, 0, _BPS - 100 - cityBps);
        _checkEachPayment(new RevenueSplitHarness(cityBps, providerBps), _amounts(amounts, 300), feeSeed);
    }

    /// @dev Holds over the whole domain: the per-payment increments of a floor telescope.
    function testFuzz_credit_paymentSharesAddUpToSharesOfTotal(
        uint256[] memory amounts,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed
    ) public {
        (uint256 cityBps, uint256 providerBps) = _split(citySeed, providerSeed);
        RevenueSplitHarness harness = new RevenueSplitHarness(cityBps, providerBps);
        Sums memory sums = _creditAll(harness, _amounts(amounts, 0), feeSeed);

        uint256 netTotal = harness.netTotal();
        uint256 cityTotal = RevenueSplit.shareOf(netTotal, cityBps);
        uint256 providerTotal = RevenueSplit.shareOf(netTotal, providerBps);
        _assertEq(sums.paid - sums.platform, netTotal, "net total");
        _assertEq(sums.city, cityTotal, "city: sum of payment shares != shareOf(total)");
        _assertEq(sums.provider, providerTotal, "provider: sum of payment shares != shareOf(total)");
        _assertTrue(
            sums.contributors == int256(netTotal - cityTotal - providerTotal),
            "contributors: sum of payment shares != net - floor(city) - floor(provider)"
        );

        (uint256 platform, uint256 city, uint256 provider, uint256 contributors) = harness.earned();
        _assertEq(platform, sums.platform, "earned platform");
        _assertEq(city, sums.city, "earned city");
        _assertEq(provider, sums.provider, "earned provider");
        _assertTrue(int256(contributors) == sums.contributors, "earned contributors");
    }

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
    // (b) Rounding never favours the payer: the recipients get exactly what was paid
    // ---------------------------------------------------------------------------------------------

    function testFuzz_credit_recipientsReceiveExactlyWhatWasPaid(
        uint256[] memory amounts,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed
    ) public {
        (uint256 cityBps, uint256 providerBps) = _split(citySeed, providerSeed);
        RevenueSplitHarness harness = new RevenueSplitHarness(cityBps, providerBps);
        Sums memory sums = _creditAll(harness, _amounts(amounts, 0), feeSeed);

        (uint256 platform, uint256 city, uint256 provider, uint256 contributors) = harness.earned();
        _assertEq(platform + city + provider + contributors, sums.paid, "recipients' totals != paid");
        // Each floor loses less than one wei, and the contributors take exactly what the floors lose.
        uint256 netTotal = harness.netTotal();
        _assertTrue(city * _BPS <= netTotal * cityBps, "city paid above its exact share");
        _assertTrue(city * _BPS + _BPS > netTotal * cityBps, "city lost a wei or more to rounding");
        _assertTrue(provider * _BPS <= netTotal * providerBps, "provider paid above its exact share");
        _assertTrue(provider * _BPS + _BPS > netTotal * providerBps, "provider lost a wei or more to rounding");
        _assertTrue(
            contributors * _BPS >= netTotal * (_BPS - cityBps - providerBps),
            "contributors paid below their exact share"
        );
    }

    // ---------------------------------------------------------------------------------------------
    // The defect these tests found, pinned
    // ---------------------------------------------------------------------------------------------

    /// @dev City 50% + provider 50% (allowed: the split may reach 100%), no fee, two payments of 99: the first
    /// gives city 49, provider 49, contributors 1; the second raises both floors from 49 to 99 (+50 each) out
    /// of a net of 99, so the contributors' share of it is -1. FAILS against the current contract.
    function test_credit_fullSplit_secondPaymentContributorsShareIsNegative() public {
        RevenueSplitHarness harness = new RevenueSplitHarness(5_000, 5_000);
        RevenueSplitHarness.Shares memory first = harness.credit(99, 0);
        _assertTrue(first.contributors == 1, "first payment: contributors get the rounding wei");
        RevenueSplitHarness.Shares memory second = harness.credit(99, 0);
        _assertEq(second.city + second.provider, 100, "second payment: city + provider shares");
        _assertTrue(second.contributors >= 0, "second payment: contributors' share is negative (-1)");
    }

    /// @dev The same on the real contract: a product split city 30% / provider 70% (contributors 0%), price 1000,
    /// platform fee 2.5%. Sale 1: net 975, city 292, provider 682, contributors 1. Sale 2: net 975, the running
    /// total becomes 1950, city +293, provider +683 = 976 > 975, so `net - cityShare - providerShare` in
    /// `_credit` underflows (Panic 0x11) and every further sale of the product at that price reverts.
    /// FAILS against the current contract.
    function test_dataLicensing_fullSplit_secondSaleSucceeds() public {
        (DataLicensing licensing, MockERC20 token, uint256 productId) = _fullSplitProduct(3_000, 7_000, 1_000);
        address firstBuyer = address(0xB001);
        address secondBuyer = address(0xB002);
        _buy(licensing, token, productId, firstBuyer);
        _assertEq(licensing.owed(productId)[uint8(IDataLicensing.Role.Contributors)], 1, "contributors after sale 1");

        token.mint(secondBuyer, 1_000);
        VM.prank(secondBuyer);
        token.approve(address(licensing), 1_000);
        VM.prank(secondBuyer);
        try licensing.buy(productId, _PURPOSE, 1_000) {
            _assertTrue(licensing.isLicensed(productId, secondBuyer, _PURPOSE), "second buyer licensed");
        } catch (bytes memory reason) {
            _assertTrue(
                keccak256(reason) != keccak256(abi.encodeWithSignature("Panic(uint256)", 0x11)),
                "second sale of a 100% city+provider product reverted: underflow (Panic 0x11) in _credit"
            );
            _assertTrue(false, "second sale of a 100% city+provider product reverted");
        }
    }

    /// @notice The real contract credits what the harness computes, sale after sale (where no share is
    /// negative: the contributors keep at least 1% and each price is at least 300 wei).
    function testFuzz_dataLicensing_owedMatchesHarness(
        uint256[] memory prices,
        uint256 citySeed,
        uint256 providerSeed,
        uint256 feeSeed
    ) public {
        uint256 cityBps = _bound(citySeed, 0, _BPS - 100);
        uint256 providerBps = _bound(providerSeed, 0, _BPS - 100 - cityBps);
        uint256 feeBps = _bound(feeSeed, 0, _MAX_FEE_BPS);
        uint256 count = prices.length < 5 ? prices.length : 5;

        DataLicensing licensing = new DataLicensing(address(this), address(0xFEE), uint16(feeBps));
        MockERC20 token = new MockERC20("Euro", "EURx");
        RevenueSplitHarness harness = new RevenueSplitHarness(cityBps, providerBps);
        uint32 partiesId = licensing.registerParties(address(0xC17), address(0xC0));
        for (uint256 i = 0; i < count; ++i) {
            uint96 price = uint96(_bound(prices[i], 300, type(uint96).max));
            uint256 productId = _publish(licensing, token, partiesId, price, cityBps, providerBps);
            _buy(licensing, token, productId, address(uint160(0xB000 + i)));
            harness.credit(price, feeBps);

            // One product per sale here, so compare the product's owed amounts with a fresh harness's figures.
            RevenueSplitHarness single = new RevenueSplitHarness(cityBps, providerBps);
            RevenueSplitHarness.Shares memory shares = single.credit(price, feeBps);
            uint256[4] memory owed = licensing.owed(productId);
            _assertEq(owed[0], shares.platformFee, "platform owed");
            _assertEq(owed[1], shares.city, "city owed");
            _assertEq(owed[2], shares.provider, "provider owed");
            _assertTrue(int256(owed[3]) == shares.contributors, "contributors owed");
        }
        _assertEq(token.balanceOf(address(licensing)), harness.netTotal() + harness.platformTotal(), "held");
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    function _checkEachPayment(RevenueSplitHarness harness, uint256[] memory amounts, uint256 feeSeed) private {
        for (uint256 i = 0; i < amounts.length; ++i) {
            RevenueSplitHarness.Shares memory shares = harness.credit(amounts[i], _feeOf(feeSeed, i));
            _assertTrue(shares.contributors >= 0, "contributors' share of a payment is negative");
            _assertEq(
                shares.platformFee + shares.city + shares.provider + uint256(shares.contributors),
                amounts[i],
                "a payment's four shares != the payment"
            );
        }
    }

    function _creditAll(
        RevenueSplitHarness harness,
        uint256[] memory amounts,
        uint256 feeSeed
    ) private returns (Sums memory sums) {
        for (uint256 i = 0; i < amounts.length; ++i) {
            RevenueSplitHarness.Shares memory shares = harness.credit(amounts[i], _feeOf(feeSeed, i));
            sums.paid += amounts[i];
            sums.platform += shares.platformFee;
            sums.city += shares.city;
            sums.provider += shares.provider;
            sums.contributors += shares.contributors;
            // Nothing created, nothing lost, in signed arithmetic (so this holds even where a share is negative).
            _assertTrue(
                int256(shares.platformFee + shares.city + shares.provider) + shares.contributors == int256(amounts[i]),
                "a payment's four shares != the payment"
            );
        }
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

    /// @dev At most `_MAX_PAYMENTS` amounts, each in `[min, _MAX_AMOUNT]`.
    function _amounts(uint256[] memory seeds, uint256 min) private pure returns (uint256[] memory amounts) {
        uint256 count = seeds.length < _MAX_PAYMENTS ? seeds.length : _MAX_PAYMENTS;
        amounts = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) amounts[i] = _bound(seeds[i], min, _MAX_AMOUNT);
    }

    function _fullSplitProduct(
        uint256 cityBps,
        uint256 providerBps,
        uint96 price
    ) private returns (DataLicensing licensing, MockERC20 token, uint256 productId) {
        licensing = new DataLicensing(address(this), address(0xFEE), 250);
        token = new MockERC20("Euro", "EURx");
        uint32 partiesId = licensing.registerParties(address(0xC17), address(0xC0));
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
                    termsHash: keccak256("terms")
                })
            );
    }

    function _buy(DataLicensing licensing, MockERC20 token, uint256 productId, address buyer) private {
        (IDataLicensing.Product memory product, ) = licensing.getProduct(productId);
        token.mint(buyer, product.price);
        VM.prank(buyer);
        token.approve(address(licensing), product.price);
        VM.prank(buyer);
        licensing.buy(productId, _PURPOSE, product.price);
    }
}
