// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DataLicensing} from "../../contracts/licensing/DataLicensing.sol";
import {IDataLicensing} from "../../contracts/interfaces/IDataLicensing.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {HandlerBase} from "./utils/HandlerBase.sol";
import {InvariantBase} from "./utils/InvariantBase.sol";
import {SaleLogs} from "./utils/SaleLogs.sol";
import {VM} from "./utils/Vm.sol";

/// @notice Drives a real DataLicensing, paid in a MockERC20, with random purchases, renewals, cancellations,
/// revocations (with or without a refund from the provider's own funds), withdrawals by role, terms updates
/// (price, period, renewability), platform fee changes and time warps, over a small world (5 products with
/// different splits, two of them with city + provider = 100%; 3 buyers; 2 purposes), and keeps a ghost model
/// of the money and of every licence.
/// @dev The model computes every party's entitlement from its own running totals, with its own arithmetic: the
/// platform gets the fees, and the city, the provider and the contributors each the floor of their share of the
/// net total (`floor(N * bps / 10000)`, the contributors' bps being `10000 - city - provider`); what the three
/// floors leave (0..2 wei) is carried. Every action predicts success or the exact error, and every sale's `Sale`
/// breakdown (read from the `LicenceIssued` event) is predicted to the wei; wrong predictions are counted and
/// must stay zero. After every action the handler also checks that no party's entitlement (owed + withdrawn) has
/// decreased. A revoked licence is final: it can be neither renewed nor bought again. No offers, pauses or
/// public-interest claims.
contract DataLicensingHandler is HandlerBase {
    uint256 public constant PRODUCTS = 5;
    uint256 public constant BUYERS = 3;
    uint256 public constant PURPOSES = 2;
    uint256 internal constant _ROLES = 4;
    uint256 internal constant _BPS = 10_000;
    uint256 internal constant _MAX_WARP = 20 days;
    uint256 internal constant _FEE_CAP = 1_000;

    /// @notice What the model says about one licence.
    struct ModelLicence {
        IDataLicensing.LicenceStatus status;
        uint64 expiresAt;
        uint32 termsVersion;
    }

    /// @notice A product's current terms (price, period and renewability change with `updateTerms`) and its split.
    struct ModelProduct {
        uint256 id;
        uint96 price;
        uint64 period;
        bool renewable;
        uint32 termsVersion;
        uint16 cityBps;
        uint16 providerBps;
    }

    DataLicensing public immutable licensing;
    MockERC20 public immutable token;
    address public immutable treasury;
    address public immutable provider;
    address public immutable city;
    address public immutable contributors;

    ModelProduct[PRODUCTS] private _products;
    address[BUYERS] private _buyers;
    bytes32[PURPOSES] private _purposes;

    /// @dev Indexed by `(p * BUYERS + b) * PURPOSES + u`.
    mapping(uint256 licenceIndex => ModelLicence) private _licences;
    uint256[PRODUCTS] private _netTotal;
    uint256[PRODUCTS] private _platformTotal;
    uint256[_ROLES][PRODUCTS] private _withdrawn;
    /// @dev Each product's and role's entitlement as the contract reported it (owed + withdrawn) after the last action.
    uint256[_ROLES][PRODUCTS] private _lastEntitlement;
    uint16 private _feeBps;

    /// @notice Sum of the prices of every licence issued.
    uint256 public ghostSales;
    /// @notice Sum of the four shares of every `Sale` breakdown emitted (platform fee + city + provider + contributors).
    uint256 public ghostSaleShares;
    /// @notice Sum of every withdrawal paid.
    uint256 public ghostWithdrawn;
    /// @notice Sales whose `Sale` breakdown differed from the model's (or whose shares were over 2 wei off the price).
    uint256 public breakdownMismatches;
    /// @notice Times a party's entitlement (owed + withdrawn) was found lower than after the previous action.
    uint256 public decreases;
    /// @notice Sales of the products split city + provider = 100% (the case that used to revert).
    uint256 public fullSplitSales;
    /// @notice Renewals of a perpetual licence refused (`NotRenewable`) after the terms became renewable.
    uint256 public perpetualRenewalsRefused;
    /// @notice Licences revoked, and purchases or renewals of a revoked licence refused.
    uint256 public revocations;
    uint256 public revokedRefused;

    constructor() {
        treasury = _labelled("treasury");
        provider = _labelled("provider");
        city = _labelled("city");
        contributors = _labelled("contributors");
        _feeBps = 250;
        licensing = new DataLicensing(address(this), treasury, _feeBps);
        token = new MockERC20("Euro", "EURx");

        _purposes[0] = keccak256("https://w3id.org/dpv#ResearchAndDevelopment");
        _purposes[1] = keccak256("https://w3id.org/dpv#ServiceOptimisation");
        for (uint256 b = 0; b < BUYERS; ++b) {
            _buyers[b] = address(uint160(uint256(keccak256(abi.encode("DataLicensingHandler buyer", b)))));
            VM.prank(_buyers[b]);
            token.approve(address(licensing), type(uint256).max);
        }

        VM.prank(provider);
        token.approve(address(licensing), type(uint256).max); // refunds come from the provider's own funds
        VM.prank(provider);
        uint32 partiesId = licensing.registerParties(city, contributors);
        // A renewable monthly subscription; a perpetual licence; a weekly licence bought again, not renewed.
        _publish(0, partiesId, 1_000_003, 30 days, true, 2_000, 3_000);
        _publish(1, partiesId, 777_777, 0, false, 3_333, 3_333);
        _publish(2, partiesId, 12_345_679, 7 days, false, 1, 8_999);
        // City + provider = 100% (contributors 0%): a renewable weekly licence at 1000 (the sale that used to
        // revert at a 2.5% fee), and a perpetual one at 99 split 50/50.
        _publish(3, partiesId, 1_000, 7 days, true, 3_000, 7_000);
        _publish(4, partiesId, 99, 0, false, 5_000, 5_000);
    }

    // ---------------------------------------------------------------------------------------------
    // Actions (called at random by the invariant fuzzer)
    // ---------------------------------------------------------------------------------------------

    function buy(uint256 p, uint256 b, uint256 u, uint256 maxPriceSeed) external {
        (p, b, u) = _pick(p, b, u);
        ModelProduct memory product = _products[p];
        ModelLicence storage licence = _licences[_index(p, b, u)];
        address buyer = _buyers[b];
        bytes32 licenceId = licensing.licenceIdOf(product.id, buyer, _purposes[u]);
        uint256 maxPrice = _maxPrice(product.price, maxPriceSeed);

        bytes memory expected;
        if (product.price > maxPrice) {
            expected = _error(IDataLicensing.DataLicensingPriceAboveLimit.selector, product.price, maxPrice);
        } else if (licence.status == IDataLicensing.LicenceStatus.Revoked) {
            expected = abi.encodeWithSelector(IDataLicensing.DataLicensingLicenceRevoked.selector, licenceId);
        } else if (licence.status == IDataLicensing.LicenceStatus.Active && block.timestamp <= licence.expiresAt) {
            expected = abi.encodeWithSelector(
                IDataLicensing.DataLicensingAlreadyLicensed.selector,
                licenceId,
                licence.expiresAt
            );
        }

        _fund(buyer, product.price);
        SaleLogs.record();
        VM.prank(buyer);
        try licensing.buy(product.id, _purposes[u], maxPrice) returns (bytes32 issued) {
            // An unpredicted success still happened: count it, and record it so the ghosts follow the contract.
            if (expected.length != 0 || issued != licenceId) ++mismatches;
            _recordSale(p, product.price);
            licence.status = IDataLicensing.LicenceStatus.Active;
            licence.expiresAt = product.period == 0 ? type(uint64).max : uint64(block.timestamp + product.period);
            licence.termsVersion = product.termsVersion;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
            if (licence.status == IDataLicensing.LicenceStatus.Revoked) ++revokedRefused;
        }
        _checkEntitlements();
    }

    function renew(uint256 p, uint256 b, uint256 u, uint256 maxPriceSeed) external {
        (p, b, u) = _pick(p, b, u);
        ModelProduct memory product = _products[p];
        ModelLicence storage licence = _licences[_index(p, b, u)];
        address buyer = _buyers[b];
        uint256 maxPrice = _maxPrice(product.price, maxPriceSeed);

        // In the contract's order: the product's terms, the licence's status, a perpetual licence, the price.
        bytes memory expected;
        if (!product.renewable || product.period == 0) {
            expected = _error(IDataLicensing.DataLicensingNotRenewable.selector, product.id);
        } else if (licence.status == IDataLicensing.LicenceStatus.Revoked) {
            expected = abi.encodeWithSelector(
                IDataLicensing.DataLicensingLicenceRevoked.selector,
                licensing.licenceIdOf(product.id, buyer, _purposes[u])
            );
        } else if (licence.status != IDataLicensing.LicenceStatus.Active) {
            expected = abi.encodeWithSelector(
                IDataLicensing.DataLicensingNoActiveLicence.selector,
                licensing.licenceIdOf(product.id, buyer, _purposes[u])
            );
        } else if (licence.expiresAt == type(uint64).max) {
            // Bought perpetual before the terms became renewable with a period: nothing to extend.
            expected = _error(IDataLicensing.DataLicensingNotRenewable.selector, product.id);
        } else if (product.price > maxPrice) {
            expected = _error(IDataLicensing.DataLicensingPriceAboveLimit.selector, product.price, maxPrice);
        }

        _fund(buyer, product.price);
        SaleLogs.record();
        VM.prank(buyer);
        try licensing.renew(product.id, _purposes[u], maxPrice) returns (uint64 newExpiry) {
            uint256 from = licence.expiresAt > block.timestamp ? licence.expiresAt : block.timestamp;
            if (expected.length != 0 || newExpiry != from + product.period) ++mismatches;
            _recordSale(p, product.price);
            licence.expiresAt = newExpiry;
            licence.termsVersion = product.termsVersion;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
            if (licence.expiresAt == type(uint64).max && product.renewable && product.period != 0) {
                ++perpetualRenewalsRefused;
            }
            if (licence.status == IDataLicensing.LicenceStatus.Revoked) ++revokedRefused;
        }
        _checkEntitlements();
    }

    function cancel(uint256 p, uint256 b, uint256 u) external {
        (p, b, u) = _pick(p, b, u);
        ModelLicence storage licence = _licences[_index(p, b, u)];
        address buyer = _buyers[b];
        uint256 productId = _products[p].id;

        bytes memory expected;
        if (licence.status != IDataLicensing.LicenceStatus.Active) {
            expected = abi.encodeWithSelector(
                IDataLicensing.DataLicensingNoActiveLicence.selector,
                licensing.licenceIdOf(productId, buyer, _purposes[u])
            );
        }

        VM.prank(buyer);
        try licensing.cancel(productId, _purposes[u]) {
            if (expected.length != 0) ++mismatches;
            licence.status = IDataLicensing.LicenceStatus.Cancelled;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice The provider revokes a licence for breach; two times in three with a refund it pays itself.
    function revoke(uint256 p, uint256 b, uint256 u, uint256 refundSeed) external {
        (p, b, u) = _pick(p, b, u);
        ModelLicence storage licence = _licences[_index(p, b, u)];
        address buyer = _buyers[b];
        uint256 productId = _products[p].id;
        uint256 refund = refundSeed % 3 == 0 ? 0 : (refundSeed >> 8) % 1_000_000;

        bytes memory expected;
        if (licence.status != IDataLicensing.LicenceStatus.Active) {
            expected = abi.encodeWithSelector(
                IDataLicensing.DataLicensingNoActiveLicence.selector,
                licensing.licenceIdOf(productId, buyer, _purposes[u])
            );
        }

        _fund(provider, refund);
        uint256 heldBefore = token.balanceOf(address(licensing));
        uint256 buyerBefore = token.balanceOf(buyer);
        VM.prank(provider);
        try licensing.revoke(productId, buyer, _purposes[u], "breach", keccak256(abi.encode(p, b, u)), refund) {
            // The refund goes from the provider to the licensee; what the contract holds is untouched.
            if (
                expected.length != 0 ||
                token.balanceOf(buyer) != buyerBefore + refund ||
                token.balanceOf(address(licensing)) != heldBefore
            ) ++mismatches;
            licence.status = IDataLicensing.LicenceStatus.Revoked;
            ++revocations;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
        _checkEntitlements();
    }

    function withdraw(uint256 p, uint256 roleSeed) external {
        p %= PRODUCTS;
        uint8 role = uint8(roleSeed % _ROLES);
        uint256 productId = _products[p].id;
        uint256 due = _modelEarned(p, role) - _withdrawn[p][role];
        address to = _recipientOf(role);
        uint256 balanceBefore = token.balanceOf(to);

        bytes memory expected;
        if (due == 0) expected = _error(IDataLicensing.DataLicensingNothingToWithdraw.selector, productId, role);

        // Anyone may call: the handler does.
        try licensing.withdraw(productId, IDataLicensing.Role(role)) returns (uint256 paid) {
            if (expected.length != 0 || paid != due || token.balanceOf(to) != balanceBefore + paid) ++mismatches;
            _withdrawn[p][role] += paid;
            ghostWithdrawn += paid;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
        _checkEntitlements();
    }

    /// @notice The provider changes a product's price, period and renewability (purposes unchanged).
    function updateTerms(uint256 p, uint256 priceSeed, uint256 periodSeed, bool renewable) external {
        p %= PRODUCTS;
        ModelProduct storage product = _products[p];
        uint96 price = _newPrice(priceSeed);
        uint64 period = _newPeriod(periodSeed);

        VM.prank(provider);
        try
            licensing.updateTerms(
                product.id,
                IDataLicensing.TermsUpdate({
                    price: price,
                    period: period,
                    renewable: renewable,
                    allowPurposes: new bytes32[](0),
                    disallowPurposes: new bytes32[](0),
                    metadataURI: "ipfs://product/v",
                    termsHash: keccak256(abi.encode("terms", p, product.termsVersion + 1))
                })
            )
        returns (uint32 termsVersion) {
            if (termsVersion != product.termsVersion + 1) ++mismatches;
            product.termsVersion = termsVersion;
            product.price = price;
            product.period = period;
            product.renewable = renewable;
            ++changes;
        } catch {
            ++mismatches;
        }
    }

    function setPlatformFee(uint256 feeSeed) external {
        // One call in eleven asks for more than the cap.
        uint256 feeBps = feeSeed % (_FEE_CAP + 101);
        bytes memory expected;
        if (feeBps > _FEE_CAP) expected = _error(IDataLicensing.DataLicensingFeeAboveCap.selector, feeBps, _FEE_CAP);

        try licensing.setPlatformFee(uint16(feeBps)) {
            if (expected.length != 0 || licensing.platformFeeBps() != feeBps) ++mismatches;
            _feeBps = uint16(feeBps);
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    function warp(uint256 secondsSeed) external {
        VM.warp(block.timestamp + (secondsSeed % (_MAX_WARP + 1)));
    }

    // ---------------------------------------------------------------------------------------------
    // The model, for the invariants
    // ---------------------------------------------------------------------------------------------

    /// @notice The fixed world: product ids, buyers and purposes.
    function world()
        external
        view
        returns (uint256[] memory productIds, address[] memory buyers, bytes32[] memory purposes)
    {
        productIds = new uint256[](PRODUCTS);
        for (uint256 p = 0; p < PRODUCTS; ++p) productIds[p] = _products[p].id;
        buyers = new address[](BUYERS);
        for (uint256 b = 0; b < BUYERS; ++b) buyers[b] = _buyers[b];
        purposes = new bytes32[](PURPOSES);
        for (uint256 u = 0; u < PURPOSES; ++u) purposes[u] = _purposes[u];
    }

    /// @notice The model of every licence, in the order product, buyer, purpose.
    function modelLicences() external view returns (ModelLicence[] memory licences) {
        licences = new ModelLicence[](PRODUCTS * BUYERS * PURPOSES);
        for (uint256 i = 0; i < licences.length; ++i) licences[i] = _licences[i];
    }

    /// @notice What the model says product `p` (index, not id) owes each role now.
    function modelOwed(uint256 p) external view returns (uint256[_ROLES] memory amounts) {
        for (uint8 role = 0; role < _ROLES; ++role) amounts[role] = _modelEarned(p, role) - _withdrawn[p][role];
    }

    /// @notice What the model says product `p` carries: its net total less the three parties' floors.
    function modelCarried(uint256 p) external view returns (uint256) {
        uint256 assigned = 0;
        for (uint8 role = 1; role < _ROLES; ++role) assigned += _modelEarned(p, role);
        return _netTotal[p] - assigned;
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    function _publish(
        uint256 p,
        uint32 partiesId,
        uint96 price,
        uint64 period,
        bool renewable,
        uint16 cityBps,
        uint16 providerBps
    ) private {
        bytes32[] memory purposes = new bytes32[](PURPOSES);
        for (uint256 u = 0; u < PURPOSES; ++u) purposes[u] = _purposes[u];
        VM.prank(provider);
        uint256 id = licensing.publish(
            IDataLicensing.ProductParams({
                partiesId: partiesId,
                token: address(token),
                price: price,
                period: period,
                renewable: renewable,
                cityBps: cityBps,
                providerBps: providerBps,
                purposes: purposes,
                consentGrantee: provider,
                metadataURI: "ipfs://product",
                termsHash: keccak256(abi.encode("terms", p)),
                poolId: 0
            })
        );
        _products[p] = ModelProduct({
            id: id,
            price: price,
            period: period,
            renewable: renewable,
            termsVersion: 1,
            cityBps: cityBps,
            providerBps: providerBps
        });
    }

    /// @dev Adds a sale to the model's totals and checks the contract's `Sale` breakdown against the model's: the
    /// fee, and for each party the increase of its floor; the four shares within 2 wei of the price.
    function _recordSale(uint256 p, uint256 price) private {
        (bool found, IDataLicensing.Sale memory sale) = SaleLogs.recordedSale(address(licensing));
        uint256[_ROLES] memory before;
        for (uint8 role = 0; role < _ROLES; ++role) before[role] = _modelEarned(p, role);

        uint256 fee = (price * _feeBps) / _BPS;
        _platformTotal[p] += fee;
        _netTotal[p] += price - fee;
        ghostSales += price;
        if (_products[p].cityBps + _products[p].providerBps == _BPS) ++fullSplitSales;

        uint256 shares = sale.platformFee + sale.cityShare + sale.providerShare + sale.contributorsShare;
        ghostSaleShares += shares;
        if (
            !found ||
            sale.price != price ||
            sale.platformFee != _modelEarned(p, 0) - before[0] ||
            sale.cityShare != _modelEarned(p, 1) - before[1] ||
            sale.providerShare != _modelEarned(p, 2) - before[2] ||
            sale.contributorsShare != _modelEarned(p, 3) - before[3] ||
            shares > price + 2 ||
            shares + 2 < price
        ) ++breakdownMismatches;
    }

    /// @dev Reads every product's entitlements from the contract (owed + withdrawn) and counts any that fell.
    function _checkEntitlements() private {
        for (uint256 p = 0; p < PRODUCTS; ++p) {
            uint256[4] memory owed = licensing.owed(_products[p].id);
            for (uint256 role = 0; role < _ROLES; ++role) {
                uint256 entitlement = owed[role] + _withdrawn[p][role];
                if (entitlement < _lastEntitlement[p][role]) ++decreases;
                _lastEntitlement[p][role] = entitlement;
            }
        }
    }

    /// @dev Everything product `p` has earned `role`, from the model's totals: the fees for the platform, and for
    /// each party its own floor of the net total.
    function _modelEarned(uint256 p, uint256 role) private view returns (uint256) {
        if (role == uint8(IDataLicensing.Role.Platform)) return _platformTotal[p];
        uint256 bps;
        if (role == uint8(IDataLicensing.Role.City)) {
            bps = _products[p].cityBps;
        } else if (role == uint8(IDataLicensing.Role.Provider)) {
            bps = _products[p].providerBps;
        } else {
            bps = _BPS - _products[p].cityBps - _products[p].providerBps;
        }
        return (_netTotal[p] * bps) / _BPS;
    }

    function _recipientOf(uint256 role) private view returns (address) {
        if (role == uint8(IDataLicensing.Role.Platform)) return treasury;
        if (role == uint8(IDataLicensing.Role.City)) return city;
        if (role == uint8(IDataLicensing.Role.Provider)) return provider;
        return contributors;
    }

    /// @dev One time in eight one wei below the price (refused; unless the price is 0), otherwise up to 999 wei
    /// above it.
    function _maxPrice(uint256 price, uint256 seed) private pure returns (uint256) {
        return seed % 8 == 0 && price != 0 ? price - 1 : price + (seed % 1_000);
    }

    /// @dev A new price: a quarter of the time tiny (0..300 wei, 0 included), otherwise up to about 10^8 wei.
    function _newPrice(uint256 seed) private pure returns (uint96) {
        return uint96(seed % 4 == 0 ? (seed >> 8) % 301 : 1_000 + ((seed >> 8) % 100_000_000));
    }

    /// @dev A new period: perpetual, a day, a week or a month.
    function _newPeriod(uint256 seed) private pure returns (uint64) {
        uint256 choice = seed % 4;
        if (choice == 0) return 0;
        if (choice == 1) return 1 days;
        if (choice == 2) return 7 days;
        return 30 days;
    }

    function _fund(address buyer, uint256 amount) private {
        uint256 balance = token.balanceOf(buyer);
        if (balance < amount) token.mint(buyer, amount - balance);
    }

    function _error(bytes4 selector, uint256 a) private pure returns (bytes memory) {
        return abi.encodeWithSelector(selector, a);
    }

    function _error(bytes4 selector, uint256 a, uint256 b) private pure returns (bytes memory) {
        return abi.encodeWithSelector(selector, a, b);
    }

    function _pick(uint256 p, uint256 b, uint256 u) private pure returns (uint256, uint256, uint256) {
        return (p % PRODUCTS, b % BUYERS, u % PURPOSES);
    }

    function _index(uint256 p, uint256 b, uint256 u) private pure returns (uint256) {
        return (p * BUYERS + b) * PURPOSES + u;
    }

    function _labelled(string memory label) private pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("DataLicensingHandler", label)))));
    }
}

/// @notice Handler-based invariant tests of DataLicensing's money and licences: after any sequence of
/// purchases, renewals, cancellations, revocations, withdrawals, terms updates, fee changes and time warps, the
/// contract holds exactly what it owes plus the rounding remainders it carries, everything paid in is withdrawn,
/// owed or carried, and every licence is valid exactly when the model says so.
contract DataLicensingInvariantTest is InvariantBase {
    DataLicensing internal _licensing;
    MockERC20 internal _token;
    DataLicensingHandler internal _handler;

    // The handler's fixed world, copied once: invariants run after every call, so they avoid extra calls.
    uint256[] internal _productIds;
    address[] internal _buyers;
    bytes32[] internal _purposes;

    function setUp() public {
        VM.warp(1_750_000_000);
        _handler = new DataLicensingHandler();
        _licensing = _handler.licensing();
        _token = _handler.token();
        (_productIds, _buyers, _purposes) = _handler.world();
        _targetContract(address(_handler));
    }

    /// @notice (i) Recorded equals held: the token balance is everything owed plus every product's carried
    /// remainder, to the wei.
    function invariant_heldEqualsOwedPlusCarried() public view {
        (uint256 owed, uint256 carried) = _totals();
        _assertEq(_token.balanceOf(address(_licensing)), owed + carried, "balance != sum of owed + carried");
    }

    /// @notice (ii) Everything paid in (the sum of the sales' prices) is withdrawn, owed or carried; and the sales'
    /// `Sale` breakdowns plus what is carried add up to it exactly.
    function invariant_paidEqualsWithdrawnPlusOwedPlusCarried() public view {
        (uint256 owed, uint256 carried) = _totals();
        uint256 sales = _handler.ghostSales();
        _assertEq(sales, _handler.ghostWithdrawn() + owed + carried, "paid != withdrawn + owed + carried");
        _assertEq(_handler.ghostSaleShares() + carried, sales, "sum of Sale breakdowns + carried != paid");
    }

    /// @notice What each product owes each role, and the remainder it carries, equal the model's own floors of its
    /// running totals; the remainder is at most 2 wei (at most 1 where the contributors' share is 0%).
    function invariant_owedAndCarriedMatchModel() public view {
        for (uint256 p = 0; p < _productIds.length; ++p) {
            uint256[4] memory owed = _licensing.owed(_productIds[p]);
            uint256[4] memory expected = _handler.modelOwed(p);
            for (uint256 role = 0; role < 4; ++role) _assertEq(owed[role], expected[role], "owed != model");
            uint256 carried = _licensing.carriedRemainder(_productIds[p]);
            _assertEq(carried, _handler.modelCarried(p), "carriedRemainder != model");
            (IDataLicensing.Product memory product, ) = _licensing.getProduct(_productIds[p]);
            _assertTrue(
                carried <= (uint256(product.cityBps) + product.providerBps == 10_000 ? 1 : 2),
                "carried remainder above its bound"
            );
        }
    }

    /// @notice (iii) `isLicensed` (and the stored licence) agrees with the model for every tracked licence.
    function invariant_licencesMatchModel() public view {
        DataLicensingHandler.ModelLicence[] memory model = _handler.modelLicences();
        uint256 k = 0;
        for (uint256 p = 0; p < _productIds.length; ++p) {
            for (uint256 b = 0; b < _buyers.length; ++b) {
                for (uint256 u = 0; u < _purposes.length; ++u) {
                    DataLicensingHandler.ModelLicence memory expected = model[k];
                    bool valid =
                        expected.status == IDataLicensing.LicenceStatus.Active && block.timestamp <= expected.expiresAt;
                    _assertEq(
                        _licensing.isLicensed(_productIds[p], _buyers[b], _purposes[u]),
                        valid,
                        "isLicensed != model"
                    );
                    IDataLicensing.Licence memory stored = _licensing.getLicence(
                        _productIds[p],
                        _buyers[b],
                        _purposes[u]
                    );
                    _assertEq(uint256(stored.status), uint256(expected.status), "stored status != model");
                    _assertEq(stored.expiresAt, expected.expiresAt, "stored expiry != model");
                    _assertEq(stored.termsVersion, expected.termsVersion, "stored terms version != model");
                    ++k;
                }
            }
        }
    }

    /// @notice Every action succeeded or failed (with the exact error) as the model predicted, every sale's `Sale`
    /// breakdown was the model's, and no party's entitlement ever decreased.
    function invariant_outcomesMatchModel() public view {
        _assertEq(_handler.mismatches(), 0, "an action's outcome differed from the model");
        _assertEq(_handler.breakdownMismatches(), 0, "a sale's Sale breakdown differed from the model");
        _assertEq(_handler.decreases(), 0, "an entitlement (owed + withdrawn) decreased");
    }

    /// @dev Everything owed, and everything carried, over the products.
    function _totals() private view returns (uint256 owed, uint256 carried) {
        for (uint256 p = 0; p < _productIds.length; ++p) {
            uint256[4] memory amounts = _licensing.owed(_productIds[p]);
            owed += amounts[0] + amounts[1] + amounts[2] + amounts[3];
            carried += _licensing.carriedRemainder(_productIds[p]);
        }
    }
}
