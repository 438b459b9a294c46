// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDataLicensing} from "../interfaces/IDataLicensing.sol";
import {IRevenuePool} from "../interfaces/IRevenuePool.sol";
import {RevenueSplit} from "../libraries/RevenueSplit.sol";

/// @title DataLicensing
/// @notice Data products and purpose-bound, non-transferable licences. See {IDataLicensing}.
/// @dev Storage is shaped by the cost of a sale. A sale reads the product's two slots, the purpose flag and the
/// platform fee, writes the licence (one slot) and one revenue slot per product: the running totals of what
/// was paid after the platform fee, and of platform fees. Each party's entitlement is derived from those
/// totals with {RevenueSplit}, using shares fixed at publication. The parties' addresses live in a record
/// the provider registers once; a sale never reads it.
///
/// A product that names a revenue pool is split by the pool instead: the buyer's payment goes straight to the
/// RevenuePool contract and the pool credits it, so such a sale writes no revenue slot here.
contract DataLicensing is IDataLicensing, Ownable2Step, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev Running totals of one product's revenue.
    struct Revenue {
        uint128 net;
        uint128 platform;
    }

    /// @notice The highest platform fee the owner can set: 10%.
    uint16 public constant MAX_PLATFORM_FEE_BPS = 1_000;

    bytes32 private constant _OFFER_TYPEHASH = keccak256(
        "Offer(uint256 productId,address buyer,bytes32 purpose,uint96 price,uint64 period,uint32 termsVersion,"
        "uint256 nonce,uint256 deadline)"
    );

    mapping(uint256 productId => Product) private _products;
    mapping(uint256 productId => mapping(bytes32 purpose => bool)) private _allowedPurposes;
    mapping(uint256 productId => address) private _arbiters;
    mapping(uint256 productId => Revenue) private _revenue;
    mapping(uint256 productId => uint128[4] withdrawnByRole) private _withdrawn;
    mapping(uint32 partiesId => Parties) private _parties;
    mapping(bytes32 partiesHash => uint32 partiesId) private _partiesIds;
    mapping(bytes32 licenceId => Licence) private _licences;
    mapping(uint256 productId => mapping(address seeker => mapping(bytes32 purpose => bool))) private _eligible;
    mapping(bytes32 offerHash => bool) private _usedOffers;
    uint256 private _productCount;
    uint32 private _partiesCount;
    uint16 private _platformFeeBps;
    address private _platformTreasury;
    IRevenuePool private _revenuePool;

    constructor(
        address initialOwner,
        address treasury,
        uint16 feeBps
    ) Ownable(initialOwner) EIP712("DataLicensing", "1") {
        _setPlatformTreasury(treasury);
        _setPlatformFee(feeBps);
    }

    /// @inheritdoc IDataLicensing
    function registerParties(address city, address contributors) external returns (uint32 partiesId) {
        if (city == address(0) || contributors == address(0)) revert DataLicensingZeroAddress();
        bytes32 partiesHash = keccak256(abi.encode(msg.sender, city, contributors));
        partiesId = _partiesIds[partiesHash];
        if (partiesId != 0) return partiesId;
        partiesId = ++_partiesCount;
        _partiesIds[partiesHash] = partiesId;
        _parties[partiesId] = Parties({provider: msg.sender, city: city, contributors: contributors});
        emit PartiesRegistered(partiesId, msg.sender, city, contributors);
    }

    /// @inheritdoc IDataLicensing
    function publish(ProductParams calldata params) external returns (uint256 productId) {
        address provider = _parties[params.partiesId].provider;
        if (provider == address(0)) revert DataLicensingUnknownParties(params.partiesId);
        if (provider != msg.sender) revert DataLicensingNotProvider(msg.sender, provider);
        if (uint256(params.cityBps) + params.providerBps > RevenueSplit.BPS) {
            revert DataLicensingInvalidSplit(params.cityBps, params.providerBps);
        }
        if (params.purposes.length == 0) revert DataLicensingInvalidPurposes();
        if (params.termsHash == bytes32(0)) revert DataLicensingMissingTermsHash();
        if (params.consentGrantee == address(0)) revert DataLicensingZeroAddress();
        if (params.poolId != 0) _checkPool(params);

        productId = ++_productCount;
        Product memory product = Product({
            token: params.token,
            price: params.price,
            partiesId: params.partiesId,
            period: params.period,
            termsVersion: 1,
            cityBps: params.cityBps,
            providerBps: params.providerBps,
            renewable: params.renewable,
            paused: false,
            purposeCount: 0,
            poolId: params.poolId
        });
        _products[productId] = product;
        _setPurposes(productId, params.purposes, true);
        product.purposeCount = _products[productId].purposeCount;
        emit ProductPublished(
            productId,
            msg.sender,
            params.partiesId,
            product,
            params.purposes,
            params.consentGrantee,
            params.metadataURI,
            params.termsHash
        );
    }

    /// @inheritdoc IDataLicensing
    function updateTerms(uint256 productId, TermsUpdate calldata update) external returns (uint32 termsVersion) {
        Product storage product = _productOfProvider(productId);
        if (update.termsHash == bytes32(0)) revert DataLicensingMissingTermsHash();
        termsVersion = product.termsVersion + 1;
        product.termsVersion = termsVersion;
        product.price = update.price;
        product.period = update.period;
        product.renewable = update.renewable;
        _setPurposes(productId, update.allowPurposes, true);
        _setPurposes(productId, update.disallowPurposes, false);
        if (product.purposeCount == 0) revert DataLicensingInvalidPurposes();
        emit TermsUpdated(
            productId,
            termsVersion,
            update.price,
            update.period,
            update.renewable,
            update.allowPurposes,
            update.disallowPurposes,
            update.metadataURI,
            update.termsHash
        );
    }

    /// @inheritdoc IDataLicensing
    function setPaused(uint256 productId, bool paused) external {
        _productOfProvider(productId).paused = paused;
        emit ProductPaused(productId, paused);
    }

    /// @inheritdoc IDataLicensing
    function setArbiter(uint256 productId, address arbiter) external {
        _productOfProvider(productId);
        _arbiters[productId] = arbiter;
        emit ArbiterSet(productId, arbiter);
    }

    /// @inheritdoc IDataLicensing
    function setEligibility(uint256 productId, address seeker, bytes32 purpose, bool eligible) external {
        _productOfProvider(productId);
        if (seeker == address(0)) revert DataLicensingZeroAddress();
        _eligible[productId][seeker][purpose] = eligible;
        emit EligibilitySet(productId, seeker, purpose, eligible);
    }

    /// @inheritdoc IDataLicensing
    function buy(
        uint256 productId,
        bytes32 purpose,
        uint256 maxPrice
    ) external payable nonReentrant returns (bytes32 licenceId) {
        return _buy(productId, purpose, maxPrice);
    }

    /// @inheritdoc IDataLicensing
    function buyWithPermit(
        uint256 productId,
        bytes32 purpose,
        uint256 maxPrice,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (bytes32 licenceId) {
        address token = _products[productId].token;
        if (token == address(0)) {
            _existingProduct(productId); // an unknown product is reported as such
            revert DataLicensingPermitUnsupported(productId);
        }
        // A permit already used (for instance front-run by someone who saw it) reverts; the allowance it set
        // is then in place, so the purchase goes on, and fails cleanly if the allowance is not enough.
        try IERC20Permit(token).permit(msg.sender, address(this), maxPrice, permitDeadline, v, r, s) {} catch {}
        return _buy(productId, purpose, maxPrice);
    }

    /// @inheritdoc IDataLicensing
    function renew(
        uint256 productId,
        bytes32 purpose,
        uint256 maxPrice
    ) external payable nonReentrant returns (uint64 newExpiry) {
        Product storage product = _saleableProduct(productId, purpose);
        if (!product.renewable || product.period == 0) revert DataLicensingNotRenewable(productId);
        bytes32 licenceId = licenceIdOf(productId, msg.sender, purpose);
        Licence storage licence = _licences[licenceId];
        if (licence.status == LicenceStatus.Revoked) revert DataLicensingLicenceRevoked(licenceId);
        if (licence.status != LicenceStatus.Active) revert DataLicensingNoActiveLicence(licenceId);
        if (licence.expiresAt == type(uint64).max) revert DataLicensingNotRenewable(productId);
        if (product.price > maxPrice) revert DataLicensingPriceAboveLimit(product.price, maxPrice);

        uint256 from = licence.expiresAt > block.timestamp ? licence.expiresAt : block.timestamp;
        newExpiry = (from + product.period).toUint64();
        _sell(licenceId, productId, product, purpose, Model.Renewal, newExpiry, product.price);
    }

    /// @inheritdoc IDataLicensing
    function acceptOffer(
        Offer calldata offer,
        bytes calldata signature
    ) external payable nonReentrant returns (bytes32 licenceId) {
        if (offer.buyer != msg.sender) revert DataLicensingWrongBuyer(offer.buyer, msg.sender);
        if (block.timestamp > offer.deadline) revert DataLicensingOfferExpired(offer.deadline);
        bytes32 hash = _offerHash(offer);
        if (_usedOffers[hash]) revert DataLicensingOfferUsed(hash);
        Product storage product = _saleableProduct(offer.productId, offer.purpose);
        if (offer.termsVersion != product.termsVersion) {
            revert DataLicensingOfferTermsChanged(offer.termsVersion, product.termsVersion);
        }
        address provider = _parties[product.partiesId].provider;
        if (!SignatureChecker.isValidSignatureNowCalldata(provider, hash, signature)) {
            revert DataLicensingInvalidOfferSignature(provider);
        }
        _usedOffers[hash] = true;

        licenceId = licenceIdOf(offer.productId, msg.sender, offer.purpose);
        _checkObtainable(licenceId);
        _sell(licenceId, offer.productId, product, offer.purpose, Model.Offer, _expiryAfter(offer.period), offer.price);
    }

    /// @inheritdoc IDataLicensing
    function cancelOffer(Offer calldata offer) external {
        _productOfProvider(offer.productId);
        bytes32 hash = _offerHash(offer);
        if (_usedOffers[hash]) revert DataLicensingOfferUsed(hash);
        _usedOffers[hash] = true;
        emit OfferCancelled(hash, offer.productId);
    }

    /// @inheritdoc IDataLicensing
    function claimPublicInterest(uint256 productId, bytes32 purpose) external returns (bytes32 licenceId) {
        Product storage product = _saleableProduct(productId, purpose);
        if (!_eligible[productId][msg.sender][purpose]) {
            revert DataLicensingNotEligible(productId, msg.sender, purpose);
        }
        licenceId = licenceIdOf(productId, msg.sender, purpose);
        _checkObtainable(licenceId);
        Sale memory noPayment;
        _issue(
            licenceId,
            productId,
            purpose,
            Model.PublicInterest,
            product.termsVersion,
            _expiryAfter(product.period),
            noPayment
        );
    }

    /// @inheritdoc IDataLicensing
    function cancel(uint256 productId, bytes32 purpose) external {
        _existingProduct(productId);
        bytes32 licenceId = licenceIdOf(productId, msg.sender, purpose);
        Licence storage licence = _licences[licenceId];
        if (licence.status != LicenceStatus.Active) revert DataLicensingNoActiveLicence(licenceId);
        licence.status = LicenceStatus.Cancelled;
        emit LicenceCancelled(productId, msg.sender, purpose);
    }

    /// @inheritdoc IDataLicensing
    function revoke(
        uint256 productId,
        address licensee,
        bytes32 purpose,
        string calldata reason,
        bytes32 evidenceHash,
        uint256 refund
    ) external payable nonReentrant {
        Product storage product = _existingProduct(productId);
        address provider = _parties[product.partiesId].provider;
        if (msg.sender != provider && (msg.sender != _arbiters[productId] || msg.sender == address(0))) {
            revert DataLicensingNotProviderOrArbiter(msg.sender, productId);
        }
        bytes32 licenceId = licenceIdOf(productId, licensee, purpose);
        Licence storage licence = _licences[licenceId];
        if (licence.status != LicenceStatus.Active) revert DataLicensingNoActiveLicence(licenceId);
        licence.status = LicenceStatus.Revoked;
        emit LicenceRevoked(productId, licensee, purpose, msg.sender, reason, evidenceHash, refund);

        if (refund == 0) {
            if (msg.value != 0) revert DataLicensingUnexpectedValue(msg.value);
            return;
        }
        if (msg.sender != provider) revert DataLicensingRefundByProviderOnly(msg.sender);
        if (product.token == address(0)) {
            if (msg.value != refund) revert DataLicensingRefundMismatch(msg.value, refund);
            _sendNative(licensee, refund);
        } else {
            if (msg.value != 0) revert DataLicensingUnexpectedValue(msg.value);
            IERC20(product.token).safeTransferFrom(provider, licensee, refund);
        }
    }

    /// @inheritdoc IDataLicensing
    function withdraw(uint256 productId, Role role) external nonReentrant returns (uint256 amount) {
        Product storage product = _existingProduct(productId);
        uint256 total = _earned(productId, product, role);
        uint128[4] storage withdrawn = _withdrawn[productId];
        amount = total - withdrawn[uint8(role)];
        if (amount == 0) revert DataLicensingNothingToWithdraw(productId, role);
        withdrawn[uint8(role)] = total.toUint128();

        address to = _recipient(product.partiesId, role);
        emit RevenueWithdrawn(productId, role, to, amount);
        if (product.token == address(0)) {
            _sendNative(to, amount);
        } else {
            IERC20(product.token).safeTransfer(to, amount);
        }
    }

    /// @inheritdoc IDataLicensing
    function setPlatformFee(uint16 feeBps) external onlyOwner {
        _setPlatformFee(feeBps);
    }

    /// @inheritdoc IDataLicensing
    function setPlatformTreasury(address treasury) external onlyOwner {
        _setPlatformTreasury(treasury);
    }

    /// @inheritdoc IDataLicensing
    function setRevenuePool(address pool) external onlyOwner {
        if (pool == address(0)) revert DataLicensingZeroAddress();
        address current = address(_revenuePool);
        if (current != address(0)) revert DataLicensingRevenuePoolAlreadySet(current);
        _revenuePool = IRevenuePool(pool);
        emit RevenuePoolSet(pool);
    }

    /// @inheritdoc IDataLicensing
    function revenuePool() external view returns (address) {
        return address(_revenuePool);
    }

    /// @inheritdoc IDataLicensing
    function isLicensed(uint256 productId, address licensee, bytes32 purpose) external view returns (bool) {
        Licence memory licence = _licences[licenceIdOf(productId, licensee, purpose)];
        return licence.status == LicenceStatus.Active && block.timestamp <= licence.expiresAt;
    }

    /// @inheritdoc IDataLicensing
    function getLicence(uint256 productId, address licensee, bytes32 purpose) external view returns (Licence memory) {
        return _licences[licenceIdOf(productId, licensee, purpose)];
    }

    /// @inheritdoc IDataLicensing
    function expiresAt(bytes32 licenceId) external view returns (uint64) {
        return _licences[licenceId].expiresAt;
    }

    /// @inheritdoc IDataLicensing
    function getProduct(uint256 productId) external view returns (Product memory product, Parties memory parties) {
        product = _existingProduct(productId);
        parties = _parties[product.partiesId];
    }

    /// @inheritdoc IDataLicensing
    function getParties(uint32 partiesId) external view returns (Parties memory parties) {
        parties = _parties[partiesId];
        if (parties.provider == address(0)) revert DataLicensingUnknownParties(partiesId);
    }

    /// @inheritdoc IDataLicensing
    function isPurposeAllowed(uint256 productId, bytes32 purpose) external view returns (bool) {
        return _allowedPurposes[productId][purpose];
    }

    /// @inheritdoc IDataLicensing
    function carriedRemainder(uint256 productId) external view returns (uint256) {
        Product storage product = _existingProduct(productId);
        uint256 assigned = 0;
        for (uint8 role = uint8(Role.City); role <= uint8(Role.Contributors); ++role) {
            assigned += _earned(productId, product, Role(role));
        }
        return _revenue[productId].net - assigned;
    }

    /// @inheritdoc IDataLicensing
    function arbiterOf(uint256 productId) external view returns (address) {
        _existingProduct(productId);
        return _arbiters[productId];
    }

    /// @inheritdoc IDataLicensing
    function owed(uint256 productId) external view returns (uint256[4] memory amounts) {
        Product storage product = _existingProduct(productId);
        uint128[4] storage withdrawn = _withdrawn[productId];
        for (uint8 role = 0; role < 4; ++role) {
            amounts[role] = _earned(productId, product, Role(role)) - withdrawn[role];
        }
    }

    /// @inheritdoc IDataLicensing
    function isEligible(uint256 productId, address seeker, bytes32 purpose) external view returns (bool) {
        return _eligible[productId][seeker][purpose];
    }

    /// @inheritdoc IDataLicensing
    function offerHash(Offer calldata offer) external view returns (bytes32) {
        return _offerHash(offer);
    }

    /// @inheritdoc IDataLicensing
    function isOfferUsed(bytes32 hash) external view returns (bool) {
        return _usedOffers[hash];
    }

    /// @inheritdoc IDataLicensing
    function platformFeeBps() external view returns (uint16) {
        return _platformFeeBps;
    }

    /// @inheritdoc IDataLicensing
    function platformTreasury() external view returns (address) {
        return _platformTreasury;
    }

    /// @inheritdoc IDataLicensing
    function productCount() external view returns (uint256) {
        return _productCount;
    }

    /// @inheritdoc IDataLicensing
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    /// @inheritdoc IDataLicensing
    function licenceIdOf(uint256 productId, address licensee, bytes32 purpose) public pure returns (bytes32) {
        return keccak256(abi.encode(productId, licensee, purpose));
    }

    /// @dev A purchase at the product's price, shared by {buy} and {buyWithPermit}.
    function _buy(uint256 productId, bytes32 purpose, uint256 maxPrice) private returns (bytes32 licenceId) {
        Product storage product = _saleableProduct(productId, purpose);
        uint96 price = product.price;
        if (price > maxPrice) revert DataLicensingPriceAboveLimit(price, maxPrice);
        licenceId = licenceIdOf(productId, msg.sender, purpose);
        _checkObtainable(licenceId);
        _sell(licenceId, productId, product, purpose, Model.Purchase, _expiryAfter(product.period), price);
    }

    /// @dev Writes an active licence and emits {LicenceIssued}.
    function _issue(
        bytes32 licenceId,
        uint256 productId,
        bytes32 purpose,
        Model model,
        uint32 termsVersion,
        uint64 expiry,
        Sale memory sale
    ) private {
        _licences[licenceId] = Licence({expiresAt: expiry, termsVersion: termsVersion, status: LicenceStatus.Active});
        emit LicenceIssued(productId, msg.sender, purpose, model, termsVersion, expiry, sale);
    }

    /// @dev A paid licence: takes `amount` from the caller in the product's token, credits it to the product's
    /// parties, writes the licence, and last of all refunds any excess native coin.
    function _sell(
        bytes32 licenceId,
        uint256 productId,
        Product storage product,
        bytes32 purpose,
        Model model,
        uint64 expiry,
        uint96 amount
    ) private {
        uint256 excess;
        address token = product.token;
        if (token == address(0)) {
            if (msg.value < amount) revert DataLicensingInsufficientPayment(msg.value, amount);
            excess = msg.value - amount;
        } else if (msg.value != 0) {
            revert DataLicensingUnexpectedValue(msg.value);
        }
        uint64 poolId = product.poolId;
        if (poolId != 0) {
            _issue(
                licenceId,
                productId,
                purpose,
                model,
                product.termsVersion,
                expiry,
                _creditPool(token, poolId, amount)
            );
            if (excess != 0) _sendNative(msg.sender, excess);
            return;
        }
        if (token != address(0) && amount != 0) _pullExactly(IERC20(token), address(this), amount);
        Sale memory sale = _credit(productId, product, amount);
        _issue(licenceId, productId, purpose, model, product.termsVersion, expiry, sale);
        if (excess != 0) _sendNative(msg.sender, excess);
    }

    /// @dev Transfers `amount` from the caller to `to`, and refuses tokens that deliver less (fee on transfer).
    function _pullExactly(IERC20 token, address to, uint256 amount) private {
        uint256 balanceBefore = token.balanceOf(to);
        token.safeTransferFrom(msg.sender, to, amount);
        uint256 received = token.balanceOf(to) - balanceBefore;
        if (received < amount) revert DataLicensingTransferShortfall(amount, received);
    }

    /// @dev A pool product's sale: the payment goes from the buyer to the RevenuePool contract (native coin: with
    /// the call), which splits it by the pool's shares and reports the split.
    function _creditPool(address token, uint64 poolId, uint96 amount) private returns (Sale memory sale) {
        if (amount == 0) return sale;
        IRevenuePool pool = _revenuePool;
        uint256 value;
        if (token == address(0)) {
            value = amount;
        } else {
            _pullExactly(IERC20(token), address(pool), amount);
        }
        IRevenuePool.Split memory split = pool.creditSale{value: value}(poolId, amount);
        sale.price = amount;
        sale.platformFee = split.platform;
        sale.cityShare = split.city;
        sale.providerShare = split.provider;
        sale.contributorsShare = split.contributors;
    }

    /// @dev Reverts unless a product being published can pay into the pool it names.
    function _checkPool(ProductParams calldata params) private view {
        IRevenuePool pool = _revenuePool;
        if (address(pool) == address(0)) revert DataLicensingNoRevenuePool();
        IRevenuePool.Pool memory terms = pool.getPool(params.poolId);
        Parties storage parties = _parties[params.partiesId];
        PoolMismatch reason;
        if (terms.provider != msg.sender) reason = PoolMismatch.Provider;
        else if (terms.token != params.token) reason = PoolMismatch.Token;
        else if (parties.city != terms.city) reason = PoolMismatch.City;
        else if (parties.contributors != address(pool)) reason = PoolMismatch.Contributors;
        else if (params.cityBps != 0 || params.providerBps != 0) reason = PoolMismatch.Split;
        else return;
        revert DataLicensingPoolMismatch(params.poolId, reason);
    }

    /// @dev Splits `amount` into the platform fee and the product's shares, adding it to the running totals.
    function _credit(uint256 productId, Product storage product, uint96 amount) private returns (Sale memory sale) {
        if (amount == 0) return sale;
        Revenue memory revenue = _revenue[productId];
        uint256 platformFee;
        uint256 netBefore = revenue.net;
        uint256 netAfter;
        // Cannot overflow: amount < 2^96 and the fee is at most 10% of it, so net <= amount; netBefore < 2^128,
        // so netAfter < 2^129, and it is checked into 128 bits below.
        unchecked {
            platformFee = (uint256(amount) * _platformFeeBps) / RevenueSplit.BPS;
            netAfter = netBefore + (amount - platformFee);
        }
        _revenue[productId] = Revenue({
            net: netAfter.toUint128(),
            platform: (revenue.platform + platformFee).toUint128()
        });

        uint256 cityBps = product.cityBps;
        uint256 providerBps = product.providerBps;
        sale.price = amount;
        sale.platformFee = platformFee;
        sale.cityShare = RevenueSplit.shareOfIncrease(netBefore, netAfter, cityBps);
        sale.providerShare = RevenueSplit.shareOfIncrease(netBefore, netAfter, providerBps);
        // Cannot underflow: publish() refuses cityBps + providerBps > BPS.
        unchecked {
            sale.contributorsShare = RevenueSplit.shareOfIncrease(
                netBefore,
                netAfter,
                RevenueSplit.BPS - cityBps - providerBps
            );
        }
    }

    /// @dev Everything a product has earned a role since publication (withdrawn or not).
    function _earned(uint256 productId, Product storage product, Role role) private view returns (uint256) {
        Revenue memory revenue = _revenue[productId];
        if (role == Role.Platform) return revenue.platform;
        uint256 city = RevenueSplit.shareOf(revenue.net, product.cityBps);
        if (role == Role.City) return city;
        uint256 provider = RevenueSplit.shareOf(revenue.net, product.providerBps);
        if (role == Role.Provider) return provider;
        return RevenueSplit.shareOf(revenue.net, _contributorsBps(product));
    }

    /// @dev The contributors' share: what the city and the provider leave.
    function _contributorsBps(Product storage product) private view returns (uint256) {
        // Cannot underflow: publish() refuses cityBps + providerBps > BPS.
        unchecked {
            return RevenueSplit.BPS - product.cityBps - product.providerBps;
        }
    }

    /// @dev The account a role's revenue is paid to.
    function _recipient(uint32 partiesId, Role role) private view returns (address) {
        if (role == Role.Platform) return _platformTreasury;
        Parties storage parties = _parties[partiesId];
        if (role == Role.City) return parties.city;
        if (role == Role.Provider) return parties.provider;
        return parties.contributors;
    }

    /// @dev Reverts unless a new licence can be issued: not revoked, and not active and unexpired.
    function _checkObtainable(bytes32 licenceId) private view {
        Licence storage licence = _licences[licenceId];
        LicenceStatus status = licence.status;
        if (status == LicenceStatus.Revoked) revert DataLicensingLicenceRevoked(licenceId);
        if (status == LicenceStatus.Active && block.timestamp <= licence.expiresAt) {
            revert DataLicensingAlreadyLicensed(licenceId, licence.expiresAt);
        }
    }

    /// @dev The expiry of a licence starting now for `period` seconds (0 = perpetual).
    function _expiryAfter(uint64 period) private view returns (uint64) {
        if (period == 0) return type(uint64).max;
        return (block.timestamp + period).toUint64();
    }

    /// @dev A product that exists, is not paused and allows `purpose`.
    function _saleableProduct(uint256 productId, bytes32 purpose) private view returns (Product storage product) {
        product = _existingProduct(productId);
        if (product.paused) revert DataLicensingProductPaused(productId);
        if (!_allowedPurposes[productId][purpose]) revert DataLicensingPurposeNotAllowed(productId, purpose);
    }

    /// @dev A product that exists, or a revert.
    function _existingProduct(uint256 productId) private view returns (Product storage product) {
        product = _products[productId];
        if (product.termsVersion == 0) revert DataLicensingUnknownProduct(productId);
    }

    /// @dev A product the caller provides, or a revert.
    function _productOfProvider(uint256 productId) private view returns (Product storage product) {
        product = _existingProduct(productId);
        address provider = _parties[product.partiesId].provider;
        if (msg.sender != provider) revert DataLicensingNotProvider(msg.sender, provider);
    }

    function _offerHash(Offer calldata offer) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        _OFFER_TYPEHASH,
                        offer.productId,
                        offer.buyer,
                        offer.purpose,
                        offer.price,
                        offer.period,
                        offer.termsVersion,
                        offer.nonce,
                        offer.deadline
                    )
                )
            );
    }

    /// @dev Allows or disallows purposes, keeping the product's count of allowed purposes.
    function _setPurposes(uint256 productId, bytes32[] calldata purposes, bool allowed) private {
        mapping(bytes32 purpose => bool) storage allowedPurposes = _allowedPurposes[productId];
        uint256 count = _products[productId].purposeCount;
        for (uint256 i = 0; i < purposes.length; ++i) {
            bytes32 purpose = purposes[i];
            if (purpose == bytes32(0)) revert DataLicensingInvalidPurposes();
            if (allowedPurposes[purpose] == allowed) continue;
            allowedPurposes[purpose] = allowed;
            count = allowed ? count + 1 : count - 1;
        }
        _products[productId].purposeCount = count.toUint16();
    }

    function _setPlatformFee(uint16 feeBps) private {
        if (feeBps > MAX_PLATFORM_FEE_BPS) revert DataLicensingFeeAboveCap(feeBps, MAX_PLATFORM_FEE_BPS);
        uint16 previous = _platformFeeBps;
        _platformFeeBps = feeBps;
        emit PlatformFeeSet(previous, feeBps);
    }

    function _setPlatformTreasury(address treasury) private {
        if (treasury == address(0)) revert DataLicensingZeroAddress();
        address previous = _platformTreasury;
        _platformTreasury = treasury;
        emit PlatformTreasurySet(previous, treasury);
    }

    function _sendNative(address to, uint256 amount) private {
        (bool ok, ) = payable(to).call{value: amount}("");
        if (!ok) revert DataLicensingNativeTransferFailed(to, amount);
    }
}
