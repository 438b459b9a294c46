// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DataLicensing} from "../../contracts/licensing/DataLicensing.sol";
import {IDataLicensing} from "../../contracts/interfaces/IDataLicensing.sol";
import {RevenueSplit} from "../../contracts/libraries/RevenueSplit.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {InvariantBase} from "./utils/InvariantBase.sol";
import {VM} from "./utils/Vm.sol";

/// @notice Drives a real DataLicensing, paid in a MockERC20, with random purchases, renewals, cancellations,
/// withdrawals by role, platform fee changes and time warps, over a small fixed world (3 products with
/// different splits, prices and periods; 3 buyers; 2 purposes), and keeps a ghost model of the money and of
/// every licence.
/// @dev The model computes every party's entitlement from its own running totals, so the contract's
/// accounting is checked against a plain statement of the rules. Every action predicts success or the exact
/// error; a wrong prediction counts in `mismatches`, which must stay zero. No offers, revocations or pauses.
/// The products' splits leave the contributors at least 10% and prices are far above 20 wei, so the
/// negative-contributors-share defect pinned in RevenueSplit.t.sol (a split of exactly 100%) is not reached.
contract DataLicensingHandler {
    uint256 public constant PRODUCTS = 3;
    uint256 public constant BUYERS = 3;
    uint256 public constant PURPOSES = 2;
    uint256 internal constant _ROLES = 4;
    uint256 internal constant _MAX_WARP = 20 days;
    uint256 internal constant _FEE_CAP = 1_000;

    /// @notice What the model says about one licence.
    struct ModelLicence {
        IDataLicensing.LicenceStatus status;
        uint64 expiresAt;
    }

    /// @notice A product's fixed terms, as published.
    struct ModelProduct {
        uint256 id;
        uint96 price;
        uint64 period;
        bool renewable;
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
    uint16 private _feeBps;

    /// @notice Sum of the prices of every licence issued (what the LicenceIssued events' sales add up to).
    uint256 public ghostSales;
    /// @notice Sum of every withdrawal paid.
    uint256 public ghostWithdrawn;
    /// @notice Actions whose outcome differed from the model's prediction.
    uint256 public mismatches;
    /// @notice Successful state changes, and refusals correctly predicted (to see the campaign work).
    uint256 public changes;
    uint256 public refusals;

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
        uint32 partiesId = licensing.registerParties(city, contributors);
        // A renewable monthly subscription; a perpetual licence; a weekly licence bought again, not renewed.
        _publish(0, partiesId, 1_000_003, 30 days, true, 2_000, 3_000);
        _publish(1, partiesId, 777_777, 0, false, 3_333, 3_333);
        _publish(2, partiesId, 12_345_679, 7 days, false, 1, 8_999);
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
        } else if (licence.status == IDataLicensing.LicenceStatus.Active && block.timestamp <= licence.expiresAt) {
            expected = abi.encodeWithSelector(
                IDataLicensing.DataLicensingAlreadyLicensed.selector,
                licenceId,
                licence.expiresAt
            );
        }

        _fund(buyer, product.price);
        VM.prank(buyer);
        try licensing.buy(product.id, _purposes[u], maxPrice) returns (bytes32 issued) {
            // An unpredicted success still happened: count it, and record it so the ghosts follow the contract.
            if (expected.length != 0 || issued != licenceId) ++mismatches;
            _recordSale(p, product.price);
            licence.status = IDataLicensing.LicenceStatus.Active;
            licence.expiresAt = product.period == 0 ? type(uint64).max : uint64(block.timestamp + product.period);
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    function renew(uint256 p, uint256 b, uint256 u, uint256 maxPriceSeed) external {
        (p, b, u) = _pick(p, b, u);
        ModelProduct memory product = _products[p];
        ModelLicence storage licence = _licences[_index(p, b, u)];
        address buyer = _buyers[b];
        uint256 maxPrice = _maxPrice(product.price, maxPriceSeed);

        bytes memory expected;
        if (!product.renewable || product.period == 0) {
            expected = _error(IDataLicensing.DataLicensingNotRenewable.selector, product.id);
        } else if (licence.status != IDataLicensing.LicenceStatus.Active) {
            expected = abi.encodeWithSelector(
                IDataLicensing.DataLicensingNoActiveLicence.selector,
                licensing.licenceIdOf(product.id, buyer, _purposes[u])
            );
        } else if (product.price > maxPrice) {
            expected = _error(IDataLicensing.DataLicensingPriceAboveLimit.selector, product.price, maxPrice);
        }

        _fund(buyer, product.price);
        VM.prank(buyer);
        try licensing.renew(product.id, _purposes[u], maxPrice) returns (uint64 newExpiry) {
            uint256 from = licence.expiresAt > block.timestamp ? licence.expiresAt : block.timestamp;
            if (expected.length != 0 || newExpiry != from + product.period) ++mismatches;
            _recordSale(p, product.price);
            licence.expiresAt = newExpiry;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
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
                termsHash: keccak256(abi.encode("terms", p))
            })
        );
        _products[p] = ModelProduct({
            id: id,
            price: price,
            period: period,
            renewable: renewable,
            cityBps: cityBps,
            providerBps: providerBps
        });
    }

    function _recordSale(uint256 p, uint256 price) private {
        uint256 fee = (price * _feeBps) / RevenueSplit.BPS;
        _platformTotal[p] += fee;
        _netTotal[p] += price - fee;
        ghostSales += price;
    }

    /// @dev Everything product `p` has earned `role`, from the model's totals: floors of the net total for the
    /// city and the provider, the rest for the contributors, the fees for the platform.
    function _modelEarned(uint256 p, uint256 role) private view returns (uint256) {
        if (role == uint8(IDataLicensing.Role.Platform)) return _platformTotal[p];
        uint256 net = _netTotal[p];
        uint256 cityShare = (net * _products[p].cityBps) / RevenueSplit.BPS;
        if (role == uint8(IDataLicensing.Role.City)) return cityShare;
        uint256 providerShare = (net * _products[p].providerBps) / RevenueSplit.BPS;
        if (role == uint8(IDataLicensing.Role.Provider)) return providerShare;
        return net - cityShare - providerShare;
    }

    function _recipientOf(uint256 role) private view returns (address) {
        if (role == uint8(IDataLicensing.Role.Platform)) return treasury;
        if (role == uint8(IDataLicensing.Role.City)) return city;
        if (role == uint8(IDataLicensing.Role.Provider)) return provider;
        return contributors;
    }

    /// @dev One time in eight one wei below the price (refused), otherwise up to 999 wei above it.
    function _maxPrice(uint256 price, uint256 seed) private pure returns (uint256) {
        return seed % 8 == 0 ? price - 1 : price + (seed % 1_000);
    }

    function _fund(address buyer, uint256 amount) private {
        uint256 balance = token.balanceOf(buyer);
        if (balance < amount) token.mint(buyer, amount - balance);
    }

    /// @dev A refusal is as predicted only if one was predicted (`expected` non-empty) and the data match.
    function _expectError(bytes memory reason, bytes memory expected) private {
        if (expected.length != 0 && keccak256(reason) == keccak256(expected)) {
            ++refusals;
        } else {
            ++mismatches;
        }
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
/// purchases, renewals, cancellations, withdrawals, fee changes and time warps, the contract holds exactly
/// what it owes, everything paid in is either withdrawn or owed, and every licence is valid exactly when the
/// model says so.
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

    /// @notice (i) Recorded equals held: the token balance is the sum of everything owed, to the wei.
    function invariant_heldEqualsOwed() public view {
        _assertEq(_token.balanceOf(address(_licensing)), _totalOwed(), "balance != sum of owed");
    }

    /// @notice (ii) Everything paid in (the sum of the sales' prices) is withdrawn or still owed.
    function invariant_paidEqualsWithdrawnPlusOwed() public view {
        _assertEq(_handler.ghostSales(), _handler.ghostWithdrawn() + _totalOwed(), "paid != withdrawn + owed");
    }

    /// @notice What each product owes each role equals the model's own split of its running totals.
    function invariant_owedMatchesModel() public view {
        for (uint256 p = 0; p < _productIds.length; ++p) {
            uint256[4] memory owed = _licensing.owed(_productIds[p]);
            uint256[4] memory expected = _handler.modelOwed(p);
            for (uint256 role = 0; role < 4; ++role) _assertEq(owed[role], expected[role], "owed != model");
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
                    ++k;
                }
            }
        }
    }

    /// @notice Every action succeeded or failed (with the exact error) as the model predicted.
    function invariant_outcomesMatchModel() public view {
        _assertEq(_handler.mismatches(), 0, "an action's outcome differed from the model");
    }

    function _totalOwed() private view returns (uint256 total) {
        for (uint256 p = 0; p < _productIds.length; ++p) {
            uint256[4] memory owed = _licensing.owed(_productIds[p]);
            total += owed[0] + owed[1] + owed[2] + owed[3];
        }
    }
}
