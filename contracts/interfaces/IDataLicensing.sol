// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IDataLicensing
/// @notice Data products built from citizens' data, and purpose-bound licences to use them. A provider (a city,
/// a cooperative, an SME) publishes a product with its terms, price and revenue split; seekers (city
/// departments, companies, researchers) obtain a licence for one stated purpose: by purchase, subscription,
/// a negotiated offer the provider signed, or free as an eligible public-interest seeker.
/// @dev Licences are records keyed by `(productId, licensee, purpose)`, not tokens: a licensee becomes a
/// controller of personal data, and handing the licence to another party would change the controller without
/// the citizens' consent, so licences cannot be transferred.
///
/// Money: each sale moves the price in one token transfer. In the same transaction the platform fee is taken
/// at the current rate and the rest is credited to the product's revenue split: the city's and the provider's
/// shares and the contributors' share (basis points fixed when the product is published). Each share is the
/// floor of the running total times its basis points, so no entitlement ever decreases; the at most 2 wei the
/// three floors leave over are carried in the contract and assigned as the total grows. Nothing is sent at sale
/// time; each party withdraws what it is owed.
///
/// A product may instead pay a revenue pool (`poolId`): the buyer's payment then goes straight to the RevenuePool
/// contract in the sale's single transfer, and the pool splits it by its own shares (see {IRevenuePool}).
interface IDataLicensing {
    /// @notice A licence's status.
    enum LicenceStatus {
        None,
        Active,
        Cancelled,
        Revoked
    }

    /// @notice How a licence was obtained or extended.
    enum Model {
        Purchase,
        Renewal,
        Offer,
        PublicInterest
    }

    /// @notice Why a product cannot pay into the revenue pool it names.
    enum PoolMismatch {
        Provider,
        Token,
        City,
        Contributors,
        Split
    }

    /// @notice The parties a product's revenue is split between.
    enum Role {
        Platform,
        City,
        Provider,
        Contributors
    }

    /// @notice Who a provider's products pay: registered once, shared by all products that name it.
    /// @param provider The provider, who registered the record and manages the products.
    /// @param city The city's account, paid the city share.
    /// @param contributors The account paid the contributors' share (a revenue pool).
    struct Parties {
        address provider;
        address city;
        address contributors;
    }

    /// @notice A product as stored.
    /// @param token The payment token; zero for the chain's native coin.
    /// @param price Price of one licence (per period, for a subscription).
    /// @param partiesId The product's {Parties}.
    /// @param period Licence length in seconds; 0 = perpetual.
    /// @param termsVersion Current version of the terms; 1 at publication.
    /// @param cityBps City share of each sale after the platform fee, in basis points (fixed at publication).
    /// @param providerBps Provider share of each sale after the platform fee, in basis points (fixed at publication).
    /// @param renewable Whether a licence can be renewed (a subscription) or must be bought again.
    /// @param paused Whether sales are paused (licences already sold stay valid).
    /// @param purposeCount How many purposes the current terms allow (at least one).
    /// @param poolId The revenue pool the product pays into, or zero. A pool product's payment goes straight to the
    /// pool in the sale's single transfer and is split by the pool's shares; `cityBps` and `providerBps` are zero.
    struct Product {
        address token;
        uint96 price;
        uint32 partiesId;
        uint64 period;
        uint32 termsVersion;
        uint16 cityBps;
        uint16 providerBps;
        bool renewable;
        bool paused;
        uint16 purposeCount;
        uint64 poolId;
    }

    /// @notice What a provider sets when publishing a product.
    /// @dev With a `poolId`, the pool must belong to the provider and be paid in `token`; the parties must name
    /// the pool's city and the RevenuePool contract as contributors; `cityBps` and `providerBps` must be zero.
    struct ProductParams {
        uint32 partiesId;
        address token;
        uint96 price;
        uint64 period;
        bool renewable;
        uint16 cityBps;
        uint16 providerBps;
        bytes32[] purposes;
        address consentGrantee;
        string metadataURI;
        bytes32 termsHash;
        uint64 poolId;
    }

    /// @notice New terms for a product; sales after the update use them, licences sold before keep theirs.
    /// `disallowPurposes` is applied after `allowPurposes`; at least one purpose must remain allowed.
    struct TermsUpdate {
        uint96 price;
        uint64 period;
        bool renewable;
        bytes32[] allowPurposes;
        bytes32[] disallowPurposes;
        string metadataURI;
        bytes32 termsHash;
    }

    /// @notice A licence as stored.
    /// @param expiresAt Last second (inclusive) the licence is valid; `type(uint64).max` if perpetual.
    /// @param termsVersion The product terms version the licence was bought (or last renewed) under.
    /// @param status Active, cancelled by the licensee, or revoked by the provider or arbiter.
    struct Licence {
        uint64 expiresAt;
        uint32 termsVersion;
        LicenceStatus status;
    }

    /// @notice A price the provider offers one buyer, signed with EIP-712 (or ERC-1271).
    /// @param period Licence length in seconds; 0 = perpetual.
    /// @param termsVersion The product terms version the offer was made under; a later terms update voids it.
    /// @param nonce Any number, to make otherwise equal offers distinct.
    /// @param deadline Last second the offer can be accepted.
    struct Offer {
        uint256 productId;
        address buyer;
        bytes32 purpose;
        uint96 price;
        uint64 period;
        uint32 termsVersion;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice How one payment was divided: the platform fee and the increase of each party's entitlement.
    /// @dev The four shares add up to `price` give or take the at most 2 wei of rounding remainder carried between
    /// sales: over all sales, shares plus the product's carried remainder equal what was paid, to the wei.
    struct Sale {
        uint256 price;
        uint256 platformFee;
        uint256 cityShare;
        uint256 providerShare;
        uint256 contributorsShare;
    }

    /// @notice Emitted when a provider registers who its products pay.
    event PartiesRegistered(
        uint32 indexed partiesId,
        address indexed provider,
        address indexed city,
        address contributors
    );

    /// @notice Emitted when a product is published, with everything needed to rebuild it.
    event ProductPublished(
        uint256 indexed productId,
        address indexed provider,
        uint32 indexed partiesId,
        Product product,
        bytes32[] purposes,
        address consentGrantee,
        string metadataURI,
        bytes32 termsHash
    );

    /// @notice Emitted when a product's terms change; `termsVersion` is the new version.
    event TermsUpdated(
        uint256 indexed productId,
        uint32 indexed termsVersion,
        uint96 price,
        uint64 period,
        bool renewable,
        bytes32[] allowedPurposes,
        bytes32[] disallowedPurposes,
        string metadataURI,
        bytes32 termsHash
    );

    /// @notice Emitted when a product's sales are paused or resumed.
    event ProductPaused(uint256 indexed productId, bool paused);

    /// @notice Emitted when a provider appoints (or, with zero, removes) a product's arbiter.
    event ArbiterSet(uint256 indexed productId, address indexed arbiter);

    /// @notice Emitted when a provider makes a seeker eligible (or not) for a free public-interest licence.
    event EligibilitySet(uint256 indexed productId, address indexed seeker, bytes32 indexed purpose, bool eligible);

    /// @notice Emitted when a licence is issued or renewed, with the payment's full breakdown. The licence's id is
    /// `licenceIdOf(productId, licensee, purpose)`.
    event LicenceIssued(
        uint256 indexed productId,
        address indexed licensee,
        bytes32 indexed purpose,
        Model model,
        uint32 termsVersion,
        uint64 expiresAt,
        Sale sale
    );

    /// @notice Emitted when a licensee cancels its licence.
    event LicenceCancelled(uint256 indexed productId, address indexed licensee, bytes32 indexed purpose);

    /// @notice Emitted when a provider or arbiter revokes a licence for breach.
    event LicenceRevoked(
        uint256 indexed productId,
        address indexed licensee,
        bytes32 indexed purpose,
        address revokedBy,
        string reason,
        bytes32 evidenceHash,
        uint256 refund
    );

    /// @notice Emitted when a provider withdraws an offer before it is accepted.
    event OfferCancelled(bytes32 indexed offerHash, uint256 indexed productId);

    /// @notice Emitted when a party withdraws what a product owes it.
    event RevenueWithdrawn(uint256 indexed productId, Role indexed role, address indexed to, uint256 amount);

    /// @notice Emitted when the platform owner changes the platform fee (applies to later sales only).
    event PlatformFeeSet(uint16 previousFeeBps, uint16 feeBps);

    /// @notice Emitted once, when the platform owner names the RevenuePool contract pool products pay into.
    event RevenuePoolSet(address indexed revenuePool);

    /// @notice Emitted when the platform owner changes the account platform fees are paid to.
    event PlatformTreasurySet(address indexed previousTreasury, address indexed treasury);

    /// @notice Thrown when a product id does not exist.
    error DataLicensingUnknownProduct(uint256 productId);

    /// @notice Thrown when a parties id does not exist.
    error DataLicensingUnknownParties(uint32 partiesId);

    /// @notice Thrown when the caller is not the provider that registered the parties or owns the product.
    error DataLicensingNotProvider(address caller, address provider);

    /// @notice Thrown when the caller may not revoke: it is neither the provider nor the product's arbiter.
    error DataLicensingNotProviderOrArbiter(address caller, uint256 productId);

    /// @notice Thrown when an address that must be set is zero.
    error DataLicensingZeroAddress();

    /// @notice Thrown when the city and provider shares add up to more than 100%.
    error DataLicensingInvalidSplit(uint256 cityBps, uint256 providerBps);

    /// @notice Thrown when a product would allow no purpose, or a purpose id is zero.
    error DataLicensingInvalidPurposes();

    /// @notice Thrown when the terms document hash is zero.
    error DataLicensingMissingTermsHash();

    /// @notice Thrown when a product's sales are paused.
    error DataLicensingProductPaused(uint256 productId);

    /// @notice Thrown when the product does not allow the stated purpose.
    error DataLicensingPurposeNotAllowed(uint256 productId, bytes32 purpose);

    /// @notice Thrown when the price is above the highest price the buyer accepts.
    error DataLicensingPriceAboveLimit(uint256 price, uint256 maxPrice);

    /// @notice Thrown when buying a licence that is still active: renew it instead, or wait for it to expire.
    error DataLicensingAlreadyLicensed(bytes32 licenceId, uint64 expiresAt);

    /// @notice Thrown when acting on a licence that was revoked for breach.
    error DataLicensingLicenceRevoked(bytes32 licenceId);

    /// @notice Thrown when renewing, cancelling or revoking a licence that is not active.
    error DataLicensingNoActiveLicence(bytes32 licenceId);

    /// @notice Thrown when renewing a licence of a product whose licences are not renewable.
    error DataLicensingNotRenewable(uint256 productId);

    /// @notice Thrown when an offer is accepted after its deadline.
    error DataLicensingOfferExpired(uint256 deadline);

    /// @notice Thrown when an offer was already accepted or cancelled.
    error DataLicensingOfferUsed(bytes32 offerHash);

    /// @notice Thrown when someone other than the offer's buyer accepts it.
    error DataLicensingWrongBuyer(address buyer, address caller);

    /// @notice Thrown when an offer's signature is not the provider's.
    error DataLicensingInvalidOfferSignature(address provider);

    /// @notice Thrown when a seeker is not eligible for a free public-interest licence for this purpose.
    error DataLicensingNotEligible(uint256 productId, address seeker, bytes32 purpose);

    /// @notice Thrown when the platform fee would exceed the cap.
    error DataLicensingFeeAboveCap(uint256 feeBps, uint256 capBps);

    /// @notice Thrown when native coin sent does not cover the price.
    error DataLicensingInsufficientPayment(uint256 sent, uint256 price);

    /// @notice Thrown when native coin is sent with a payment in an ERC-20 token (or where nothing is due).
    error DataLicensingUnexpectedValue(uint256 sent);

    /// @notice Thrown when fewer tokens arrived than were transferred (a fee-on-transfer or deflationary token).
    error DataLicensingTransferShortfall(uint256 expected, uint256 received);

    /// @notice Thrown when native coin could not be sent to `to`.
    error DataLicensingNativeTransferFailed(address to, uint256 amount);

    /// @notice Thrown when buying with a permit a product paid in native coin, which has no permit.
    error DataLicensingPermitUnsupported(uint256 productId);

    /// @notice Thrown when a party has nothing to withdraw from a product.
    error DataLicensingNothingToWithdraw(uint256 productId, Role role);

    /// @notice Thrown when the native coin sent with a revocation is not exactly the refund.
    error DataLicensingRefundMismatch(uint256 sent, uint256 refund);

    /// @notice Thrown when an offer was made under terms the provider has since updated.
    error DataLicensingOfferTermsChanged(uint32 offerTermsVersion, uint32 currentTermsVersion);

    /// @notice Thrown when an arbiter tries to refund: only the provider can choose to refund, from its own funds.
    error DataLicensingRefundByProviderOnly(address caller);

    /// @notice Thrown when publishing a pool product before the RevenuePool contract is named.
    error DataLicensingNoRevenuePool();

    /// @notice Thrown when naming the RevenuePool contract a second time: it is set once.
    error DataLicensingRevenuePoolAlreadySet(address revenuePool);

    /// @notice Thrown when a product cannot pay into the pool it names, with the first reason found.
    error DataLicensingPoolMismatch(uint64 poolId, PoolMismatch reason);

    /// @notice Registers who the caller's products pay (the caller is the provider).
    /// @return partiesId The record's id; the existing id if the same parties were registered before.
    function registerParties(address city, address contributors) external returns (uint32 partiesId);

    /// @notice Publishes a product; the caller must be the provider of `params.partiesId`.
    /// @return productId The new product's id.
    function publish(ProductParams calldata params) external returns (uint256 productId);

    /// @notice Changes a product's price and terms, making a new terms version. Licences already sold keep theirs.
    /// @return termsVersion The new version.
    function updateTerms(uint256 productId, TermsUpdate calldata update) external returns (uint32 termsVersion);

    /// @notice Pauses or resumes sales of a product (provider only). Licences already sold stay valid.
    function setPaused(uint256 productId, bool paused) external;

    /// @notice Appoints (zero removes) an arbiter who may revoke the product's licences for breach (provider only).
    function setArbiter(uint256 productId, address arbiter) external;

    /// @notice Makes a seeker eligible, or no longer, for a free public-interest licence (provider only).
    function setEligibility(uint256 productId, address seeker, bytes32 purpose, bool eligible) external;

    /// @notice Buys a licence for `purpose`, paying at most `maxPrice` (native coin: send it; excess refunded).
    /// @return licenceId `keccak256(abi.encode(productId, msg.sender, purpose))`.
    function buy(uint256 productId, bytes32 purpose, uint256 maxPrice) external payable returns (bytes32 licenceId);

    /// @notice {buy} with an ERC-2612 permit for `maxPrice`, so no prior approval is needed.
    function buyWithPermit(
        uint256 productId,
        bytes32 purpose,
        uint256 maxPrice,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32 licenceId);

    /// @notice Renews the caller's licence for one more period at the current price and terms, from the later of
    /// now and its current expiry. A perpetual licence cannot be renewed.
    /// @return expiresAt The licence's new expiry.
    function renew(uint256 productId, bytes32 purpose, uint256 maxPrice) external payable returns (uint64 expiresAt);

    /// @notice Accepts an offer the provider signed for the caller.
    function acceptOffer(Offer calldata offer, bytes calldata signature) external payable returns (bytes32 licenceId);

    /// @notice Withdraws an offer before it is accepted (provider only).
    function cancelOffer(Offer calldata offer) external;

    /// @notice Takes the free public-interest licence the provider made the caller eligible for.
    function claimPublicInterest(uint256 productId, bytes32 purpose) external returns (bytes32 licenceId);

    /// @notice Cancels the caller's licence. Nothing is refunded.
    function cancel(uint256 productId, bytes32 purpose) external;

    /// @notice Revokes a licence for breach. The provider may refund `refund` from its own funds (sent with the call
    /// in native coin, or transferred from the provider in the product's token); an arbiter cannot refund.
    function revoke(
        uint256 productId,
        address licensee,
        bytes32 purpose,
        string calldata reason,
        bytes32 evidenceHash,
        uint256 refund
    ) external payable;

    /// @notice Pays a party what `productId` owes it, to the party's recorded account. Anyone may call.
    /// @return amount What was paid.
    function withdraw(uint256 productId, Role role) external returns (uint256 amount);

    /// @notice Sets the platform fee for later sales, in basis points, at most `MAX_PLATFORM_FEE_BPS` (owner only).
    function setPlatformFee(uint16 feeBps) external;

    /// @notice Sets the account platform fees are paid to (owner only).
    function setPlatformTreasury(address treasury) external;

    /// @notice Names the RevenuePool contract that pool products pay into (owner only, once: a product's buyers
    /// and members rely on where its money goes).
    function setRevenuePool(address revenuePool) external;

    /// @notice The RevenuePool contract pool products pay into, or zero before it is named.
    function revenuePool() external view returns (address);

    /// @notice Whether `licensee` holds an active, unexpired licence of `productId` for `purpose` now.
    function isLicensed(uint256 productId, address licensee, bytes32 purpose) external view returns (bool);

    /// @notice A licence's stored record (all zero if there is none).
    function getLicence(uint256 productId, address licensee, bytes32 purpose) external view returns (Licence memory);

    /// @notice A licence's expiry (ERC-5643's face); zero if there is none.
    function expiresAt(bytes32 licenceId) external view returns (uint64);

    /// @notice A product and the parties its revenue is split between.
    function getProduct(uint256 productId) external view returns (Product memory product, Parties memory parties);

    /// @notice A registered parties record.
    function getParties(uint32 partiesId) external view returns (Parties memory);

    /// @notice Whether a product allows a purpose under its current terms.
    function isPurposeAllowed(uint256 productId, bytes32 purpose) external view returns (bool);

    /// @notice The rounding remainder (at most 2 wei) a product holds that no party is entitled to yet.
    function carriedRemainder(uint256 productId) external view returns (uint256);

    /// @notice A product's arbiter, or zero.
    function arbiterOf(uint256 productId) external view returns (address);

    /// @notice What a product owes each party now, indexed by {Role}.
    function owed(uint256 productId) external view returns (uint256[4] memory amounts);

    /// @notice Whether a seeker is eligible for a free public-interest licence.
    function isEligible(uint256 productId, address seeker, bytes32 purpose) external view returns (bool);

    /// @notice The EIP-712 hash of an offer, which marks it used once accepted or cancelled.
    function offerHash(Offer calldata offer) external view returns (bytes32);

    /// @notice Whether an offer was accepted or cancelled.
    function isOfferUsed(bytes32 offerHash) external view returns (bool);

    /// @notice The id of the licence `(productId, licensee, purpose)`.
    function licenceIdOf(uint256 productId, address licensee, bytes32 purpose) external pure returns (bytes32);

    /// @notice The platform fee for the next sale, in basis points.
    function platformFeeBps() external view returns (uint16);

    /// @notice The account platform fees are paid to.
    function platformTreasury() external view returns (address);

    /// @notice Number of products published; ids run from 1 to this number.
    function productCount() external view returns (uint256);

    /// @notice The contract's version, as `major.minor.patch`.
    function version() external pure returns (string memory);
}
