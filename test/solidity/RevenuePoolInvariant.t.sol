// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {DataLicensing} from "../../contracts/licensing/DataLicensing.sol";
import {IDataLicensing} from "../../contracts/interfaces/IDataLicensing.sol";
import {IRevenuePool} from "../../contracts/interfaces/IRevenuePool.sol";
import {RevenuePool} from "../../contracts/revenue/RevenuePool.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {RejectingReceiver} from "../../contracts/mocks/RejectingReceiver.sol";
import {Eip712} from "./utils/Eip712.sol";
import {HandlerBase} from "./utils/HandlerBase.sol";
import {InvariantBase} from "./utils/InvariantBase.sol";
import {RevenueTypedData} from "./utils/RevenueTypedData.sol";
import {SaleLogs} from "./utils/SaleLogs.sol";
import {VM} from "./utils/Vm.sol";

/// @notice Drives a real RevenuePool, wired to a real ConsentRegistry and DataLicensing, with random joins (direct
/// and signed, relayed by the provider with any weight or by the citizen's operator), leaves, the provider's weight
/// changes, payments (deposits, and licence sales and renewals of each pool's product through DataLicensing),
/// claims (direct and signed, with a relayer's fee), donations, standing auto-donations, batch payouts, consent
/// grants, withdrawals and withdraw-alls, settle-outs (single and batch), party withdrawals, donation withdrawals,
/// beneficiary registrations and time warps, over a small world: three pools (two in a MockERC20 with different
/// shares and default weights, one in native coin whose provider share is 0%), five citizens, one city, a charity,
/// and a recipient that refuses native coin until told otherwise (a payout address, a claim recipient and a
/// beneficiary).
/// @dev The model is written independently of the contract's reward-per-weight bookkeeping: each party's
/// entitlement is the floor of its share of the running total received, and every payment pushes the increase of
/// the contributors' floor, plus what was carried or left unassigned, to the members at once: each unit of weight
/// gets `floor(credit / totalWeight)`, and what that leaves is carried to the next payment (all of it is left
/// unassigned while no member has weight). Members' balances are then moved by claims, payouts and donations as
/// the rules say. Every action predicts success or the exact error, and every amount the contract returns (claims,
/// payouts, withdrawals, splits) is compared with the model's; wrong predictions are counted and must stay zero.
contract RevenuePoolHandler is HandlerBase {
    uint256 public constant POOLS = 3;
    uint256 public constant CITIZENS = 5;
    /// @notice Beneficiary slots: the city, a charity, the refusing recipient, and a stranger never registered.
    uint256 public constant BENEFICIARIES = 4;
    uint256 internal constant _NATIVE_POOL = 2;
    uint256 internal constant _BUYERS = 2;
    uint256 internal constant _ROLES = 3;
    uint256 internal constant _BPS = 10_000;
    uint16 internal constant _FEE_BPS = 250;
    uint256 internal constant _MAX_WARP = 1 days;
    uint256 internal constant _MAX_LIFETIME = 3 days;
    uint64 internal constant _PERIOD = 1 days;
    uint256 internal constant _CITY = 0;
    uint256 internal constant _CHARITY = 1;
    uint256 internal constant _REFUSER = 2;
    uint256 internal constant _STRANGER = 3;
    bytes32 internal constant _PURPOSE = keccak256("https://w3id.org/dpv#ServiceOptimisation");
    // Whom an action steers to (see `_steer`).
    uint256 internal constant _NON_MEMBER = 0;
    uint256 internal constant _MEMBER = 1;
    uint256 internal constant _LAPSED_MEMBER = 2;
    uint256 internal constant _WITH_BALANCE = 3;

    /// @notice What the model says about one pool. `shares` are platform, city, provider, contributors.
    struct ModelPool {
        uint256 id;
        address token;
        uint256 tokenIndex; // 0: the MockERC20, 1: native coin
        uint256[4] shares;
        uint32 defaultWeight;
        uint8 requiredMask; // bit i set: the pool's consent basis includes category i
        uint256 productId;
        uint96 price;
        uint256 received;
        uint256 carried;
        uint256 unassigned;
        uint256 weightAtLastCredit;
        uint256[3] withdrawn;
        uint256 paidIn; // ghost: deposits and sale prices paid into this pool
        uint256 paidOut; // ghost: everything this pool paid out (claims, fees, payouts, withdrawals)
    }

    /// @notice What the model says about one citizen in one pool.
    struct ModelMember {
        uint32 weight;
        uint16 autoDonateBps;
        uint8 autoDonateChoice; // 0: none set (the city); 1 + b: beneficiary slot b
        uint8 payoutChoice; // 0: itself; 1: its wallet; 2: the refusing recipient
        uint256 balance; // what it can claim
        uint256 credited; // everything it ever earned
        uint256 claimed; // claims paid to it or its recipient, relayers' fees included
        uint256 paidOut; // batch payouts paid to its payout address
        uint256 donated; // direct donations and auto-donations
        bool settledOut; // settled out and not joined again since
        uint256 capAfterSettleOut; // its balance may not exceed this while settled out
    }

    /// @notice The model of a citizen's one consent (to the pools' grantee, for the pools' purpose).
    struct ModelConsent {
        bool active; // granted and not withdrawn: a withdrawal must succeed
        bool live; // active and not voided by a withdraw-all since its grant
        uint64 validUntil;
        uint8 mask; // bit i set: covers category i
    }

    /// @notice The handler's setup of one pool.
    struct PoolSetup {
        address token;
        uint16 platformBps;
        uint16 cityBps;
        uint16 providerBps;
        uint16 contributorsBps;
        uint32 defaultWeight;
        uint8 requiredMask;
        uint96 price;
    }

    ConsentRegistry public immutable registry;
    DataLicensing public immutable licensing;
    RevenuePool public immutable revenuePool;
    MockERC20 public immutable token;
    RejectingReceiver public immutable refuser;
    address public immutable provider;
    address public immutable city;
    address public immutable charity;
    address public immutable stranger;
    address public immutable treasury;
    address public immutable operator;
    address public immutable relayer;
    address public immutable depositor;
    address public immutable wallet;

    ModelPool[POOLS] private _pools;
    address[CITIZENS] private _citizens;
    uint256[CITIZENS] private _keys;
    ModelConsent[CITIZENS] private _consents;
    uint256[CITIZENS] private _nonces;
    address[BENEFICIARIES] private _beneficiaries;
    address[_BUYERS] private _buyers;
    bytes32[3] private _categories;

    /// @dev Indexed by `p * CITIZENS + c`.
    mapping(uint256 memberIndex => ModelMember) private _members;
    /// @dev Indexed by `p * BENEFICIARIES + b`.
    mapping(uint256 beneficiaryIndex => bool) private _registered;
    mapping(uint256 beneficiaryIndex => uint256) private _donations;
    /// @dev Indexed by `p * _BUYERS + b`: the expiry of the buyer's licence of the pool's product (0: never bought).
    mapping(uint256 licenceIndex => uint64) private _licenceExpiry;
    bool private _refuserAccepting;

    /// @notice Ghosts, by token (0: the MockERC20, 1: native coin): everything paid in (deposits and sale prices),
    /// and everything the pool contract paid out (claims, relayers' fees, payouts, party and donation withdrawals),
    /// from the amounts the contract returned.
    uint256[2] public ghostIn;
    uint256[2] public ghostOut;
    /// @notice What the campaign exercised.
    uint256 public deposits;
    uint256 public sales;
    uint256 public claims;
    uint256 public signedClaims;
    uint256 public signedJoins;
    uint256 public payoutsPaid;
    uint256 public payoutsFailed;
    uint256 public autoDonations;
    uint256 public settleOuts;
    uint256 public partyWithdrawals;
    uint256 public donationWithdrawals;

    constructor() {
        provider = _labelled("provider");
        city = _labelled("city");
        charity = _labelled("charity");
        stranger = _labelled("stranger");
        treasury = _labelled("treasury");
        operator = _labelled("operator");
        relayer = _labelled("relayer");
        depositor = _labelled("depositor");
        wallet = _labelled("wallet");
        registry = new ConsentRegistry();
        licensing = new DataLicensing(address(this), treasury, _FEE_BPS);
        revenuePool = new RevenuePool(address(registry), address(licensing));
        licensing.setRevenuePool(address(revenuePool));
        token = new MockERC20("Euro", "EURx");
        refuser = new RejectingReceiver();

        _beneficiaries[_CITY] = city;
        _beneficiaries[_CHARITY] = charity;
        _beneficiaries[_REFUSER] = address(refuser);
        _beneficiaries[_STRANGER] = stranger;
        // Ascending, so every subset taken in index order is a valid (sorted) category list.
        _categories[0] = bytes32(uint256(0x1000));
        _categories[1] = bytes32(uint256(0x2000));
        _categories[2] = bytes32(uint256(0x3000));

        for (uint256 c = 0; c < CITIZENS; ++c) {
            _keys[c] = uint256(keccak256(abi.encode("RevenuePoolHandler citizen", c)));
            _citizens[c] = VM.addr(_keys[c]);
            VM.prank(_citizens[c]);
            registry.setOperator(operator);
            // Everyone starts with a consent that covers every pool, for ever.
            VM.prank(_citizens[c]);
            registry.grant(provider, _PURPOSE, _categoryList(7), type(uint64).max, bytes32(c));
            _consents[c] = ModelConsent({active: true, live: true, validUntil: type(uint64).max, mask: 7});
        }
        for (uint256 b = 0; b < _BUYERS; ++b) {
            _buyers[b] = _labelled(string(abi.encode("buyer", b)));
            VM.prank(_buyers[b]);
            token.approve(address(licensing), type(uint256).max);
        }
        VM.prank(depositor);
        token.approve(address(revenuePool), type(uint256).max);

        VM.prank(provider);
        uint32 partiesId = licensing.registerParties(city, address(revenuePool));
        // Two token pools with different shares and default weights, and a native-coin pool without provider share.
        _createPool(0, partiesId, PoolSetup(address(token), 500, 1_500, 2_000, 6_000, 1, 3, 1_000_003));
        _createPool(1, partiesId, PoolSetup(address(token), 333, 1_111, 2_222, 6_334, 3, 1, 777_777));
        _createPool(2, partiesId, PoolSetup(address(0), 250, 2_500, 0, 7_250, 2, 2, 123_457));
        // Every citizen starts as a member of the first and the native pool; the second starts with no weight. In
        // those two pools the charity is a beneficiary, citizen 0 gives 10% to it and citizen 1 all to the city,
        // citizen 2 is paid out to the refusing recipient and citizen 3 to its wallet.
        uint256[2] memory startedPools = [uint256(0), _NATIVE_POOL];
        for (uint256 i = 0; i < startedPools.length; ++i) {
            uint256 p = startedPools[i];
            for (uint256 c = 0; c < CITIZENS; ++c) {
                VM.prank(_citizens[c]);
                revenuePool.join(_pools[p].id);
                _modelSetWeight(p, c, _pools[p].defaultWeight);
            }
            VM.prank(provider);
            revenuePool.setBeneficiary(_pools[p].id, charity, true);
            _registered[p * BENEFICIARIES + _CHARITY] = true;
            _setAutoDonateAtStart(p, 0, _CHARITY, 1_000);
            _setAutoDonateAtStart(p, 1, _CITY, uint16(_BPS));
            _setPayoutAddressAtStart(p, 2, 2);
            _setPayoutAddressAtStart(p, 3, 1);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Membership
    // ---------------------------------------------------------------------------------------------

    function join(uint256 p, uint256 c) external {
        (p, c) = _steer(p, c, _NON_MEMBER);
        ModelPool storage pool = _pools[p];
        address citizen = _citizens[c];
        bytes memory expected = _joinRefusal(p, c, pool.defaultWeight);

        VM.prank(citizen);
        try revenuePool.join(pool.id) {
            if (expected.length != 0) ++mismatches;
            _modelSetWeight(p, c, pool.defaultWeight);
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice A signed join relayed by the provider (any weight, zero included), by the citizen's operator (the
    /// default weight, or one more, refused), or by a stranger (refused).
    function joinBySig(uint256 p, uint256 c, uint256 weightSeed, uint256 relayerSeed) external {
        (p, c) = _steer(p, c, _NON_MEMBER);
        ModelPool storage pool = _pools[p];
        uint256 choice = relayerSeed % 4;
        address caller = choice < 2 ? provider : (choice == 2 ? operator : stranger);
        uint32 weight = pool.defaultWeight;
        if (caller == provider) weight = weightSeed % 16 == 0 ? 0 : _weight(weightSeed >> 4);
        else if (caller == operator && weightSeed % 4 == 0) weight = pool.defaultWeight + 1;
        IRevenuePool.JoinRequest memory request = IRevenuePool.JoinRequest({
            poolId: pool.id,
            member: _citizens[c],
            weight: weight,
            nonce: _nonces[c],
            deadline: block.timestamp + 1 hours
        });
        bytes memory signature = Eip712.sign(_keys[c], RevenueTypedData.joinDigest(address(revenuePool), request));

        bytes memory expected;
        if (caller == stranger) {
            expected = abi.encodeWithSelector(IRevenuePool.RevenuePoolUnauthorizedRelayer.selector, caller);
        } else if (caller != provider && weight != pool.defaultWeight) {
            expected = abi.encodeWithSelector(
                IRevenuePool.RevenuePoolWeightNeedsProvider.selector,
                weight,
                pool.defaultWeight
            );
        } else {
            expected = _joinRefusal(p, c, weight);
        }

        VM.prank(caller);
        try revenuePool.joinBySig(request, signature) {
            if (expected.length != 0) ++mismatches;
            ++_nonces[c];
            _modelSetWeight(p, c, weight);
            ++signedJoins;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    function leave(uint256 p, uint256 c) external {
        (p, c) = _steer(p, c, _MEMBER);
        bytes memory expected;
        if (_member(p, c).weight == 0) expected = _notMember(p, c);

        VM.prank(_citizens[c]);
        try revenuePool.leave(_pools[p].id) {
            if (expected.length != 0) ++mismatches;
            _modelSetWeight(p, c, 0);
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice The provider changes a member's weight; one time in eight to zero (which removes it).
    function setWeight(uint256 p, uint256 c, uint256 weightSeed) external {
        (p, c) = _steer(p, c, _MEMBER);
        uint32 weight = weightSeed % 8 == 0 ? 0 : _weight(weightSeed >> 3);
        bytes memory expected;
        if (_member(p, c).weight == 0) {
            expected = _notMember(p, c);
        } else if (weight != 0 && !_consentValid(c, p)) {
            expected = _noValidConsent(p, c);
        }

        VM.prank(provider);
        try revenuePool.setWeight(_pools[p].id, _citizens[c], weight) {
            if (expected.length != 0) ++mismatches;
            _modelSetWeight(p, c, weight);
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    function settleOut(uint256 p, uint256 c) external {
        (p, c) = _steer(p, c, _LAPSED_MEMBER);
        bytes memory expected;
        if (_member(p, c).weight == 0) {
            expected = _notMember(p, c);
        } else if (_consentValid(c, p)) {
            expected = abi.encodeWithSelector(
                IRevenuePool.RevenuePoolConsentStillValid.selector,
                _pools[p].id,
                _citizens[c]
            );
        }

        // Anyone may call: the handler does.
        try revenuePool.settleOut(_pools[p].id, _citizens[c]) {
            if (expected.length != 0) ++mismatches;
            _modelSettleOut(p, c);
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice A batch of citizens (chosen by the bits of `listSeed`), possibly with a repeat and a stranger.
    function settleOutBatch(uint256 p, uint256 listSeed) external {
        p %= POOLS;
        (address[] memory list, uint256[] memory indexes) = _list(listSeed);

        try revenuePool.settleOutBatch(_pools[p].id, list) returns (uint256 settled) {
            uint256 expected = 0;
            for (uint256 i = 0; i < indexes.length; ++i) {
                uint256 c = indexes[i];
                if (c == CITIZENS || _member(p, c).weight == 0 || _consentValid(c, p)) continue;
                _modelSettleOut(p, c);
                ++expected;
            }
            if (settled != expected) ++mismatches;
            ++changes;
        } catch {
            ++mismatches;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Money in
    // ---------------------------------------------------------------------------------------------

    /// @notice A deposit by anyone: a quarter of the time tiny (1..300 wei), one time in sixteen zero (refused).
    function deposit(uint256 p, uint256 amountSeed) external {
        p %= POOLS;
        ModelPool storage pool = _pools[p];
        uint256 amount = amountSeed % 16 == 0 ? 0 : _amount(amountSeed >> 4);
        bytes memory expected;
        if (amount == 0) expected = abi.encodeWithSelector(IRevenuePool.RevenuePoolZeroAmount.selector);

        uint256 value = 0;
        if (pool.token == address(0)) {
            value = amount;
            VM.deal(depositor, amount);
        } else {
            token.mint(depositor, amount);
        }
        VM.prank(depositor);
        try revenuePool.deposit{value: value}(pool.id, amount) returns (IRevenuePool.Split memory split) {
            if (expected.length != 0) ++mismatches;
            uint256[4] memory modelSplit = _modelCredit(p, amount);
            if (
                split.platform != modelSplit[0] ||
                split.city != modelSplit[1] ||
                split.provider != modelSplit[2] ||
                split.contributors != modelSplit[3]
            ) ++mismatches;
            ++deposits;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice A buyer buys (or renews) the licence of the pool's product; the payment goes straight to the pool.
    /// In native coin, the buyer sends up to 2 wei too much, which DataLicensing refunds.
    function buyLicence(uint256 p, uint256 b, uint256 seed) external {
        p %= POOLS;
        b %= _BUYERS;
        ModelPool storage pool = _pools[p];
        address buyer = _buyers[b];
        uint96 price = pool.price;
        uint64 expiry = _licenceExpiry[p * _BUYERS + b];
        // A first purchase; a new purchase once expired (every other time); otherwise a renewal.
        bool renewal = expiry != 0 && (block.timestamp <= expiry || seed % 2 == 0);

        uint256 value = 0;
        if (pool.token == address(0)) {
            value = uint256(price) + ((seed >> 1) % 3);
            VM.deal(buyer, value);
        } else {
            token.mint(buyer, price);
        }
        SaleLogs.record();
        VM.prank(buyer);
        if (renewal) {
            try licensing.renew{value: value}(pool.productId, _PURPOSE, price) returns (uint64 newExpiry) {
                _licenceExpiry[p * _BUYERS + b] = newExpiry;
                _recordSale(p, price);
            } catch {
                ++mismatches;
            }
        } else {
            try licensing.buy{value: value}(pool.productId, _PURPOSE, price) {
                _licenceExpiry[p * _BUYERS + b] = uint64(block.timestamp + _PERIOD);
                _recordSale(p, price);
            } catch {
                ++mismatches;
            }
        }
        // The excess native coin came back.
        if (pool.token == address(0) && buyer.balance != value - price) ++mismatches;
    }

    /// @notice The provider changes the price of the pool's product: a quarter of the time tiny (0..300 wei, 0
    /// included: a free licence pays nothing into the pool).
    function setPrice(uint256 p, uint256 priceSeed) external {
        p %= POOLS;
        ModelPool storage pool = _pools[p];
        uint96 price = uint96(_amount(priceSeed));
        if (priceSeed % 4 == 0) price = uint96((priceSeed >> 2) % 301);
        VM.prank(provider);
        try
            licensing.updateTerms(
                pool.productId,
                IDataLicensing.TermsUpdate({
                    price: price,
                    period: _PERIOD,
                    renewable: true,
                    allowPurposes: new bytes32[](0),
                    disallowPurposes: new bytes32[](0),
                    metadataURI: "ipfs://product/v",
                    termsHash: keccak256(abi.encode("terms", p, price))
                })
            )
        {
            pool.price = price;
            ++changes;
        } catch {
            ++mismatches;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Money out
    // ---------------------------------------------------------------------------------------------

    /// @notice A member claims to itself, its wallet or the refusing recipient; one time in eight to zero (refused).
    function claim(uint256 p, uint256 c, uint256 toSeed) external {
        (p, c) = _steer(p, c, _WITH_BALANCE);
        address to = _claimRecipient(c, toSeed);
        (uint256 balance, uint256 donated) = _claimable(p, c);
        bytes memory expected = _claimRefusal(p, c, to, 0);
        uint256 before = to == address(0) ? 0 : _balanceOf(p, to);

        VM.prank(_citizens[c]);
        try revenuePool.claim(_pools[p].id, to) returns (uint256 amount) {
            if (expected.length != 0 || amount != balance - donated) ++mismatches;
            if (_balanceOf(p, to) != before + amount) ++mismatches;
            _modelClaim(p, c, amount, 0, donated);
            ++claims;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice A signed claim relayed for a fee: any fee up to what is claimable after the auto-donation, or one
    /// time in eight one wei more (refused); one time in eight signed by another citizen (refused).
    function claimBySig(uint256 p, uint256 c, uint256 toSeed, uint256 feeSeed, uint256 signerSeed) external {
        (p, c) = _steer(p, c, _WITH_BALANCE);
        (uint256 balance, uint256 donated) = _claimable(p, c);
        uint256 rest = balance - donated;
        IRevenuePool.ClaimRequest memory request = IRevenuePool.ClaimRequest({
            poolId: _pools[p].id,
            member: _citizens[c],
            to: _claimRecipient(c, toSeed),
            fee: feeSeed % 8 == 0 ? rest + 1 : (feeSeed >> 3) % (rest + 1),
            nonce: _nonces[c],
            deadline: block.timestamp + 1 hours
        });
        bool wrongSigner = signerSeed % 8 == 0;
        bytes memory signature = Eip712.sign(
            _keys[wrongSigner ? (c + 1) % CITIZENS : c],
            RevenueTypedData.claimDigest(address(revenuePool), request)
        );
        // The signature is checked before anything else.
        bytes memory expected =
            wrongSigner
                ? abi.encodeWithSelector(IRevenuePool.RevenuePoolInvalidSignature.selector, request.member)
                : _claimRefusal(p, c, request.to, request.fee);
        uint256 relayerBefore = _balanceOf(p, relayer);

        VM.prank(relayer);
        try revenuePool.claimBySig(request, signature) returns (uint256 amount) {
            if (expected.length != 0 || amount != rest - request.fee) ++mismatches;
            if (_balanceOf(p, relayer) != relayerBefore + request.fee) ++mismatches;
            ++_nonces[c];
            _modelClaim(p, c, amount, request.fee, donated);
            ++signedClaims;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice A member donates part, all, more than all (refused) or nothing (refused) of its balance, to the city,
    /// the charity, the refusing recipient or a stranger (refused unless registered; the stranger never is).
    function donate(uint256 p, uint256 c, uint256 beneficiarySeed, uint256 amountSeed) external {
        (p, c) = _steer(p, c, _WITH_BALANCE);
        uint256 b = beneficiarySeed % BENEFICIARIES;
        address beneficiary = _beneficiaries[b];
        ModelMember storage member = _member(p, c);
        uint256 balance = member.balance;
        uint256 amount;
        uint256 choice = amountSeed % 8;
        if (choice == 0 || balance == 0) amount = balance + 1 + ((amountSeed >> 3) % 10);
        else if (choice == 1) amount = 0;
        else if (choice == 2) amount = balance;
        else amount = 1 + ((amountSeed >> 3) % balance);

        bytes memory expected;
        if (amount == 0) {
            expected = abi.encodeWithSelector(IRevenuePool.RevenuePoolZeroAmount.selector);
        } else if (b != _CITY && !_registered[p * BENEFICIARIES + b]) {
            expected = abi.encodeWithSelector(
                IRevenuePool.RevenuePoolNotBeneficiary.selector,
                _pools[p].id,
                beneficiary
            );
        } else if (amount > balance) {
            expected = abi.encodeWithSelector(IRevenuePool.RevenuePoolInsufficientBalance.selector, amount, balance);
        }

        VM.prank(_citizens[c]);
        try revenuePool.donate(_pools[p].id, beneficiary, amount) {
            if (expected.length != 0) ++mismatches;
            member.balance -= amount;
            member.donated += amount;
            _donations[p * BENEFICIARIES + b] += amount;
            _lowerCap(member);
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice A standing auto-donation: 0%, 100%, anything between, or above 100% (refused); to nobody in
    /// particular (the city), the city, the charity, the refusing recipient, or the stranger (refused).
    function setAutoDonate(uint256 p, uint256 c, uint256 beneficiarySeed, uint256 bpsSeed) external {
        (p, c) = _pick(p, c);
        uint256 choice = beneficiarySeed % (BENEFICIARIES + 1);
        address beneficiary = choice == 0 ? address(0) : _beneficiaries[choice - 1];
        uint256 bps;
        if (bpsSeed % 12 == 0) bps = _BPS + 1 + ((bpsSeed >> 4) % 1000);
        else if (bpsSeed % 12 == 1) bps = 0;
        else if (bpsSeed % 12 == 2) bps = _BPS;
        else bps = (bpsSeed >> 4) % (_BPS + 1);

        bytes memory expected;
        if (bps > _BPS) {
            expected = abi.encodeWithSelector(IRevenuePool.RevenuePoolInvalidBps.selector, bps);
        } else if (choice > 1 && !_registered[p * BENEFICIARIES + choice - 1]) {
            expected = abi.encodeWithSelector(
                IRevenuePool.RevenuePoolNotBeneficiary.selector,
                _pools[p].id,
                beneficiary
            );
        }

        VM.prank(_citizens[c]);
        try revenuePool.setAutoDonate(_pools[p].id, beneficiary, uint16(bps)) {
            if (expected.length != 0) ++mismatches;
            ModelMember storage member = _member(p, c);
            member.autoDonateBps = uint16(bps);
            member.autoDonateChoice = uint8(choice);
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice Where batch payouts pay a member: itself, its wallet, or the refusing recipient.
    function setPayoutAddress(uint256 p, uint256 c, uint256 choiceSeed) external {
        (p, c) = _pick(p, c);
        uint8 choice = uint8(choiceSeed % 3);
        address to = choice == 0 ? address(0) : (choice == 1 ? wallet : address(refuser));
        VM.prank(_citizens[c]);
        try revenuePool.setPayoutAddress(_pools[p].id, to) {
            _member(p, c).payoutChoice = choice;
            ++changes;
        } catch {
            ++mismatches;
        }
    }

    /// @notice A batch payout of citizens chosen by the bits of `listSeed`, possibly with a repeat and a stranger.
    function payout(uint256 p, uint256 listSeed) external {
        p %= POOLS;
        (address[] memory list, uint256[] memory indexes) = _list(listSeed);
        uint256 held = _balanceOf(p, address(revenuePool));

        // Anyone may call: the handler does.
        try revenuePool.payout(_pools[p].id, list) returns (uint256 paid, uint256 total) {
            (uint256 expectedPaid, uint256 expectedTotal) = _modelPayout(p, indexes);
            if (paid != expectedPaid || total != expectedTotal) ++mismatches;
            if (_balanceOf(p, address(revenuePool)) + total != held) ++mismatches;
            _paidOut(p, total);
            ++changes;
        } catch {
            ++mismatches;
        }
    }

    /// @notice The platform, the city or the provider is paid what the pool owes it (anyone may call).
    function withdrawParty(uint256 p, uint256 roleSeed) external {
        p %= POOLS;
        uint256 role = roleSeed % _ROLES;
        ModelPool storage pool = _pools[p];
        uint256 due = _modelEarned(p, role) - pool.withdrawn[role];
        address to = role == 0 ? treasury : (role == 1 ? city : provider);
        bytes memory expected;
        if (due == 0) expected = abi.encodeWithSelector(IRevenuePool.RevenuePoolNothingToClaim.selector, pool.id, to);
        uint256 before = _balanceOf(p, to);

        try revenuePool.withdraw(pool.id, IRevenuePool.Role(role)) returns (uint256 amount) {
            if (expected.length != 0 || amount != due || _balanceOf(p, to) != before + amount) ++mismatches;
            pool.withdrawn[role] += amount;
            _paidOut(p, amount);
            ++partyWithdrawals;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice A beneficiary is paid the donations the pool holds for it (anyone may call); the refusing recipient
    /// refuses native coin unless accepting.
    function withdrawDonations(uint256 p, uint256 beneficiarySeed) external {
        p %= POOLS;
        uint256 b = beneficiarySeed % BENEFICIARIES;
        // Three times in four, the first beneficiary from there on that is owed something.
        if ((beneficiarySeed / BENEFICIARIES) % 4 != 0) {
            for (uint256 i = 0; i < BENEFICIARIES; ++i) {
                if (_donations[p * BENEFICIARIES + ((b + i) % BENEFICIARIES)] != 0) {
                    b = (b + i) % BENEFICIARIES;
                    break;
                }
            }
        }
        address beneficiary = _beneficiaries[b];
        uint256 due = _donations[p * BENEFICIARIES + b];
        bytes memory expected;
        if (due == 0) {
            expected = abi.encodeWithSelector(
                IRevenuePool.RevenuePoolNothingToClaim.selector,
                _pools[p].id,
                beneficiary
            );
        } else if (_refuses(p, beneficiary)) {
            expected = abi.encodeWithSelector(IRevenuePool.RevenuePoolNativeTransferFailed.selector, beneficiary, due);
        }
        uint256 before = _balanceOf(p, beneficiary);

        try revenuePool.withdrawDonations(_pools[p].id, beneficiary) returns (uint256 amount) {
            if (expected.length != 0 || amount != due || _balanceOf(p, beneficiary) != before + amount) {
                ++mismatches;
            }
            _donations[p * BENEFICIARIES + b] = 0;
            _paidOut(p, amount);
            ++donationWithdrawals;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expected);
        }
    }

    /// @notice The provider registers or removes the charity or the refusing recipient as a beneficiary.
    function setBeneficiary(uint256 p, uint256 which, bool allowed) external {
        p %= POOLS;
        uint256 b = which % 2 == 0 ? _CHARITY : _REFUSER;
        VM.prank(provider);
        try revenuePool.setBeneficiary(_pools[p].id, _beneficiaries[b], allowed) {
            _registered[p * BENEFICIARIES + b] = allowed;
            ++changes;
        } catch {
            ++mismatches;
        }
    }

    function setRefuserAccepting(bool accepting) external {
        refuser.setAccepting(accepting);
        _refuserAccepting = accepting;
    }

    // ---------------------------------------------------------------------------------------------
    // Consent and time
    // ---------------------------------------------------------------------------------------------

    /// @notice A citizen grants (or renews) its consent, covering a random non-empty subset of the categories,
    /// for up to 3 days or for ever.
    function grantConsent(uint256 c, uint256 maskSeed, uint256 lifetimeSeed) external {
        c %= CITIZENS;
        uint8 mask = uint8(1 + (maskSeed % 7));
        uint64 validUntil =
            lifetimeSeed % 4 == 0
                ? type(uint64).max
                : uint64(block.timestamp + ((lifetimeSeed >> 2) % (_MAX_LIFETIME + 1)));
        VM.prank(_citizens[c]);
        try registry.grant(provider, _PURPOSE, _categoryList(mask), validUntil, bytes32(maskSeed)) {
            _consents[c] = ModelConsent({active: true, live: true, validUntil: validUntil, mask: mask});
            ++changes;
        } catch {
            ++mismatches;
        }
    }

    /// @notice A citizen withdraws its consent (refused if it is not active), or every half time all its consents
    /// at once (a withdraw-all: its consent stays active in storage but is void).
    function withdrawConsent(uint256 c, uint256 seed) external {
        c %= CITIZENS;
        address citizen = _citizens[c];
        if (seed % 2 == 0) {
            VM.prank(citizen);
            try registry.withdrawAll(citizen) {
                _consents[c].live = false;
                ++changes;
            } catch {
                ++mismatches;
            }
            return;
        }
        bytes memory expected;
        if (!_consents[c].active) {
            expected = abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryNothingToWithdraw.selector,
                registry.consentIdOf(citizen, provider, _PURPOSE)
            );
        }
        VM.prank(citizen);
        try registry.withdraw(citizen, provider, _PURPOSE) {
            if (expected.length != 0) ++mismatches;
            _consents[c].active = false;
            _consents[c].live = false;
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

    /// @notice The fixed world: pool ids, citizens, and the beneficiaries that can hold donations (the city, the
    /// charity, the refusing recipient; the stranger is never registered, so donations to it are always refused).
    function world()
        external
        view
        returns (uint256[] memory poolIds, address[] memory citizens, address[] memory beneficiaries)
    {
        poolIds = new uint256[](POOLS);
        for (uint256 p = 0; p < POOLS; ++p) poolIds[p] = _pools[p].id;
        citizens = new address[](CITIZENS);
        for (uint256 c = 0; c < CITIZENS; ++c) citizens[c] = _citizens[c];
        beneficiaries = new address[](_STRANGER);
        for (uint256 b = 0; b < _STRANGER; ++b) beneficiaries[b] = _beneficiaries[b];
    }

    function modelPools() external view returns (ModelPool[] memory pools) {
        pools = new ModelPool[](POOLS);
        for (uint256 p = 0; p < POOLS; ++p) pools[p] = _pools[p];
    }

    /// @notice The model of every citizen in every pool, in the order pool, citizen.
    function modelMembers() external view returns (ModelMember[] memory members) {
        members = new ModelMember[](POOLS * CITIZENS);
        for (uint256 i = 0; i < members.length; ++i) members[i] = _members[i];
    }

    /// @notice The model's weight of every citizen in every pool, in the order pool, citizen (a lean view: the
    /// invariants run after every call).
    function modelWeights() external view returns (uint256[] memory weights) {
        weights = new uint256[](POOLS * CITIZENS);
        for (uint256 i = 0; i < weights.length; ++i) weights[i] = _members[i].weight;
    }

    /// @notice For every citizen in every pool, whether it is settled out (and not joined again since), and the
    /// most its balance may be while so.
    function modelSettledOut() external view returns (bool[] memory settledOut, uint256[] memory caps) {
        settledOut = new bool[](POOLS * CITIZENS);
        caps = new uint256[](POOLS * CITIZENS);
        for (uint256 i = 0; i < settledOut.length; ++i) {
            settledOut[i] = _members[i].settledOut;
            caps[i] = _members[i].capAfterSettleOut;
        }
    }

    /// @notice The donations each pool holds for each beneficiary of `world()`, in the order pool, beneficiary.
    function modelDonations() external view returns (uint256[] memory donations) {
        donations = new uint256[](POOLS * _STRANGER);
        for (uint256 p = 0; p < POOLS; ++p) {
            for (uint256 b = 0; b < _STRANGER; ++b) donations[p * _STRANGER + b] = _donations[p * BENEFICIARIES + b];
        }
    }

    /// @notice The ghosts by token: paid in, paid out.
    function ghosts() external view returns (uint256[2] memory paidIn, uint256[2] memory paidOut) {
        return (ghostIn, ghostOut);
    }

    // ---------------------------------------------------------------------------------------------
    // Internals: the model
    // ---------------------------------------------------------------------------------------------

    /// @dev A payment of `amount` into pool `p`: each party's share is the increase of the floor of its share of
    /// the running total; the contributors' share, plus what was carried or left unassigned, is pushed to the
    /// members: `floor(credit / totalWeight)` per unit of weight, the rest carried (all of it unassigned while no
    /// member has weight).
    function _modelCredit(uint256 p, uint256 amount) private returns (uint256[4] memory split) {
        ModelPool storage pool = _pools[p];
        uint256 before = pool.received;
        uint256 total = before + amount;
        for (uint256 r = 0; r < 4; ++r) split[r] = (total * pool.shares[r]) / _BPS - (before * pool.shares[r]) / _BPS;
        pool.received = total;
        pool.paidIn += amount;
        ghostIn[pool.tokenIndex] += amount;

        uint256 credit = split[3] + pool.carried + pool.unassigned;
        uint256 totalWeight = 0;
        for (uint256 c = 0; c < CITIZENS; ++c) totalWeight += _member(p, c).weight;
        pool.weightAtLastCredit = totalWeight;
        if (totalWeight == 0) {
            pool.carried = 0;
            pool.unassigned = credit;
            return split;
        }
        uint256 perWeight = credit / totalWeight;
        uint256 spread = 0;
        for (uint256 c = 0; c < CITIZENS; ++c) {
            ModelMember storage member = _member(p, c);
            uint256 earned = uint256(member.weight) * perWeight;
            member.balance += earned;
            member.credited += earned;
            spread += earned;
        }
        pool.carried = credit - spread;
        pool.unassigned = 0;
    }

    function _modelSetWeight(uint256 p, uint256 c, uint32 weight) private {
        ModelMember storage member = _member(p, c);
        member.weight = weight;
        if (weight != 0) member.settledOut = false;
    }

    function _modelSettleOut(uint256 p, uint256 c) private {
        ModelMember storage member = _member(p, c);
        member.weight = 0;
        member.settledOut = true;
        member.capAfterSettleOut = member.balance;
        ++settleOuts;
    }

    /// @dev A claim of everything: `amount` to the recipient, `fee` to the relayer, `donated` to the beneficiary.
    function _modelClaim(uint256 p, uint256 c, uint256 amount, uint256 fee, uint256 donated) private {
        ModelMember storage member = _member(p, c);
        member.balance = 0;
        member.claimed += amount + fee;
        _modelAutoDonate(p, c, donated);
        _paidOut(p, amount + fee);
        _lowerCap(member);
    }

    /// @dev Pays the listed members in order: a member with nothing is skipped (so a repeat is not paid twice);
    /// one whose recipient refuses keeps everything, its auto-donation included.
    function _modelPayout(uint256 p, uint256[] memory indexes) private returns (uint256 paid, uint256 total) {
        for (uint256 i = 0; i < indexes.length; ++i) {
            uint256 c = indexes[i];
            if (c == CITIZENS) continue; // the stranger has nothing
            ModelMember storage member = _member(p, c);
            uint256 balance = member.balance;
            if (balance == 0) continue;
            uint256 donated = (balance * member.autoDonateBps) / _BPS;
            uint256 amount = balance - donated;
            address to =
                member.payoutChoice == 0 ? _citizens[c] : (member.payoutChoice == 1 ? wallet : address(refuser));
            if (amount != 0 && _refuses(p, to)) {
                ++payoutsFailed;
                continue;
            }
            member.balance = 0;
            member.paidOut += amount;
            _modelAutoDonate(p, c, donated);
            _lowerCap(member);
            ++paid;
            total += amount;
            ++payoutsPaid;
        }
    }

    /// @dev An auto-donation goes to the member's chosen beneficiary if it is still registered, else to the city.
    function _modelAutoDonate(uint256 p, uint256 c, uint256 amount) private {
        if (amount == 0) return;
        ModelMember storage member = _member(p, c);
        uint256 b = member.autoDonateChoice == 0 ? _CITY : member.autoDonateChoice - 1;
        if (!_registered[p * BENEFICIARIES + b]) b = _CITY;
        _donations[p * BENEFICIARIES + b] += amount;
        member.donated += amount;
        ++autoDonations;
    }

    function _recordSale(uint256 p, uint256 price) private {
        (bool found, IDataLicensing.Sale memory sale) = SaleLogs.recordedSale(address(licensing));
        uint256[4] memory split;
        if (price != 0) split = _modelCredit(p, price);
        if (
            !found ||
            sale.price != price ||
            sale.platformFee != split[0] ||
            sale.cityShare != split[1] ||
            sale.providerShare != split[2] ||
            sale.contributorsShare != split[3]
        ) ++mismatches;
        ++sales;
        ++changes;
    }

    function _paidOut(uint256 p, uint256 amount) private {
        _pools[p].paidOut += amount;
        ghostOut[_pools[p].tokenIndex] += amount;
    }

    /// @dev While settled out, a member's balance may only go down.
    function _lowerCap(ModelMember storage member) private {
        if (member.settledOut) member.capAfterSettleOut = member.balance;
    }

    function _modelEarned(uint256 p, uint256 role) private view returns (uint256) {
        return (_pools[p].received * _pools[p].shares[role]) / _BPS;
    }

    function _consentValid(uint256 c, uint256 p) private view returns (bool) {
        ModelConsent storage consent = _consents[c];
        uint8 required = _pools[p].requiredMask;
        return consent.live && block.timestamp <= consent.validUntil && (consent.mask & required) == required;
    }

    /// @dev Whether paying native coin from pool `p` to `to` fails.
    function _refuses(uint256 p, address to) private view returns (bool) {
        return p == _NATIVE_POOL && to == address(refuser) && !_refuserAccepting;
    }

    // ---------------------------------------------------------------------------------------------
    // Internals: predictions and helpers
    // ---------------------------------------------------------------------------------------------

    function _joinRefusal(uint256 p, uint256 c, uint32 weight) private view returns (bytes memory) {
        if (weight == 0) return abi.encodeWithSelector(IRevenuePool.RevenuePoolInvalidWeight.selector, 0);
        if (_member(p, c).weight != 0) {
            return abi.encodeWithSelector(IRevenuePool.RevenuePoolAlreadyMember.selector, _pools[p].id, _citizens[c]);
        }
        if (!_consentValid(c, p)) return _noValidConsent(p, c);
        return "";
    }

    /// @dev What member `c` of pool `p` can claim, and the part of it its auto-donation takes.
    function _claimable(uint256 p, uint256 c) private view returns (uint256 balance, uint256 donated) {
        ModelMember storage member = _member(p, c);
        balance = member.balance;
        donated = (balance * member.autoDonateBps) / _BPS;
    }

    /// @dev The refusal of a claim by member `c` to `to` paying the relayer `fee`, in the contract's order: the
    /// recipient, the balance, the fee, then the transfers (the fee first, then the rest, if any, to `to`).
    function _claimRefusal(uint256 p, uint256 c, address to, uint256 fee) private view returns (bytes memory) {
        (uint256 balance, uint256 donated) = _claimable(p, c);
        uint256 rest = balance - donated;
        if (to == address(0)) return abi.encodeWithSelector(IRevenuePool.RevenuePoolZeroAddress.selector);
        if (balance == 0) {
            return abi.encodeWithSelector(IRevenuePool.RevenuePoolNothingToClaim.selector, _pools[p].id, _citizens[c]);
        }
        if (fee > rest) return abi.encodeWithSelector(IRevenuePool.RevenuePoolFeeExceedsClaim.selector, fee, rest);
        if (rest - fee != 0 && _refuses(p, to)) {
            return abi.encodeWithSelector(IRevenuePool.RevenuePoolNativeTransferFailed.selector, to, rest - fee);
        }
        return "";
    }

    function _notMember(uint256 p, uint256 c) private view returns (bytes memory) {
        return abi.encodeWithSelector(IRevenuePool.RevenuePoolNotMember.selector, _pools[p].id, _citizens[c]);
    }

    function _noValidConsent(uint256 p, uint256 c) private view returns (bytes memory) {
        return abi.encodeWithSelector(IRevenuePool.RevenuePoolNoValidConsent.selector, _pools[p].id, _citizens[c]);
    }

    /// @dev Citizens chosen by the low 5 bits; bit 5 adds a repeat of one of them, bit 6 a stranger (index
    /// `CITIZENS`), who has nothing and is no member.
    function _list(uint256 seed) private view returns (address[] memory list, uint256[] memory indexes) {
        uint256 count = 0;
        for (uint256 c = 0; c < CITIZENS; ++c) {
            if ((seed >> c) & 1 == 1) ++count;
        }
        bool repeat = (seed >> 5) & 1 == 1;
        bool withStranger = (seed >> 6) & 1 == 1;
        uint256 length = count + (repeat ? 1 : 0) + (withStranger ? 1 : 0);
        list = new address[](length);
        indexes = new uint256[](length);
        uint256 next = 0;
        for (uint256 c = 0; c < CITIZENS; ++c) {
            if ((seed >> c) & 1 == 1) indexes[next++] = c;
        }
        if (repeat) indexes[next++] = (seed >> 7) % CITIZENS;
        if (withStranger) indexes[next++] = CITIZENS;
        for (uint256 i = 0; i < length; ++i) list[i] = indexes[i] == CITIZENS ? stranger : _citizens[indexes[i]];
    }

    function _claimRecipient(uint256 c, uint256 seed) private view returns (address) {
        uint256 choice = seed % 8;
        if (choice == 7) return address(0);
        if (choice >= 4) return _citizens[c];
        if (choice >= 2) return wallet;
        return address(refuser);
    }

    /// @dev A weight: one time in eight above 2^31 (payments then mostly carry), otherwise 1..1000.
    function _weight(uint256 seed) private pure returns (uint32) {
        if (seed % 8 == 0) return uint32((1 << 31) + ((seed >> 3) % (1 << 31)));
        return uint32(1 + ((seed >> 3) % 1_000));
    }

    /// @dev An amount: a quarter of the time tiny (1..300 wei), otherwise up to 10^21 wei.
    function _amount(uint256 seed) private pure returns (uint256) {
        if (seed % 4 == 0) return 1 + ((seed >> 2) % 300);
        return 1 + ((seed >> 2) % 1e21);
    }

    function _balanceOf(uint256 p, address account) private view returns (uint256) {
        return p == _NATIVE_POOL ? account.balance : token.balanceOf(account);
    }

    function _member(uint256 p, uint256 c) private view returns (ModelMember storage) {
        return _members[p * CITIZENS + c];
    }

    function _createPool(uint256 p, uint32 partiesId, PoolSetup memory setup) private {
        uint32 categorySetId = registry.registerCategorySet(_categoryList(setup.requiredMask));
        VM.prank(provider);
        uint256 poolId = revenuePool.createPool(
            IRevenuePool.PoolParams({
                token: setup.token,
                city: city,
                platformBps: setup.platformBps,
                cityBps: setup.cityBps,
                providerBps: setup.providerBps,
                contributorsBps: setup.contributorsBps,
                consentGrantee: provider,
                purpose: _PURPOSE,
                categorySetId: categorySetId,
                defaultWeight: setup.defaultWeight
            })
        );
        bytes32[] memory purposes = new bytes32[](1);
        purposes[0] = _PURPOSE;
        VM.prank(provider);
        uint256 productId = licensing.publish(
            IDataLicensing.ProductParams({
                partiesId: partiesId,
                token: setup.token,
                price: setup.price,
                period: _PERIOD,
                renewable: true,
                cityBps: 0,
                providerBps: 0,
                purposes: purposes,
                consentGrantee: provider,
                metadataURI: "ipfs://product",
                termsHash: keccak256(abi.encode("terms", p)),
                poolId: uint64(poolId)
            })
        );
        ModelPool storage pool = _pools[p];
        pool.id = poolId;
        pool.token = setup.token;
        pool.tokenIndex = setup.token == address(0) ? 1 : 0;
        pool.shares = [
            uint256(setup.platformBps),
            uint256(setup.cityBps),
            uint256(setup.providerBps),
            uint256(setup.contributorsBps)
        ];
        pool.defaultWeight = setup.defaultWeight;
        pool.requiredMask = setup.requiredMask;
        pool.productId = productId;
        pool.price = setup.price;
    }

    function _setAutoDonateAtStart(uint256 p, uint256 c, uint256 b, uint16 bps) private {
        VM.prank(_citizens[c]);
        revenuePool.setAutoDonate(_pools[p].id, _beneficiaries[b], bps);
        _member(p, c).autoDonateBps = bps;
        _member(p, c).autoDonateChoice = uint8(1 + b);
    }

    function _setPayoutAddressAtStart(uint256 p, uint256 c, uint8 choice) private {
        VM.prank(_citizens[c]);
        revenuePool.setPayoutAddress(_pools[p].id, choice == 1 ? wallet : address(refuser));
        _member(p, c).payoutChoice = choice;
    }

    function _categoryList(uint8 mask) private view returns (bytes32[] memory list) {
        uint256 count = 0;
        for (uint256 i = 0; i < 3; ++i) {
            if ((mask >> i) & 1 == 1) ++count;
        }
        list = new bytes32[](count);
        uint256 next = 0;
        for (uint256 i = 0; i < 3; ++i) {
            if ((mask >> i) & 1 == 1) list[next++] = _categories[i];
        }
    }

    /// @dev Three times in four (by the citizen seed's high part), the first citizen from `c % CITIZENS` on who
    /// can act successfully: a non-member with valid consent (to join), a member, a member whose consent lapsed (to
    /// settle out), or one with a balance (to claim or donate); if there is none, and otherwise, `c % CITIZENS`.
    /// Without it, most of a run's joins, claims and settle-outs would be refused.
    function _steer(uint256 p, uint256 c, uint256 kind) private view returns (uint256, uint256) {
        p %= POOLS;
        bool steered = (c / CITIZENS) % 4 != 0;
        c %= CITIZENS;
        if (!steered) return (p, c);
        for (uint256 i = 0; i < CITIZENS; ++i) {
            uint256 k = (c + i) % CITIZENS;
            ModelMember storage member = _member(p, k);
            bool fits;
            if (kind == _NON_MEMBER) fits = member.weight == 0 && _consentValid(k, p);
            else if (kind == _MEMBER) fits = member.weight != 0;
            else if (kind == _LAPSED_MEMBER) fits = member.weight != 0 && !_consentValid(k, p);
            else fits = member.balance != 0;
            if (fits) return (p, k);
        }
        return (p, c);
    }

    function _pick(uint256 p, uint256 c) private pure returns (uint256, uint256) {
        return (p % POOLS, c % CITIZENS);
    }

    function _labelled(string memory label) private pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("RevenuePoolHandler", label)))));
    }
}

/// @notice Handler-based invariant tests of RevenuePool's money: after any sequence of joins, leaves, weight
/// changes, deposits, licence sales, claims, donations, auto-donations, payouts, consent changes, settle-outs and
/// withdrawals, every pool's recorded balances add up to exactly what it holds, everything paid in was paid out or
/// is held, and every member's balance is, to the wei, what an independent push model of the rules credits it.
contract RevenuePoolInvariantTest is InvariantBase {
    RevenuePoolHandler internal _handler;
    RevenuePool internal _pool;
    MockERC20 internal _token;
    address internal _licensing;

    // The handler's fixed world, copied once: invariants run after every call, so they avoid extra calls.
    uint256[] internal _poolIds;
    address[] internal _citizens;
    address[] internal _beneficiaries;
    uint256 internal constant _NATIVE = 1;

    function setUp() public {
        VM.warp(1_750_000_000);
        _handler = new RevenuePoolHandler();
        _pool = _handler.revenuePool();
        _token = _handler.token();
        _licensing = address(_handler.licensing());
        (_poolIds, _citizens, _beneficiaries) = _handler.world();
        _targetContract(address(_handler));
    }

    /// @notice (1) Recorded equals held, to the wei. Per pool, what it records (the parties' `owed`, every member's
    /// `claimableOf`, every beneficiary's `donationsOf`, `carried`, `unassigned` and `splitRemainder`) equals what
    /// was paid into it less what it paid out; and per token, the pool contract's balance is the sum of that over
    /// the pools paid in it.
    function invariant_heldEqualsRecorded() public view {
        RevenuePoolHandler.ModelPool[] memory pools = _handler.modelPools();
        uint256[2] memory recordedByToken;
        for (uint256 p = 0; p < _poolIds.length; ++p) {
            uint256 recorded = _recorded(_poolIds[p]);
            _assertEq(recorded, pools[p].paidIn - pools[p].paidOut, "pool records != paid in - paid out");
            recordedByToken[pools[p].tokenIndex] += recorded;
        }
        _assertEq(_token.balanceOf(address(_pool)), recordedByToken[0], "token balance != sum of records");
        _assertEq(address(_pool).balance, recordedByToken[_NATIVE], "native balance != sum of records");
    }

    /// @notice (2) Conservation, per token: everything paid in (deposits and sale prices) was paid out (claims,
    /// relayers' fees, payouts, party and donation withdrawals, as the contract returned them) or is held; and
    /// DataLicensing keeps nothing of a pool product's sale.
    function invariant_paidInEqualsPaidOutPlusHeld() public view {
        (uint256[2] memory paidIn, uint256[2] memory paidOut) = _handler.ghosts();
        _assertEq(paidIn[0], paidOut[0] + _token.balanceOf(address(_pool)), "token: in != out + held");
        _assertEq(paidIn[_NATIVE], paidOut[_NATIVE] + address(_pool).balance, "native: in != out + held");
        _assertEq(_token.balanceOf(_licensing), 0, "DataLicensing kept tokens of a pool sale");
        _assertEq(_licensing.balance, 0, "DataLicensing kept native coin of a pool sale");
    }

    /// @notice (3) Each pool's total weight is the sum of its members' weights; each weight is the model's.
    function invariant_totalWeightIsSumOfWeights() public view {
        uint256[] memory model = _handler.modelWeights();
        for (uint256 p = 0; p < _poolIds.length; ++p) {
            uint256 sum = 0;
            for (uint256 c = 0; c < _citizens.length; ++c) {
                uint256 weight = _pool.memberOf(_poolIds[p], _citizens[c]).weight;
                _assertEq(weight, model[p * _citizens.length + c], "member's weight != model");
                sum += weight;
            }
            _assertEq(_pool.getPool(_poolIds[p]).totalWeight, sum, "totalWeight != sum of members' weights");
        }
    }

    /// @notice (4) A member settled out (its consent no longer valid) and not joined again since has weight 0, and
    /// its claimable balance has not grown since the settle-out (it only went down, by claims and donations).
    function invariant_settledOutMembersStopEarning() public view {
        (bool[] memory settledOut, uint256[] memory caps) = _handler.modelSettledOut();
        for (uint256 p = 0; p < _poolIds.length; ++p) {
            for (uint256 c = 0; c < _citizens.length; ++c) {
                uint256 i = p * _citizens.length + c;
                if (!settledOut[i]) continue;
                IRevenuePool.Member memory stored = _pool.memberOf(_poolIds[p], _citizens[c]);
                _assertEq(stored.weight, 0, "settled-out member has weight");
                _assertTrue(stored.claimable <= caps[i], "settled-out member's balance grew");
            }
        }
    }

    /// @notice (5) Remainders are small and as the model says: the split's remainder is at most 3 wei; what is
    /// carried is below the total weight the last payment was spread over (or zero); what is unassigned was
    /// received while the pool had no weight; received, carried and unassigned equal the model's. (Not "below the
    /// current total weight": a weight decrease after a payment can leave `carried >= totalWeight` until the next
    /// payment spreads it; see `test_carried_canReachTotalWeightAfterALeave_andTheNextPaymentSpreadsIt`.)
    function invariant_remaindersBounded() public view {
        RevenuePoolHandler.ModelPool[] memory pools = _handler.modelPools();
        for (uint256 p = 0; p < _poolIds.length; ++p) {
            uint256 remainder = _pool.splitRemainder(_poolIds[p]);
            IRevenuePool.Accounts memory accounts = _pool.accountsOf(_poolIds[p]);
            RevenuePoolHandler.ModelPool memory pool = pools[p];
            _assertTrue(remainder <= 3, "split remainder above 3 wei");
            uint256 assigned = 0;
            for (uint256 r = 0; r < 4; ++r) assigned += (pool.received * pool.shares[r]) / 10_000;
            _assertEq(remainder, pool.received - assigned, "split remainder != model");
            _assertEq(accounts.received, pool.received, "received != model");
            _assertEq(accounts.carried, pool.carried, "carried != model");
            _assertEq(accounts.unassigned, pool.unassigned, "unassigned != model");
            _assertTrue(
                accounts.carried == 0 || accounts.carried < pool.weightAtLastCredit,
                "carried not below the weight it was divided by"
            );
            _assertTrue(
                accounts.unassigned == 0 || pool.weightAtLastCredit == 0,
                "unassigned while members had weight"
            );
        }
    }

    /// @notice (6) Nobody is paid twice, nor short-changed: every member's claimable balance is, to the wei, what
    /// the handler's push model says; everything the model credited a member equals what it can still claim plus
    /// what it was paid (claims with their relayers' fees, payouts) and donated; and per pool, what the members were
    /// credited plus what is carried and unassigned is exactly the contributors' floor of the running total.
    function invariant_nobodyPaidTwice() public view {
        RevenuePoolHandler.ModelMember[] memory model = _handler.modelMembers();
        RevenuePoolHandler.ModelPool[] memory pools = _handler.modelPools();
        for (uint256 p = 0; p < _poolIds.length; ++p) {
            uint256 credited = 0;
            for (uint256 c = 0; c < _citizens.length; ++c) {
                RevenuePoolHandler.ModelMember memory member = model[p * _citizens.length + c];
                uint256 claimable = _pool.claimableOf(_poolIds[p], _citizens[c]);
                _assertEq(claimable, member.balance, "claimable != model");
                _assertEq(
                    member.credited,
                    claimable + member.claimed + member.paidOut + member.donated,
                    "credited != claimable + claimed + paid out + donated"
                );
                credited += member.credited;
            }
            IRevenuePool.Accounts memory accounts = _pool.accountsOf(_poolIds[p]);
            _assertEq(
                credited + accounts.carried + accounts.unassigned,
                (accounts.received * pools[p].shares[3]) / 10_000,
                "members' credits + carried + unassigned != contributors' share"
            );
        }
    }

    /// @notice What each pool owes each party, and holds for each beneficiary, is the model's.
    function invariant_partiesAndDonationsMatchModel() public view {
        RevenuePoolHandler.ModelPool[] memory pools = _handler.modelPools();
        uint256[] memory donations = _handler.modelDonations();
        for (uint256 p = 0; p < _poolIds.length; ++p) {
            uint256[3] memory owed = _pool.owed(_poolIds[p]);
            for (uint256 role = 0; role < 3; ++role) {
                _assertEq(
                    owed[role],
                    (pools[p].received * pools[p].shares[role]) / 10_000 - pools[p].withdrawn[role],
                    "owed != model"
                );
            }
            for (uint256 b = 0; b < _beneficiaries.length; ++b) {
                _assertEq(
                    _pool.donationsOf(_poolIds[p], _beneficiaries[b]),
                    donations[p * _beneficiaries.length + b],
                    "donationsOf != model"
                );
            }
        }
    }

    /// @notice Every action succeeded or failed (with the exact error) as the model predicted, and every amount the
    /// contract returned (splits, claims, payouts, withdrawals) was the model's.
    function invariant_outcomesMatchModel() public view {
        _assertEq(_handler.mismatches(), 0, "an action's outcome differed from the model");
    }

    /// @dev Everything pool `poolId` records as owed or held: the parties' dues, members' balances, donations, and
    /// the three remainders.
    function _recorded(uint256 poolId) private view returns (uint256 recorded) {
        uint256[3] memory owed = _pool.owed(poolId);
        recorded = owed[0] + owed[1] + owed[2];
        for (uint256 c = 0; c < _citizens.length; ++c) recorded += _pool.claimableOf(poolId, _citizens[c]);
        for (uint256 b = 0; b < _beneficiaries.length; ++b) recorded += _pool.donationsOf(poolId, _beneficiaries[b]);
        IRevenuePool.Accounts memory accounts = _pool.accountsOf(poolId);
        recorded += accounts.carried + accounts.unassigned + _pool.splitRemainder(poolId);
    }
}
