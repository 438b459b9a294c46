// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {MockSmartWallet} from "../../contracts/mocks/MockSmartWallet.sol";
import {ConsentTypedData} from "./utils/ConsentTypedData.sol";
import {Eip712} from "./utils/Eip712.sol";
import {TestBase} from "./utils/TestBase.sol";
import {VM, VM_ADDRESS} from "./utils/Vm.sol";

/// @notice Fuzz tests of the ConsentRegistry validity rules: expiry, withdrawal, withdraw-all, category
/// membership and canonical order, grantee and purpose checks, operators, signed requests, batch checks.
contract ConsentRegistryTest is TestBase {
    uint256 internal constant _START = 1_750_000_000;
    uint256 internal constant _SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 internal constant _MAX_CATEGORIES = 64;

    bytes32 internal constant _PURPOSE = keccak256("https://w3id.org/dpv#ServiceProvision");
    bytes32 internal constant _OTHER_PURPOSE = keccak256("https://w3id.org/dpv#ResearchAndDevelopment");
    bytes32 internal constant _RECEIPT = keccak256("receipt");

    ConsentRegistry internal _registry;
    address internal _subject;
    address internal _otherSubject;
    address internal _grantee;
    address internal _otherGrantee;
    address internal _relayer;

    function setUp() public {
        VM.warp(_START);
        _registry = new ConsentRegistry();
        _subject = VM.addr(0xA11CE);
        _otherSubject = VM.addr(0xB0B);
        _grantee = _labelled("grantee");
        _otherGrantee = _labelled("other grantee");
        _relayer = _labelled("relayer");
    }

    // ---------------------------------------------------------------------------------------------
    // Expiry
    // ---------------------------------------------------------------------------------------------

    function testFuzz_isValid_trueIffNotExpired(uint256 validUntilSeed, uint256 warpSeed, uint256 skewSeed) public {
        uint64 validUntil = uint64(_bound(validUntilSeed, _START, type(uint64).max - 1));
        bytes32[] memory categories = _categories(validUntilSeed, 3);
        _grantAs(_subject, _grantee, _PURPOSE, categories, validUntil);

        // Half the runs land within 64 seconds of the expiry, so the boundary itself is hit often.
        uint256 timestamp;
        if (warpSeed % 2 == 0) {
            timestamp = uint256(validUntil) + _bound(skewSeed, 0, 128) - 64;
            if (timestamp < _START) timestamp = _START;
        } else {
            timestamp = _bound(warpSeed, _START, type(uint64).max);
        }
        VM.warp(timestamp);

        bool expected = timestamp <= validUntil;
        for (uint256 i = 0; i < categories.length; ++i) {
            _assertEq(_registry.isValid(_subject, _grantee, _PURPOSE, categories[i]), expected, "isValid vs expiry");
        }
    }

    function testFuzz_isValid_trueThroughExpirySecond(uint256 validUntilSeed, uint256 warpSeed) public {
        uint64 validUntil = uint64(_bound(validUntilSeed, _START, type(uint64).max - 1));
        bytes32[] memory categories = _categories(warpSeed, 1);
        _grantAs(_subject, _grantee, _PURPOSE, categories, validUntil);

        VM.warp(_bound(warpSeed, _START, validUntil));
        _assertTrue(_registry.isValid(_subject, _grantee, _PURPOSE, categories[0]), "valid before expiry");
        VM.warp(validUntil);
        _assertTrue(_registry.isValid(_subject, _grantee, _PURPOSE, categories[0]), "valid at the expiry second");
    }

    function testFuzz_isValid_falseAfterExpiry(uint256 validUntilSeed, uint256 warpSeed) public {
        uint64 validUntil = uint64(_bound(validUntilSeed, _START, type(uint64).max - 1));
        bytes32[] memory categories = _categories(warpSeed, 1);
        _grantAs(_subject, _grantee, _PURPOSE, categories, validUntil);

        VM.warp(uint256(validUntil) + 1);
        _assertFalse(_registry.isValid(_subject, _grantee, _PURPOSE, categories[0]), "invalid one second after expiry");
        VM.warp(_bound(warpSeed, uint256(validUntil) + 1, type(uint64).max));
        _assertFalse(_registry.isValid(_subject, _grantee, _PURPOSE, categories[0]), "invalid any time after expiry");
        // Expiry leaves the stored consent active: it is not a withdrawal.
        _assertTrue(_registry.getConsent(_subject, _grantee, _PURPOSE).active, "expired consent stays active");
    }

    function testFuzz_grant_revertsWhen_expiryInPast(uint256 nowSeed, uint256 validUntilSeed) public {
        uint256 nowTimestamp = _bound(nowSeed, 1, type(uint64).max);
        uint64 validUntil = uint64(_bound(validUntilSeed, 0, nowTimestamp - 1));
        VM.warp(nowTimestamp);

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryExpiryInPast.selector, validUntil, nowTimestamp)
        );
        VM.prank(_subject);
        _registry.grant(_grantee, _PURPOSE, _categories(nowSeed, 2), validUntil, _RECEIPT);
    }

    function testFuzz_grant_acceptsExpiryAtCurrentSecond(uint256 nowSeed) public {
        uint256 nowTimestamp = _bound(nowSeed, _START, type(uint64).max - 1);
        VM.warp(nowTimestamp);
        bytes32[] memory categories = _categories(nowSeed, 1);
        _grantAs(_subject, _grantee, _PURPOSE, categories, uint64(nowTimestamp));

        _assertTrue(_registry.isValid(_subject, _grantee, _PURPOSE, categories[0]), "valid in its only second");
        VM.warp(nowTimestamp + 1);
        _assertFalse(_registry.isValid(_subject, _grantee, _PURPOSE, categories[0]), "invalid the next second");
    }

    // ---------------------------------------------------------------------------------------------
    // Withdrawal
    // ---------------------------------------------------------------------------------------------

    function testFuzz_withdraw_invalidatesEveryCategory(uint256 seed, uint256 countSeed) public {
        bytes32[] memory categories = _categories(seed, _bound(countSeed, 1, _MAX_CATEGORIES));
        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        _assertAllValid(_subject, _grantee, _PURPOSE, categories, true, "valid after grant");

        VM.prank(_subject);
        _registry.withdraw(_subject, _grantee, _PURPOSE);

        _assertAllValid(_subject, _grantee, _PURPOSE, categories, false, "invalid after withdraw");
        IConsentRegistry.Consent memory consent = _registry.getConsent(_subject, _grantee, _PURPOSE);
        _assertFalse(consent.active, "inactive after withdraw");
        _assertEq(consent.nonce, 2, "grant and withdraw each bump the nonce");
    }

    function testFuzz_grant_validAgainAfterWithdraw(uint256 seed, uint256 countSeed) public {
        bytes32[] memory categories = _categories(seed, _bound(countSeed, 1, _MAX_CATEGORIES));
        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        VM.prank(_subject);
        _registry.withdraw(_subject, _grantee, _PURPOSE);

        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        _assertAllValid(_subject, _grantee, _PURPOSE, categories, true, "valid after re-grant");
        _assertEq(_registry.getConsent(_subject, _grantee, _PURPOSE).nonce, 3, "third change");
    }

    function testFuzz_withdraw_revertsWhen_alreadyWithdrawn(uint256 seed) public {
        _grantAs(_subject, _grantee, _PURPOSE, _categories(seed, 2), _farExpiry());
        VM.prank(_subject);
        bytes32 consentId = _registry.withdraw(_subject, _grantee, _PURPOSE);
        _assertEq(consentId, _registry.consentIdOf(_subject, _grantee, _PURPOSE), "withdraw returns the consent id");

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNothingToWithdraw.selector, consentId));
        VM.prank(_subject);
        _registry.withdraw(_subject, _grantee, _PURPOSE);
        _assertEq(_registry.getConsent(_subject, _grantee, _PURPOSE).nonce, 2, "failed withdraw changes nothing");
    }

    function testFuzz_withdraw_revertsWhen_neverGranted(address granteeArg, bytes32 purpose) public {
        bytes32 consentId = _registry.consentIdOf(_subject, granteeArg, purpose);
        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNothingToWithdraw.selector, consentId));
        VM.prank(_subject);
        _registry.withdraw(_subject, granteeArg, purpose);
    }

    function testFuzz_withdraw_allowedWhen_expired(uint256 seed, uint256 warpSeed) public {
        bytes32[] memory categories = _categories(seed, 1);
        _grantAs(_subject, _grantee, _PURPOSE, categories, uint64(_START + 1 days));
        VM.warp(_bound(warpSeed, _START + 1 days + 1, type(uint64).max));

        VM.prank(_subject);
        _registry.withdraw(_subject, _grantee, _PURPOSE);
        _assertFalse(_registry.getConsent(_subject, _grantee, _PURPOSE).active, "expired consent withdrawn");
    }

    // ---------------------------------------------------------------------------------------------
    // Withdraw-all
    // ---------------------------------------------------------------------------------------------

    function testFuzz_withdrawAll_voidsEveryConsentOfSubjectOnly(uint256 seed, uint256 countSeed) public {
        uint256 count = _bound(countSeed, 1, 20);
        (address[] memory grantees, bytes32[] memory purposes, bytes32[][] memory sets) = _manyConsents(seed, count);
        for (uint256 i = 0; i < count; ++i) {
            _grantAs(_subject, grantees[i], purposes[i], sets[i], _farExpiry());
            _grantAs(_otherSubject, grantees[i], purposes[i], sets[i], _farExpiry());
        }

        VM.prank(_subject);
        uint32 epoch = _registry.withdrawAll(_subject);

        _assertEq(epoch, 1, "first withdraw-all moves to epoch 1");
        _assertEq(_registry.getSubject(_subject).epoch, 1, "stored epoch");
        _assertEq(_registry.getSubject(_otherSubject).epoch, 0, "other subject's epoch untouched");
        for (uint256 i = 0; i < count; ++i) {
            _assertAllValid(_subject, grantees[i], purposes[i], sets[i], false, "subject's consent void");
            _assertAllValid(_otherSubject, grantees[i], purposes[i], sets[i], true, "other subject's consent valid");
            // Withdraw-all is constant-cost: the stored consents themselves are not rewritten.
            _assertTrue(_registry.getConsent(_subject, grantees[i], purposes[i]).active, "stored consent untouched");
        }
    }

    function testFuzz_withdrawAll_grantAfterIsValidAgain(uint256 seed, uint256 countSeed, uint256 pick) public {
        uint256 count = _bound(countSeed, 1, 20);
        (address[] memory grantees, bytes32[] memory purposes, bytes32[][] memory sets) = _manyConsents(seed, count);
        for (uint256 i = 0; i < count; ++i) {
            _grantAs(_subject, grantees[i], purposes[i], sets[i], _farExpiry());
        }
        VM.prank(_subject);
        _registry.withdrawAll(_subject);

        uint256 regranted = _bound(pick, 0, count - 1);
        _grantAs(_subject, grantees[regranted], purposes[regranted], sets[regranted], _farExpiry());

        for (uint256 i = 0; i < count; ++i) {
            _assertAllValid(_subject, grantees[i], purposes[i], sets[i], i == regranted, "only the re-grant is valid");
        }
    }

    function testFuzz_withdraw_allowedWhen_voidedByWithdrawAll(uint256 seed) public {
        _grantAs(_subject, _grantee, _PURPOSE, _categories(seed, 2), _farExpiry());
        VM.prank(_subject);
        _registry.withdrawAll(_subject);

        VM.prank(_subject);
        _registry.withdraw(_subject, _grantee, _PURPOSE);
        _assertFalse(_registry.getConsent(_subject, _grantee, _PURPOSE).active, "voided consent withdrawn");
    }

    // ---------------------------------------------------------------------------------------------
    // Category membership and canonical order
    // ---------------------------------------------------------------------------------------------

    function testFuzz_isValid_falseForCategoryOutsideSet(uint256 seed, uint256 countSeed, bytes32 other) public {
        bytes32[] memory categories = _categories(seed, _bound(countSeed, 1, _MAX_CATEGORIES));
        for (uint256 i = 0; i < categories.length; ++i) {
            VM.assume(categories[i] != other);
        }
        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        // Another subject's consent covering `other` must not leak into this one.
        bytes32[] memory otherSet = new bytes32[](1);
        otherSet[0] = other;
        if (other != bytes32(0)) _grantAs(_otherSubject, _grantee, _PURPOSE, otherSet, _farExpiry());

        _assertAllValid(_subject, _grantee, _PURPOSE, categories, true, "valid for its own categories");
        _assertFalse(_registry.isValid(_subject, _grantee, _PURPOSE, other), "invalid for a category outside its set");
    }

    function testFuzz_isValid_falseForOtherGranteeOrPurpose(
        uint256 seed,
        address otherGranteeArg,
        bytes32 purpose
    ) public {
        VM.assume(otherGranteeArg != _grantee && purpose != _PURPOSE);
        bytes32[] memory categories = _categories(seed, 3);
        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());

        for (uint256 i = 0; i < categories.length; ++i) {
            _assertFalse(_registry.isValid(_subject, otherGranteeArg, _PURPOSE, categories[i]), "other grantee");
            _assertFalse(_registry.isValid(_subject, _grantee, purpose, categories[i]), "other purpose");
        }
    }

    function testFuzz_grant_revertsWhen_categoriesUnsorted(uint256 seed, uint256 countSeed, uint256 indexSeed) public {
        bytes32[] memory categories = _categories(seed, _bound(countSeed, 2, _MAX_CATEGORIES));
        uint256 index = _bound(indexSeed, 1, categories.length - 1);
        (categories[index - 1], categories[index]) = (categories[index], categories[index - 1]);

        _expectGrantRevert(
            categories,
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryCategoriesNotSorted.selector, index)
        );
    }

    function testFuzz_grant_revertsWhen_categoriesDuplicated(
        uint256 seed,
        uint256 countSeed,
        uint256 indexSeed
    ) public {
        bytes32[] memory categories = _categories(seed, _bound(countSeed, 2, _MAX_CATEGORIES));
        uint256 index = _bound(indexSeed, 1, categories.length - 1);
        categories[index] = categories[index - 1];

        _expectGrantRevert(
            categories,
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryCategoriesNotSorted.selector, index)
        );
    }

    function testFuzz_grant_revertsWhen_categoryZero(uint256 seed, uint256 countSeed) public {
        bytes32[] memory categories = _categories(seed, _bound(countSeed, 1, _MAX_CATEGORIES));
        categories[0] = bytes32(0);

        _expectGrantRevert(
            categories,
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryCategoriesNotSorted.selector, 0)
        );
    }

    function test_grant_revertsWhen_noCategories() public {
        _expectGrantRevert(
            new bytes32[](0),
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidCategoryCount.selector, 0, _MAX_CATEGORIES)
        );
    }

    function testFuzz_grant_acceptsUpToMaxCategories(uint256 seed) public {
        _assertEq(_registry.MAX_CATEGORIES(), _MAX_CATEGORIES, "the registry's limit");
        bytes32[] memory categories = _categories(seed, _MAX_CATEGORIES);
        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        _assertAllValid(_subject, _grantee, _PURPOSE, categories, true, "valid for all 64 categories");
    }

    function testFuzz_grant_revertsWhen_tooManyCategories(uint256 seed, uint256 countSeed) public {
        uint256 count = _bound(countSeed, _MAX_CATEGORIES + 1, 2 * _MAX_CATEGORIES);
        _expectGrantRevert(
            _categories(seed, count),
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryInvalidCategoryCount.selector,
                count,
                _MAX_CATEGORIES
            )
        );
    }

    function testFuzz_registerCategorySet_sameSetSameId(uint256 seed, uint256 countSeed) public {
        bytes32[] memory categories = _categories(seed, _bound(countSeed, 1, _MAX_CATEGORIES));
        uint32 id = _registry.registerCategorySet(categories);
        uint32 again = _registry.registerCategorySet(categories);

        _assertTrue(id != 0, "registered id is non-zero");
        _assertEq(again, id, "same set, same id");
        _assertEq(_registry.categorySetIdOf(categories), id, "lookup by categories");
        _assertEq(_registry.categoriesOf(id), categories, "stored categories");

        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        _grantAs(_otherSubject, _otherGrantee, _OTHER_PURPOSE, categories, _farExpiry());
        _assertEq(_registry.getConsent(_subject, _grantee, _PURPOSE).categorySetId, id, "grant reuses the set");
        _assertEq(_registry.getConsent(_otherSubject, _otherGrantee, _OTHER_PURPOSE).categorySetId, id, "shared set");

        uint32 otherId = _registry.registerCategorySet(_categories(~seed, 1));
        _assertTrue(otherId != id, "a different set gets a different id");
    }

    // ---------------------------------------------------------------------------------------------
    // Grantee and purpose
    // ---------------------------------------------------------------------------------------------

    function testFuzz_grant_revertsWhen_granteeIsSubject(address caller) public {
        _assumeUsable(caller);
        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidGrantee.selector, caller));
        VM.prank(caller);
        _registry.grant(caller, _PURPOSE, _categories(1, 1), _farExpiry(), _RECEIPT);
    }

    function testFuzz_grant_revertsWhen_granteeIsZero(address caller) public {
        _assumeUsable(caller);
        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidGrantee.selector, address(0)));
        VM.prank(caller);
        _registry.grant(address(0), _PURPOSE, _categories(1, 1), _farExpiry(), _RECEIPT);
    }

    function testFuzz_grant_revertsWhen_purposeIsZero(address caller, address granteeArg) public {
        _assumeUsable(caller);
        VM.assume(granteeArg != address(0) && granteeArg != caller);
        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidPurpose.selector));
        VM.prank(caller);
        _registry.grant(granteeArg, bytes32(0), _categories(1, 1), _farExpiry(), _RECEIPT);
    }

    function test_grant_emitsConsentGranted() public {
        bytes32[] memory categories = _categories(7, 2);
        bytes32 consentId = _registry.consentIdOf(_subject, _grantee, _PURPOSE);
        uint64 validUntil = _farExpiry();

        VM.expectEmit(true, false, false, true, address(_registry));
        emit IConsentRegistry.CategorySetRegistered(1, categories);
        VM.expectEmit(true, true, true, true, address(_registry));
        emit IConsentRegistry.ConsentGranted(
            consentId,
            _subject,
            _grantee,
            _PURPOSE,
            categories,
            1,
            validUntil,
            _RECEIPT,
            1,
            _subject,
            IConsentRegistry.Via.Subject
        );
        VM.prank(_subject);
        bytes32 returned = _registry.grant(_grantee, _PURPOSE, categories, validUntil, _RECEIPT);
        _assertEq(returned, consentId, "grant returns the consent id");
    }

    // ---------------------------------------------------------------------------------------------
    // Operators
    // ---------------------------------------------------------------------------------------------

    function testFuzz_withdraw_byOperator(address operator, uint256 seed) public {
        _assumeUsable(operator);
        VM.assume(operator != _subject);
        bytes32[] memory categories = _categories(seed, 3);
        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        VM.prank(_subject);
        _registry.setOperator(operator);
        bytes32 consentId = _registry.consentIdOf(_subject, _grantee, _PURPOSE);

        VM.expectEmit(true, true, true, true, address(_registry));
        emit IConsentRegistry.ConsentWithdrawn(
            consentId,
            _subject,
            _grantee,
            _PURPOSE,
            1,
            _farExpiry(),
            2,
            operator,
            IConsentRegistry.Via.Operator
        );
        VM.prank(operator);
        _registry.withdraw(_subject, _grantee, _PURPOSE);
        _assertAllValid(_subject, _grantee, _PURPOSE, categories, false, "operator withdrew the consent");
    }

    function testFuzz_withdrawAll_byOperator(address operator, uint256 seed) public {
        _assumeUsable(operator);
        VM.assume(operator != _subject);
        bytes32[] memory categories = _categories(seed, 3);
        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        _grantAs(_subject, _otherGrantee, _OTHER_PURPOSE, categories, _farExpiry());
        VM.prank(_subject);
        _registry.setOperator(operator);

        VM.prank(operator);
        uint32 epoch = _registry.withdrawAll(_subject);
        _assertEq(epoch, 1, "operator moved the subject's epoch");
        _assertAllValid(_subject, _grantee, _PURPOSE, categories, false, "first consent void");
        _assertAllValid(_subject, _otherGrantee, _OTHER_PURPOSE, categories, false, "second consent void");
        _assertEq(_registry.getSubject(operator).epoch, 0, "operator's own epoch untouched");
    }

    function testFuzz_withdraw_revertsWhen_callerIsStranger(address operator, address stranger, uint256 seed) public {
        _assumeUsable(operator);
        _assumeUsable(stranger);
        VM.assume(operator != _subject && stranger != _subject && stranger != operator);
        bytes32[] memory categories = _categories(seed, 2);
        _grantAs(_subject, _grantee, _PURPOSE, categories, _farExpiry());
        VM.prank(_subject);
        _registry.setOperator(operator);

        bytes memory unauthorized = abi.encodeWithSelector(
            IConsentRegistry.ConsentRegistryUnauthorized.selector,
            stranger,
            _subject
        );
        VM.expectRevert(unauthorized);
        VM.prank(stranger);
        _registry.withdraw(_subject, _grantee, _PURPOSE);
        VM.expectRevert(unauthorized);
        VM.prank(stranger);
        _registry.withdrawAll(_subject);

        _assertAllValid(_subject, _grantee, _PURPOSE, categories, true, "stranger changed nothing");
        _assertEq(_registry.getSubject(_subject).epoch, 0, "epoch unchanged");
    }

    function testFuzz_setOperator_removalRevokesAuthority(address operator, uint256 seed) public {
        _assumeUsable(operator);
        VM.assume(operator != _subject);
        _grantAs(_subject, _grantee, _PURPOSE, _categories(seed, 1), _farExpiry());
        VM.startPrank(_subject);
        _registry.setOperator(operator);
        _registry.setOperator(address(0));
        VM.stopPrank();

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryUnauthorized.selector, operator, _subject)
        );
        VM.prank(operator);
        _registry.withdraw(_subject, _grantee, _PURPOSE);
        _assertEq(_registry.getSubject(_subject).operator, address(0), "operator removed");
    }

    function test_setOperator_revertsWhen_operatorIsSubject() public {
        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidOperator.selector, _subject));
        VM.prank(_subject);
        _registry.setOperator(_subject);
    }

    function testFuzz_grant_byOperatorLeavesSubjectUntouched(address operator, uint256 seed) public {
        _assumeUsable(operator);
        VM.assume(operator != _subject && operator != _grantee);
        bytes32[] memory subjectSet = _categories(seed, 2);
        bytes32[] memory operatorSet = _categories(~seed, 3);
        _grantAs(_subject, _grantee, _PURPOSE, subjectSet, _farExpiry());
        VM.prank(_subject);
        _registry.setOperator(operator);
        IConsentRegistry.Consent memory before = _registry.getConsent(_subject, _grantee, _PURPOSE);

        // An operator's grant is the operator's own consent: grant always records msg.sender as subject.
        VM.prank(operator);
        bytes32 consentId = _registry.grant(_grantee, _PURPOSE, operatorSet, _farExpiry() - 1, _RECEIPT);

        _assertEq(consentId, _registry.consentIdOf(operator, _grantee, _PURPOSE), "recorded under the operator");
        IConsentRegistry.Consent memory afterGrant = _registry.getConsent(_subject, _grantee, _PURPOSE);
        _assertEq(afterGrant.nonce, before.nonce, "subject's nonce unchanged");
        _assertEq(afterGrant.categorySetId, before.categorySetId, "subject's categories unchanged");
        _assertEq(afterGrant.validUntil, before.validUntil, "subject's expiry unchanged");
        _assertAllValid(_subject, _grantee, _PURPOSE, subjectSet, true, "subject still valid for its set");
        for (uint256 i = 0; i < operatorSet.length; ++i) {
            _assertFalse(_registry.isValid(_subject, _grantee, _PURPOSE, operatorSet[i]), "no operator categories");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Signed requests
    // ---------------------------------------------------------------------------------------------

    function test_domainSeparator_matchesEip712() public view {
        _assertEq(_registry.DOMAIN_SEPARATOR(), _domainSeparator(address(_registry)), "domain separator");
    }

    function testFuzz_grantBySig_relayedGrantIsValid(uint256 pkSeed, address relayerArg, uint256 seed) public {
        _assumeUsable(relayerArg);
        uint256 pk = _privateKey(pkSeed);
        (IConsentRegistry.GrantRequest memory request, bytes memory signature) = _signedGrant(pk, seed);
        VM.assume(relayerArg != request.subject);
        bytes32 consentId = _registry.consentIdOf(request.subject, _grantee, _PURPOSE);

        VM.expectEmit(true, true, true, true, address(_registry));
        emit IConsentRegistry.ConsentGranted(
            consentId,
            request.subject,
            _grantee,
            _PURPOSE,
            request.categories,
            1,
            request.validUntil,
            _RECEIPT,
            1,
            relayerArg,
            IConsentRegistry.Via.Signature
        );
        VM.prank(relayerArg);
        _registry.grantBySig(request, signature);

        _assertAllValid(request.subject, _grantee, _PURPOSE, request.categories, true, "relayed grant is valid");
        _assertEq(_registry.getConsent(request.subject, _grantee, _PURPOSE).nonce, 1, "nonce consumed");
    }

    function testFuzz_grantBySig_revertsWhen_replayed(uint256 pkSeed, uint256 seed) public {
        (IConsentRegistry.GrantRequest memory request, bytes memory signature) = _signedGrant(
            _privateKey(pkSeed),
            seed
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidNonce.selector, 1, 0));
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    function testFuzz_grantBySig_revertsWhen_consentChangedSinceSigning(uint256 pkSeed, uint256 seed) public {
        (IConsentRegistry.GrantRequest memory request, bytes memory signature) = _signedGrant(
            _privateKey(pkSeed),
            seed
        );
        // The subject changes the consent directly before the signed request is relayed.
        _grantAs(request.subject, _grantee, _PURPOSE, _categories(~seed, 1), _farExpiry());

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidNonce.selector, 1, 0));
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    function testFuzz_grantBySig_revertsWhen_withdrawnSinceSigning(uint256 pkSeed, uint256 seed) public {
        uint256 pk = _privateKey(pkSeed);
        address signer = VM.addr(pk);
        _grantAs(signer, _grantee, _PURPOSE, _categories(~seed, 1), _farExpiry());
        IConsentRegistry.GrantRequest memory request = _grantRequest(signer, seed);
        request.nonce = 1;
        bytes memory signature = Eip712.sign(pk, _digest(_grantStructHash(request)));
        VM.prank(signer);
        _registry.withdraw(signer, _grantee, _PURPOSE);

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidNonce.selector, 2, 1));
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    /// @dev Documents current behaviour rather than a stated rule: withdraw-all moves the subject's epoch
    /// but leaves every consent's nonce alone, so a grant signed before the withdraw-all can still be
    /// relayed after it (until its deadline) and is then valid. A direct withdrawal, by contrast, voids
    /// such a pending grant (see `testFuzz_grantBySig_revertsWhen_withdrawnSinceSigning`).
    function testFuzz_grantBySig_revertsWhen_signedBeforeWithdrawAll(uint256 pkSeed, uint256 seed) public {
        (IConsentRegistry.GrantRequest memory request, bytes memory signature) = _signedGrant(
            _privateKey(pkSeed),
            seed
        );
        VM.prank(request.subject);
        _registry.withdrawAll(request.subject);

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryStaleEpoch.selector, uint32(1), uint32(0))
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
        _assertAllValid(request.subject, _grantee, _PURPOSE, request.categories, false, "stale grant refused");
    }

    function testFuzz_grantBySig_revertsWhen_subjectZero(uint256 pkSeed, uint256 seed) public {
        IConsentRegistry.GrantRequest memory request = _grantRequest(address(0), seed);
        bytes memory signature = Eip712.sign(_privateKey(pkSeed), _digest(_grantStructHash(request)));

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, address(0)));
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    function testFuzz_grantBySig_revertsWhen_wrongSigner(uint256 pkSeed, uint256 wrongSeed, uint256 seed) public {
        uint256 pk = _privateKey(pkSeed);
        uint256 wrongPk = _privateKey(wrongSeed);
        VM.assume(wrongPk != pk);
        (IConsentRegistry.GrantRequest memory request, ) = _signedGrant(pk, seed);
        bytes memory signature = Eip712.sign(wrongPk, _digest(_grantStructHash(request)));

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, request.subject)
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    function testFuzz_grantBySig_revertsWhen_requestAltered(uint256 pkSeed, uint256 seed, uint64 validUntil) public {
        (IConsentRegistry.GrantRequest memory request, bytes memory signature) = _signedGrant(
            _privateKey(pkSeed),
            seed
        );
        VM.assume(validUntil != request.validUntil);
        request.validUntil = validUntil;

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, request.subject)
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    function testFuzz_grantBySig_revertsWhen_signedForOtherRegistry(uint256 pkSeed, uint256 seed) public {
        uint256 pk = _privateKey(pkSeed);
        ConsentRegistry otherRegistry = new ConsentRegistry();
        (IConsentRegistry.GrantRequest memory request, ) = _signedGrant(pk, seed);
        bytes memory signature = Eip712.sign(
            pk,
            ConsentTypedData.digest(address(otherRegistry), _grantStructHash(request))
        );

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, request.subject)
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
        // The same signature is good where it was meant to go.
        VM.prank(_relayer);
        otherRegistry.grantBySig(request, signature);
        _assertTrue(
            otherRegistry.isValid(request.subject, _grantee, _PURPOSE, request.categories[0]),
            "other registry"
        );
    }

    function testFuzz_grantBySig_revertsWhen_deadlineZero(uint256 pkSeed, uint256 seed) public {
        uint256 pk = _privateKey(pkSeed);
        IConsentRegistry.GrantRequest memory request = _grantRequest(VM.addr(pk), seed);
        request.deadline = 0;
        bytes memory signature = Eip712.sign(pk, _digest(_grantStructHash(request)));

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryMissingDeadline.selector));
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    function testFuzz_grantBySig_revertsWhen_deadlinePassed(uint256 pkSeed, uint256 seed, uint256 deadlineSeed) public {
        uint256 pk = _privateKey(pkSeed);
        IConsentRegistry.GrantRequest memory request = _grantRequest(VM.addr(pk), seed);
        request.deadline = _bound(deadlineSeed, 1, block.timestamp - 1);
        bytes memory signature = Eip712.sign(pk, _digest(_grantStructHash(request)));

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryExpiredSignature.selector, request.deadline)
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    function testFuzz_grantBySig_acceptsDeadlineAtCurrentSecond(uint256 pkSeed, uint256 seed) public {
        uint256 pk = _privateKey(pkSeed);
        IConsentRegistry.GrantRequest memory request = _grantRequest(VM.addr(pk), seed);
        request.deadline = block.timestamp;
        bytes memory signature = Eip712.sign(pk, _digest(_grantStructHash(request)));

        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
        _assertTrue(_registry.isValid(request.subject, _grantee, _PURPOSE, request.categories[0]), "granted");
    }

    function testFuzz_grantBySig_revertsWhen_highS(uint256 pkSeed, uint256 seed) public {
        uint256 pk = _privateKey(pkSeed);
        IConsentRegistry.GrantRequest memory request = _grantRequest(VM.addr(pk), seed);
        bytes32 digest = _digest(_grantStructHash(request));
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(pk, digest);

        // The malleable twin: s' = n - s with the other parity still recovers the same signer.
        bytes32 highS = bytes32(_SECP256K1_N - uint256(s));
        uint8 flippedV = v == 27 ? 28 : 27;
        _assertEq(ecrecover(digest, flippedV, r, highS), request.subject, "twin recovers the signer");

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, request.subject)
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, abi.encodePacked(r, highS, flippedV));

        // The canonical signature still works: the refusal was about malleability only.
        VM.prank(_relayer);
        _registry.grantBySig(request, abi.encodePacked(r, s, v));
        _assertTrue(_registry.isValid(request.subject, _grantee, _PURPOSE, request.categories[0]), "low-s accepted");
    }

    function testFuzz_withdrawBySig_invalidatesAndRefusesReplay(uint256 pkSeed, uint256 seed) public {
        uint256 pk = _privateKey(pkSeed);
        address signer = VM.addr(pk);
        bytes32[] memory categories = _categories(seed, 2);
        _grantAs(signer, _grantee, _PURPOSE, categories, _farExpiry());

        IConsentRegistry.WithdrawRequest memory request = IConsentRegistry.WithdrawRequest({
            subject: signer,
            grantee: _grantee,
            purpose: _PURPOSE,
            nonce: 1,
            deadline: block.timestamp + 1 hours
        });
        bytes memory signature = Eip712.sign(pk, _digest(ConsentTypedData.withdrawStructHash(request)));
        VM.prank(_relayer);
        _registry.withdrawBySig(request, signature);
        _assertAllValid(signer, _grantee, _PURPOSE, categories, false, "withdrawn by signature");

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidNonce.selector, 2, 1));
        VM.prank(_relayer);
        _registry.withdrawBySig(request, signature);
    }

    function testFuzz_withdrawAllBySig_voidsAndRefusesReplay(uint256 pkSeed, uint256 seed) public {
        uint256 pk = _privateKey(pkSeed);
        address signer = VM.addr(pk);
        bytes32[] memory categories = _categories(seed, 2);
        _grantAs(signer, _grantee, _PURPOSE, categories, _farExpiry());

        IConsentRegistry.WithdrawAllRequest memory request = IConsentRegistry.WithdrawAllRequest({
            subject: signer,
            nonce: 0,
            deadline: block.timestamp + 1 hours
        });
        bytes memory signature = Eip712.sign(pk, _digest(ConsentTypedData.withdrawAllStructHash(request)));
        VM.prank(_relayer);
        _registry.withdrawAllBySig(request, signature);
        _assertAllValid(signer, _grantee, _PURPOSE, categories, false, "voided by signature");
        _assertEq(_registry.getSubject(signer).nonce, 1, "subject nonce consumed");

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidNonce.selector, 1, 0));
        VM.prank(_relayer);
        _registry.withdrawAllBySig(request, signature);
    }

    function testFuzz_setOperatorBySig_appointsAndRefusesReplay(uint256 pkSeed, address operator) public {
        uint256 pk = _privateKey(pkSeed);
        address signer = VM.addr(pk);
        _assumeUsable(operator);
        VM.assume(operator != signer);

        IConsentRegistry.SetOperatorRequest memory request = IConsentRegistry.SetOperatorRequest({
            subject: signer,
            operator: operator,
            nonce: 0,
            deadline: block.timestamp + 1 hours
        });
        bytes memory signature = Eip712.sign(pk, _digest(ConsentTypedData.setOperatorStructHash(request)));
        VM.prank(_relayer);
        _registry.setOperatorBySig(request, signature);
        _assertEq(_registry.getSubject(signer).operator, operator, "operator appointed by signature");

        VM.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidNonce.selector, 1, 0));
        VM.prank(_relayer);
        _registry.setOperatorBySig(request, signature);
    }

    function testFuzz_grantBySig_erc1271WalletAcceptsThenRefuses(uint256 pkSeed, uint256 seed) public {
        uint256 ownerPk = _privateKey(pkSeed);
        address owner = VM.addr(ownerPk);
        MockSmartWallet wallet = new MockSmartWallet(owner);

        IConsentRegistry.GrantRequest memory request = _grantRequest(address(wallet), seed);
        VM.prank(_relayer);
        _registry.grantBySig(request, Eip712.sign(ownerPk, _digest(_grantStructHash(request))));
        _assertAllValid(address(wallet), _grantee, _PURPOSE, request.categories, true, "wallet's grant is valid");

        VM.prank(owner);
        wallet.setAccepting(false);
        request.nonce = 1;
        request.categories = _categories(~seed, 1);
        bytes memory signature = Eip712.sign(ownerPk, _digest(_grantStructHash(request)));

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, address(wallet))
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
        _assertEq(_registry.getConsent(address(wallet), _grantee, _PURPOSE).nonce, 1, "refused grant changed nothing");
    }

    function testFuzz_grantBySig_erc1271WalletRefusesOtherSigner(
        uint256 pkSeed,
        uint256 wrongSeed,
        uint256 seed
    ) public {
        uint256 ownerPk = _privateKey(pkSeed);
        uint256 wrongPk = _privateKey(wrongSeed);
        VM.assume(wrongPk != ownerPk);
        MockSmartWallet wallet = new MockSmartWallet(VM.addr(ownerPk));
        IConsentRegistry.GrantRequest memory request = _grantRequest(address(wallet), seed);
        bytes memory signature = Eip712.sign(wrongPk, _digest(_grantStructHash(request)));

        VM.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, address(wallet))
        );
        VM.prank(_relayer);
        _registry.grantBySig(request, signature);
    }

    // ---------------------------------------------------------------------------------------------
    // Batch
    // ---------------------------------------------------------------------------------------------

    function testFuzz_isValidBatch_matchesIsValid(uint256 seed, uint256 sizeSeed, bytes32 probe) public {
        // A pool of six subjects in assorted states, sharing two category sets; the cohort draws from it
        // with repeats so runs of the same set (the batch's lookup cache) and breaks in them both occur.
        bytes32[] memory setA = _categories(seed, 3);
        bytes32[] memory setB = _categories(~seed, 2);
        address[] memory pool = new address[](6);
        for (uint256 i = 0; i < pool.length; ++i) {
            pool[i] = VM.addr(0x5EED + i);
            uint256 state = uint256(keccak256(abi.encode(seed, "state", i))) % 7;
            _applyState(pool[i], state, i % 2 == 0 ? setA : setB);
        }
        VM.warp(_START + 1 days);

        uint256 size = _bound(sizeSeed, 1, 12);
        address[] memory cohort = new address[](size);
        for (uint256 i = 0; i < size; ++i) {
            cohort[i] = pool[uint256(keccak256(abi.encode(seed, "cohort", i))) % pool.length];
        }

        bytes32[4] memory categories = [setA[0], setB[1], probe, bytes32(0)];
        for (uint256 c = 0; c < categories.length; ++c) {
            bool[] memory batch = _registry.isValidBatch(cohort, _grantee, _PURPOSE, categories[c]);
            _assertEq(batch.length, size, "one answer per subject");
            for (uint256 i = 0; i < size; ++i) {
                _assertEq(batch[i], _registry.isValid(cohort[i], _grantee, _PURPOSE, categories[c]), "batch vs single");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    /// @dev Puts `who` into one of seven states: none, valid, withdrawn, voided, expired, re-granted, other purpose.
    function _applyState(address who, uint256 state, bytes32[] memory categories) private {
        if (state == 0) return;
        if (state == 6) {
            _grantAs(who, _grantee, _OTHER_PURPOSE, categories, _farExpiry());
            return;
        }
        _grantAs(who, _grantee, _PURPOSE, categories, state == 4 ? uint64(_START + 1 hours) : _farExpiry());
        VM.startPrank(who);
        if (state == 2) _registry.withdraw(who, _grantee, _PURPOSE);
        if (state == 3 || state == 5) _registry.withdrawAll(who);
        VM.stopPrank();
        if (state == 5) _grantAs(who, _grantee, _PURPOSE, categories, _farExpiry());
    }

    function _manyConsents(
        uint256 seed,
        uint256 count
    ) private view returns (address[] memory grantees, bytes32[] memory purposes, bytes32[][] memory sets) {
        grantees = new address[](count);
        purposes = new bytes32[](count);
        sets = new bytes32[][](count);
        address[3] memory granteePool = [_grantee, _otherGrantee, _relayer];
        for (uint256 i = 0; i < count; ++i) {
            grantees[i] = granteePool[i % 3];
            // Distinct purposes per index make every (grantee, purpose) pair distinct.
            purposes[i] = keccak256(abi.encode(seed, "purpose", i));
            // Some consents share a category set, some do not.
            sets[i] = _categories(uint256(keccak256(abi.encode(seed, i % 4))), 1 + (i % 5));
        }
    }

    function _grantAs(
        address who,
        address granteeArg,
        bytes32 purpose,
        bytes32[] memory categories,
        uint64 validUntil
    ) internal {
        VM.prank(who);
        _registry.grant(granteeArg, purpose, categories, validUntil, _RECEIPT);
    }

    function _expectGrantRevert(bytes32[] memory categories, bytes memory revertData) private {
        VM.expectRevert(revertData);
        VM.prank(_subject);
        _registry.grant(_grantee, _PURPOSE, categories, _farExpiry(), _RECEIPT);
    }

    function _assertAllValid(
        address who,
        address granteeArg,
        bytes32 purpose,
        bytes32[] memory categories,
        bool expected,
        string memory message
    ) internal view {
        for (uint256 i = 0; i < categories.length; ++i) {
            _assertEq(_registry.isValid(who, granteeArg, purpose, categories[i]), expected, message);
        }
    }

    /// @dev `count` pseudo-random non-zero category ids in strictly ascending order.
    function _categories(uint256 seed, uint256 count) internal pure returns (bytes32[] memory categories) {
        categories = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            bytes32 category = keccak256(abi.encode("category", seed, i));
            uint256 j = i;
            while (j > 0 && categories[j - 1] > category) {
                categories[j] = categories[j - 1];
                --j;
            }
            categories[j] = category;
        }
    }

    function _farExpiry() internal pure returns (uint64) {
        return uint64(_START + 365 days);
    }

    function _privateKey(uint256 seed) internal pure returns (uint256) {
        return _bound(seed, 1, _SECP256K1_N - 1);
    }

    function _assumeUsable(address who) internal view {
        VM.assume(who != address(0) && who != VM_ADDRESS && who != address(this) && who != address(_registry));
    }

    function _labelled(string memory name) private pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }

    function _grantRequest(address signer, uint256 seed) private view returns (IConsentRegistry.GrantRequest memory) {
        return
            IConsentRegistry.GrantRequest({
                subject: signer,
                grantee: _grantee,
                purpose: _PURPOSE,
                categories: _categories(seed, 1 + (seed % 4)),
                validUntil: _farExpiry(),
                receiptHash: _RECEIPT,
                nonce: 0,
                epoch: _registry.getSubject(signer).epoch,
                deadline: block.timestamp + 1 hours
            });
    }

    function _signedGrant(
        uint256 pk,
        uint256 seed
    ) private view returns (IConsentRegistry.GrantRequest memory request, bytes memory signature) {
        request = _grantRequest(VM.addr(pk), seed);
        signature = Eip712.sign(pk, _digest(_grantStructHash(request)));
    }

    function _grantStructHash(IConsentRegistry.GrantRequest memory request) internal pure returns (bytes32) {
        return ConsentTypedData.grantStructHash(request);
    }

    function _domainSeparator(address verifyingContract) internal view returns (bytes32) {
        return ConsentTypedData.domainSeparator(verifyingContract);
    }

    function _digest(bytes32 structHash) internal view returns (bytes32) {
        return ConsentTypedData.digest(address(_registry), structHash);
    }
}
