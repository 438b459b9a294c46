// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {ConsentTypedData} from "./utils/ConsentTypedData.sol";
import {Eip712} from "./utils/Eip712.sol";
import {HandlerBase} from "./utils/HandlerBase.sol";
import {InvariantBase} from "./utils/InvariantBase.sol";
import {VM} from "./utils/Vm.sol";

/// @notice Drives a ConsentRegistry with random actions over a small fixed world (4 subjects, 2 grantees,
/// 2 purposes, 3 categories, 2 would-be operators) and keeps a ghost model of what should be valid.
/// @dev The model does not know about epochs: a withdraw-all simply marks every consent of the subject
/// as no longer live, so the registry's epoch mechanism is checked against a plain description of the
/// rules. Every action also predicts whether the registry must accept or refuse it (and with which
/// error); a wrong prediction is counted in `mismatches`, which the invariant test requires to stay zero.
///
/// Signed grants are also held back: `signGrantForLater` signs a grant against the state the subject sees
/// now, and `relayHeldGrant` relays it at some later point of the campaign, as often as the fuzzer likes.
/// The model says it goes through only if nothing happened to that consent (its nonce) or to the subject
/// (a withdraw-all) since the signature, its deadline has not passed and its expiry is not in the past;
/// otherwise it must be refused with the first of those errors, in the registry's order.
contract ConsentRegistryHandler is HandlerBase {
    uint256 public constant SUBJECTS = 4;
    uint256 public constant GRANTEES = 2;
    uint256 public constant PURPOSES = 2;
    uint256 public constant CATEGORIES = 3;
    uint256 internal constant _OPERATORS = 2;
    uint256 internal constant _MAX_LIFETIME = 3 days;
    uint256 internal constant _MAX_WARP = 1 days;

    /// @notice What the model says about one consent.
    struct ModelConsent {
        bool active; // granted and not withdrawn: a withdrawal must succeed
        bool live; // active and not voided by a withdraw-all since its grant
        uint64 validUntil;
        uint8 categoryMask; // bit i set: covers categories[i]
        uint64 nonce;
    }

    ConsentRegistry public immutable registry;
    address public immutable relayer;

    address[SUBJECTS] private _subjects;
    uint256[SUBJECTS] private _subjectKeys;
    address[GRANTEES] private _grantees;
    bytes32[PURPOSES] private _purposes;
    bytes32[CATEGORIES] private _categories;
    address[_OPERATORS] private _operators;

    /// @notice A grant signed earlier and not relayed yet (or relayed already, to be replayed).
    struct HeldGrant {
        IConsentRegistry.GrantRequest request;
        bytes signature;
        uint8 mask;
    }

    /// @dev Indexed by `(s * GRANTEES + g) * PURPOSES + p`.
    mapping(uint256 consentIndex => ModelConsent) private _model;
    mapping(uint256 consentIndex => HeldGrant) private _held;
    mapping(uint256 subjectIndex => address) private _modelOperator;
    mapping(uint256 subjectIndex => uint32) private _modelWithdrawAlls;

    /// @notice Held grants relayed successfully, and refused (stale nonce or epoch, deadline, expiry).
    uint256 public heldGrantsRelayed;
    uint256 public heldGrantsRefused;

    constructor(ConsentRegistry registry_) {
        registry = registry_;
        relayer = address(uint160(uint256(keccak256("handler relayer"))));
        for (uint256 s = 0; s < SUBJECTS; ++s) {
            _subjectKeys[s] = uint256(keccak256(abi.encode("handler subject", s)));
            _subjects[s] = VM.addr(_subjectKeys[s]);
        }
        _grantees[0] = address(uint160(uint256(keccak256("handler grantee 0"))));
        _grantees[1] = address(uint160(uint256(keccak256("handler grantee 1"))));
        _purposes[0] = keccak256("https://w3id.org/dpv#ServiceProvision");
        _purposes[1] = keccak256("https://w3id.org/dpv#Marketing");
        // Ascending, so every subset taken in index order is a valid (sorted) category list.
        _categories[0] = bytes32(uint256(0x1000));
        _categories[1] = bytes32(uint256(0x2000));
        _categories[2] = bytes32(uint256(0x3000));
        _operators[0] = address(uint160(uint256(keccak256("handler operator 0"))));
        _operators[1] = address(uint160(uint256(keccak256("handler operator 1"))));
    }

    // ---------------------------------------------------------------------------------------------
    // Actions (called at random by the invariant fuzzer)
    // ---------------------------------------------------------------------------------------------

    function grant(uint256 s, uint256 g, uint256 p, uint256 maskSeed, uint256 lifetimeSeed) external {
        (s, g, p) = _pick(s, g, p);
        uint8 mask = uint8(1 + (maskSeed % 7));
        uint64 validUntil = uint64(block.timestamp + (lifetimeSeed % (_MAX_LIFETIME + 1)));

        VM.prank(_subjects[s]);
        try registry.grant(_grantees[g], _purposes[p], _categoryList(mask), validUntil, bytes32(maskSeed)) {
            _recordGrant(s, g, p, mask, validUntil);
        } catch {
            ++mismatches;
        }
    }

    function grantWithPastExpiry(uint256 s, uint256 g, uint256 p, uint256 agoSeed) external {
        (s, g, p) = _pick(s, g, p);
        uint64 validUntil = uint64(block.timestamp - 1 - (agoSeed % _MAX_LIFETIME));

        VM.prank(_subjects[s]);
        try registry.grant(_grantees[g], _purposes[p], _categoryList(7), validUntil, bytes32(0)) {
            ++mismatches;
        } catch (bytes memory reason) {
            _expectError(
                reason,
                abi.encodeWithSelector(
                    IConsentRegistry.ConsentRegistryExpiryInPast.selector,
                    validUntil,
                    block.timestamp
                )
            );
        }
    }

    function grantBySig(uint256 s, uint256 g, uint256 p, uint256 maskSeed, uint256 lifetimeSeed) external {
        (s, g, p) = _pick(s, g, p);
        uint8 mask = uint8(1 + (maskSeed % 7));
        IConsentRegistry.GrantRequest memory request = _grantRequest(s, g, p, mask, lifetimeSeed);
        bytes memory signature = Eip712.sign(_subjectKeys[s], _grantDigest(request));

        VM.prank(relayer);
        try registry.grantBySig(request, signature) {
            _recordGrant(s, g, p, mask, request.validUntil);
        } catch {
            ++mismatches;
        }
    }

    /// @notice Signs a grant against the current state (the consent's nonce, the subject's epoch) and keeps it
    /// for `relayHeldGrant`, with a deadline up to two days ahead.
    function signGrantForLater(
        uint256 s,
        uint256 g,
        uint256 p,
        uint256 maskSeed,
        uint256 lifetimeSeed,
        uint256 deadlineSeed
    ) external {
        (s, g, p) = _pick(s, g, p);
        uint8 mask = uint8(1 + (maskSeed % 7));
        IConsentRegistry.GrantRequest memory request = _grantRequest(s, g, p, mask, lifetimeSeed);
        request.deadline = block.timestamp + (deadlineSeed % 2 days);
        HeldGrant storage held = _held[_index(s, g, p)];
        held.request = request;
        held.signature = Eip712.sign(_subjectKeys[s], _grantDigest(request));
        held.mask = mask;
    }

    /// @notice Relays the grant held for this consent, if any: the first time, or again (a replay).
    function relayHeldGrant(uint256 s, uint256 g, uint256 p) external {
        (s, g, p) = _pick(s, g, p);
        HeldGrant storage held = _held[_index(s, g, p)];
        IConsentRegistry.GrantRequest memory request = held.request;
        if (request.subject == address(0)) return; // nothing signed for this consent yet

        // In the registry's order: the consent's nonce, the subject's epoch, the deadline, the expiry.
        uint64 nonce = _model[_index(s, g, p)].nonce;
        uint32 epoch = _modelWithdrawAlls[s];
        bytes memory expectedError;
        if (request.nonce != nonce) {
            expectedError = abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryInvalidNonce.selector,
                nonce,
                request.nonce
            );
        } else if (request.epoch != epoch) {
            expectedError = abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryStaleEpoch.selector,
                epoch,
                request.epoch
            );
        } else if (block.timestamp > request.deadline) {
            expectedError = abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryExpiredSignature.selector,
                request.deadline
            );
        } else if (request.validUntil < block.timestamp) {
            expectedError = abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryExpiryInPast.selector,
                request.validUntil,
                block.timestamp
            );
        }

        VM.prank(relayer);
        try registry.grantBySig(request, held.signature) {
            if (expectedError.length != 0) {
                ++mismatches;
                return;
            }
            _recordGrant(s, g, p, held.mask, request.validUntil);
            ++heldGrantsRelayed;
        } catch (bytes memory reason) {
            _expectError(reason, expectedError);
            ++heldGrantsRefused;
        }
    }

    function withdraw(uint256 s, uint256 g, uint256 p) external {
        (s, g, p) = _pick(s, g, p);
        _withdrawAs(_subjects[s], s, g, p);
    }

    /// @notice The subject signs a withdrawal against the consent's current nonce; the relayer sends it at once.
    function withdrawBySig(uint256 s, uint256 g, uint256 p) external {
        (s, g, p) = _pick(s, g, p);
        ModelConsent storage consent = _model[_index(s, g, p)];
        IConsentRegistry.WithdrawRequest memory request = IConsentRegistry.WithdrawRequest({
            subject: _subjects[s],
            grantee: _grantees[g],
            purpose: _purposes[p],
            nonce: consent.nonce,
            deadline: block.timestamp
        });
        bytes memory signature = Eip712.sign(
            _subjectKeys[s],
            ConsentTypedData.digest(address(registry), ConsentTypedData.withdrawStructHash(request))
        );
        bytes memory expectedError;
        if (!consent.active) {
            expectedError = abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryNothingToWithdraw.selector,
                registry.consentIdOf(request.subject, request.grantee, request.purpose)
            );
        }

        VM.prank(relayer);
        try registry.withdrawBySig(request, signature) {
            if (expectedError.length != 0) {
                ++mismatches;
                return;
            }
            consent.active = false;
            consent.live = false;
            ++consent.nonce;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expectedError);
        }
    }

    function withdrawAll(uint256 s) external {
        s %= SUBJECTS;
        _withdrawAllAs(_subjects[s], s);
    }

    function setOperator(uint256 s, uint256 operatorSeed) external {
        s %= SUBJECTS;
        uint256 choice = operatorSeed % (_OPERATORS + 1);
        address operator = choice == _OPERATORS ? address(0) : _operators[choice];

        VM.prank(_subjects[s]);
        try registry.setOperator(operator) {
            _modelOperator[s] = operator;
            ++changes;
        } catch {
            ++mismatches;
        }
    }

    function operatorWithdraw(uint256 s, uint256 g, uint256 p, uint256 operatorSeed) external {
        (s, g, p) = _pick(s, g, p);
        _withdrawAs(_operators[operatorSeed % _OPERATORS], s, g, p);
    }

    function operatorWithdrawAll(uint256 s, uint256 operatorSeed) external {
        s %= SUBJECTS;
        _withdrawAllAs(_operators[operatorSeed % _OPERATORS], s);
    }

    function warp(uint256 secondsSeed) external {
        VM.warp(block.timestamp + (secondsSeed % (_MAX_WARP + 1)));
    }

    // ---------------------------------------------------------------------------------------------
    // The model, for the invariants
    // ---------------------------------------------------------------------------------------------

    /// @notice The fixed world: subjects, grantees, purposes, and the categories followed by one that no
    /// consent ever covers (`categories[CATEGORIES]`).
    function world()
        external
        view
        returns (
            address[] memory subjects,
            address[] memory grantees,
            bytes32[] memory purposes,
            bytes32[] memory categories
        )
    {
        subjects = new address[](SUBJECTS);
        for (uint256 s = 0; s < SUBJECTS; ++s) subjects[s] = _subjects[s];
        grantees = new address[](GRANTEES);
        for (uint256 g = 0; g < GRANTEES; ++g) grantees[g] = _grantees[g];
        purposes = new bytes32[](PURPOSES);
        for (uint256 p = 0; p < PURPOSES; ++p) purposes[p] = _purposes[p];
        categories = new bytes32[](CATEGORIES + 1);
        for (uint256 c = 0; c < CATEGORIES; ++c) categories[c] = _categories[c];
        categories[CATEGORIES] = bytes32(uint256(0x2500));
    }

    /// @notice What `isValid` must answer now, for every (subject, grantee, purpose, category) in the
    /// order subject, grantee, purpose, category (the last category being the never-covered one).
    function expectedValidity() external view returns (bool[] memory expected) {
        expected = new bool[](SUBJECTS * GRANTEES * PURPOSES * (CATEGORIES + 1));
        uint256 k = 0;
        for (uint256 i = 0; i < SUBJECTS * GRANTEES * PURPOSES; ++i) {
            ModelConsent memory consent = _model[i];
            bool inForce = consent.live && block.timestamp <= consent.validUntil;
            for (uint256 c = 0; c <= CATEGORIES; ++c) {
                expected[k] = inForce && c < CATEGORIES && (consent.categoryMask >> c) & 1 == 1;
                ++k;
            }
        }
    }

    /// @notice The model of every consent, in the order subject, grantee, purpose.
    function modelConsents() external view returns (ModelConsent[] memory consents) {
        consents = new ModelConsent[](SUBJECTS * GRANTEES * PURPOSES);
        for (uint256 i = 0; i < consents.length; ++i) consents[i] = _model[i];
    }

    /// @notice The model of every subject: its operator and how many withdraw-alls it made.
    function modelSubjects() external view returns (address[] memory operators, uint32[] memory withdrawAlls) {
        operators = new address[](SUBJECTS);
        withdrawAlls = new uint32[](SUBJECTS);
        for (uint256 s = 0; s < SUBJECTS; ++s) {
            operators[s] = _modelOperator[s];
            withdrawAlls[s] = _modelWithdrawAlls[s];
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    function _withdrawAs(address caller, uint256 s, uint256 g, uint256 p) private {
        address subject = _subjects[s];
        ModelConsent storage consent = _model[_index(s, g, p)];
        bool authorized = caller == subject || caller == _modelOperator[s];
        bytes memory expectedError;
        if (!authorized) {
            expectedError = abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryUnauthorized.selector,
                caller,
                subject
            );
        } else if (!consent.active) {
            expectedError = abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryNothingToWithdraw.selector,
                registry.consentIdOf(subject, _grantees[g], _purposes[p])
            );
        }

        VM.prank(caller);
        try registry.withdraw(subject, _grantees[g], _purposes[p]) {
            if (expectedError.length != 0) {
                ++mismatches;
                return;
            }
            consent.active = false;
            consent.live = false;
            ++consent.nonce;
            ++changes;
        } catch (bytes memory reason) {
            _expectError(reason, expectedError);
        }
    }

    function _withdrawAllAs(address caller, uint256 s) private {
        address subject = _subjects[s];
        bool authorized = caller == subject || caller == _modelOperator[s];

        VM.prank(caller);
        try registry.withdrawAll(subject) returns (uint32 epoch) {
            if (!authorized) {
                ++mismatches;
                return;
            }
            ++_modelWithdrawAlls[s];
            if (epoch != _modelWithdrawAlls[s]) ++mismatches;
            for (uint256 g = 0; g < GRANTEES; ++g) {
                for (uint256 p = 0; p < PURPOSES; ++p) {
                    _model[_index(s, g, p)].live = false;
                }
            }
            ++changes;
        } catch (bytes memory reason) {
            _expectError(
                reason,
                authorized
                    ? bytes("")
                    : abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, caller, subject)
            );
        }
    }

    function _recordGrant(uint256 s, uint256 g, uint256 p, uint8 mask, uint64 validUntil) private {
        ModelConsent storage consent = _model[_index(s, g, p)];
        consent.active = true;
        consent.live = true;
        consent.validUntil = validUntil;
        consent.categoryMask = mask;
        ++consent.nonce;
        ++changes;
    }

    function _categoryList(uint8 mask) private view returns (bytes32[] memory list) {
        uint256 count = 0;
        for (uint256 c = 0; c < CATEGORIES; ++c) {
            if ((mask >> c) & 1 == 1) ++count;
        }
        list = new bytes32[](count);
        uint256 next = 0;
        for (uint256 c = 0; c < CATEGORIES; ++c) {
            if ((mask >> c) & 1 == 1) {
                list[next] = _categories[c];
                ++next;
            }
        }
    }

    /// @dev A grant of categories `mask` for consent (s, g, p), signed against the current state (the consent's
    /// nonce, the subject's epoch), valid for up to `_MAX_LIFETIME`, with a deadline an hour ahead.
    function _grantRequest(
        uint256 s,
        uint256 g,
        uint256 p,
        uint8 mask,
        uint256 lifetimeSeed
    ) private view returns (IConsentRegistry.GrantRequest memory) {
        return
            IConsentRegistry.GrantRequest({
                subject: _subjects[s],
                grantee: _grantees[g],
                purpose: _purposes[p],
                categories: _categoryList(mask),
                validUntil: uint64(block.timestamp + (lifetimeSeed % (_MAX_LIFETIME + 1))),
                receiptHash: bytes32(lifetimeSeed),
                nonce: _model[_index(s, g, p)].nonce,
                epoch: _modelWithdrawAlls[s],
                deadline: block.timestamp + 1 hours
            });
    }

    function _grantDigest(IConsentRegistry.GrantRequest memory request) private view returns (bytes32) {
        return ConsentTypedData.digest(address(registry), ConsentTypedData.grantStructHash(request));
    }

    function _pick(uint256 s, uint256 g, uint256 p) private pure returns (uint256, uint256, uint256) {
        return (s % SUBJECTS, g % GRANTEES, p % PURPOSES);
    }

    function _index(uint256 s, uint256 g, uint256 p) private pure returns (uint256) {
        return (s * GRANTEES + g) * PURPOSES + p;
    }
}

/// @notice Handler-based invariant tests: after any sequence of grants, signed grants (relayed at once, or
/// held back and relayed later, or replayed), withdrawals (direct, by operator, by signature), withdraw-alls,
/// operator changes and time warps, the registry answers exactly what a plain model of the rules predicts.
contract ConsentRegistryInvariantTest is InvariantBase {
    ConsentRegistry internal _registry;
    ConsentRegistryHandler internal _handler;

    // The handler's fixed world, copied once: invariants run after every call, so they avoid extra calls.
    address[] internal _subjects;
    address[] internal _grantees;
    bytes32[] internal _purposes;
    bytes32[] internal _categories;

    function setUp() public {
        VM.warp(1_750_000_000);
        _registry = new ConsentRegistry();
        _handler = new ConsentRegistryHandler(_registry);
        (_subjects, _grantees, _purposes, _categories) = _handler.world();
        _targetContract(address(_handler));
    }

    /// @notice `isValid` equals the model for every subject, grantee, purpose and category (plus one
    /// category no consent covers).
    function invariant_validityMatchesModel() public view {
        bool[] memory expected = _handler.expectedValidity();
        (address[] memory s, address[] memory g, bytes32[] memory p, bytes32[] memory c) = _world();
        uint256 k = 0;
        for (uint256 si = 0; si < s.length; ++si) {
            for (uint256 gi = 0; gi < g.length; ++gi) {
                for (uint256 pi = 0; pi < p.length; ++pi) {
                    for (uint256 ci = 0; ci < c.length; ++ci) {
                        _assertEq(
                            _registry.isValid(s[si], g[gi], p[pi], c[ci]),
                            expected[k],
                            "isValid differs from the model"
                        );
                        ++k;
                    }
                }
            }
        }
    }

    /// @notice `isValidBatch` agrees with `isValid` for a cohort of every subject followed by repeated
    /// pairs, so that runs of one category set, breaks in them, and returns to an earlier set all occur.
    function invariant_batchMatchesSingle() public view {
        (address[] memory s, address[] memory g, bytes32[] memory p, bytes32[] memory c) = _world();
        // Cohort positions hold subject indexes 0,1,2,3,0,0,2,2.
        uint256[] memory cohortIndex = new uint256[](s.length * 2);
        address[] memory cohort = new address[](cohortIndex.length);
        for (uint256 i = 0; i < cohort.length; ++i) {
            cohortIndex[i] = i < s.length ? i : ((i - s.length) / 2) * 2;
            cohort[i] = s[cohortIndex[i]];
        }
        bool[] memory single = new bool[](s.length);
        for (uint256 gi = 0; gi < g.length; ++gi) {
            for (uint256 pi = 0; pi < p.length; ++pi) {
                for (uint256 ci = 0; ci < c.length; ++ci) {
                    for (uint256 si = 0; si < s.length; ++si) {
                        single[si] = _registry.isValid(s[si], g[gi], p[pi], c[ci]);
                    }
                    bool[] memory batch = _registry.isValidBatch(cohort, g[gi], p[pi], c[ci]);
                    _assertEq(batch.length, cohort.length, "one answer per subject");
                    for (uint256 i = 0; i < cohort.length; ++i) {
                        _assertEq(batch[i], single[cohortIndex[i]], "isValidBatch differs from isValid");
                    }
                }
            }
        }
    }

    /// @notice Stored state matches the model: active flag, nonce and expiry of every consent; operator
    /// and withdraw-all count (the epoch) of every subject.
    function invariant_storedStateMatchesModel() public view {
        ConsentRegistryHandler.ModelConsent[] memory model = _handler.modelConsents();
        (address[] memory operators, uint32[] memory withdrawAlls) = _handler.modelSubjects();
        (address[] memory s, address[] memory g, bytes32[] memory p, ) = _world();
        uint256 k = 0;
        for (uint256 si = 0; si < s.length; ++si) {
            IConsentRegistry.Subject memory stored = _registry.getSubject(s[si]);
            _assertEq(stored.operator, operators[si], "operator");
            _assertEq(stored.epoch, withdrawAlls[si], "epoch counts withdraw-alls");
            for (uint256 gi = 0; gi < g.length; ++gi) {
                for (uint256 pi = 0; pi < p.length; ++pi) {
                    IConsentRegistry.Consent memory consent = _registry.getConsent(s[si], g[gi], p[pi]);
                    _assertEq(consent.active, model[k].active, "active");
                    _assertEq(consent.nonce, model[k].nonce, "nonce counts changes");
                    _assertEq(consent.validUntil, model[k].validUntil, "validUntil");
                    ++k;
                }
            }
        }
    }

    /// @notice Every action the handler made was accepted or refused exactly as the model predicted.
    function invariant_outcomesMatchModel() public view {
        _assertEq(_handler.mismatches(), 0, "an action's outcome differed from the model");
    }

    function _world() private view returns (address[] memory, address[] memory, bytes32[] memory, bytes32[] memory) {
        return (_subjects, _grantees, _purposes, _categories);
    }
}
