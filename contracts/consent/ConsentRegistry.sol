// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";

/// @title ConsentRegistry
/// @notice Citizens grant and withdraw consent for their personal data, directly, through an operator
/// they appoint, or by a signature anyone may relay. See {IConsentRegistry}.
/// @dev There is no owner, pause or upgrade: nothing can stop a subject from withdrawing.
///
/// Storage is shaped by cost. A consent is one storage slot (expiry, epoch, category set id, nonce,
/// active flag), so a grant writes one new slot. The categories themselves are stored once per distinct
/// set (a consent form offered to many citizens has one set) and consents refer to the set by id.
/// A withdraw-all increments the subject's epoch instead of touching each consent.
///
/// Relayers batch signed requests with OpenZeppelin's `multicall` (each call runs as if sent alone by the relayer;
/// one refusal reverts the batch).
contract ConsentRegistry is IConsentRegistry, EIP712, Multicall {
    /// @notice The most categories one consent may cover.
    uint256 public constant MAX_CATEGORIES = 64;

    bytes32 private constant _GRANT_TYPEHASH = keccak256(
        "GrantRequest(address subject,address grantee,bytes32 purpose,bytes32[] categories,uint64 validUntil,"
        "bytes32 receiptHash,uint64 nonce,uint32 epoch,uint256 deadline)"
    );
    bytes32 private constant _WITHDRAW_TYPEHASH = keccak256(
        "WithdrawRequest(address subject,address grantee,bytes32 purpose,uint64 nonce,uint256 deadline)"
    );
    bytes32 private constant _WITHDRAW_ALL_TYPEHASH = keccak256(
        "WithdrawAllRequest(address subject,uint64 nonce,uint256 deadline)"
    );
    bytes32 private constant _SET_OPERATOR_TYPEHASH = keccak256(
        "SetOperatorRequest(address subject,address operator,uint64 nonce,uint256 deadline)"
    );

    mapping(bytes32 consentId => Consent) private _consents;
    mapping(address subject => Subject) private _subjects;
    mapping(bytes32 categoriesHash => uint32 categorySetId) private _categorySetIds;
    mapping(uint32 categorySetId => bytes32[] categories) private _categorySets;
    mapping(uint32 categorySetId => mapping(bytes32 category => bool)) private _setContains;
    uint32 private _categorySetCount;

    constructor() EIP712("ConsentRegistry", "1") {}

    /// @inheritdoc IConsentRegistry
    function grant(
        address grantee,
        bytes32 purpose,
        bytes32[] calldata categories,
        uint64 validUntil,
        bytes32 receiptHash
    ) external returns (bytes32 consentId) {
        consentId = consentIdOf(msg.sender, grantee, purpose);
        _grant(consentId, msg.sender, grantee, purpose, categories, validUntil, receiptHash, Via.Subject);
    }

    /// @inheritdoc IConsentRegistry
    function grantBySig(GrantRequest calldata request, bytes calldata signature) external returns (bytes32 consentId) {
        consentId = consentIdOf(request.subject, request.grantee, request.purpose);
        _useConsentNonce(consentId, request.nonce);
        uint32 epoch = _subjects[request.subject].epoch;
        if (request.epoch != epoch) revert ConsentRegistryStaleEpoch(epoch, request.epoch);
        _checkSignature(request.subject, request.deadline, _grantStructHash(request), signature);
        _grant(
            consentId,
            request.subject,
            request.grantee,
            request.purpose,
            request.categories,
            request.validUntil,
            request.receiptHash,
            Via.Signature
        );
    }

    /// @inheritdoc IConsentRegistry
    function withdraw(address subject, address grantee, bytes32 purpose) external returns (bytes32 consentId) {
        Via via = _authorize(subject);
        consentId = consentIdOf(subject, grantee, purpose);
        _withdraw(consentId, subject, grantee, purpose, via);
    }

    /// @inheritdoc IConsentRegistry
    function withdrawBySig(
        WithdrawRequest calldata request,
        bytes calldata signature
    ) external returns (bytes32 consentId) {
        consentId = consentIdOf(request.subject, request.grantee, request.purpose);
        _useConsentNonce(consentId, request.nonce);
        _checkSignature(
            request.subject,
            request.deadline,
            keccak256(
                abi.encode(
                    _WITHDRAW_TYPEHASH,
                    request.subject,
                    request.grantee,
                    request.purpose,
                    request.nonce,
                    request.deadline
                )
            ),
            signature
        );
        _withdraw(consentId, request.subject, request.grantee, request.purpose, Via.Signature);
    }

    /// @inheritdoc IConsentRegistry
    function withdrawAll(address subject) external returns (uint32 epoch) {
        return _withdrawAll(subject, _authorize(subject));
    }

    /// @inheritdoc IConsentRegistry
    function withdrawAllBySig(
        WithdrawAllRequest calldata request,
        bytes calldata signature
    ) external returns (uint32 epoch) {
        _useSubjectNonce(request.subject, request.nonce);
        _checkSignature(
            request.subject,
            request.deadline,
            keccak256(abi.encode(_WITHDRAW_ALL_TYPEHASH, request.subject, request.nonce, request.deadline)),
            signature
        );
        return _withdrawAll(request.subject, Via.Signature);
    }

    /// @inheritdoc IConsentRegistry
    function setOperator(address operator) external {
        _setOperator(msg.sender, operator, Via.Subject);
    }

    /// @inheritdoc IConsentRegistry
    function setOperatorBySig(SetOperatorRequest calldata request, bytes calldata signature) external {
        _useSubjectNonce(request.subject, request.nonce);
        _checkSignature(
            request.subject,
            request.deadline,
            keccak256(
                abi.encode(_SET_OPERATOR_TYPEHASH, request.subject, request.operator, request.nonce, request.deadline)
            ),
            signature
        );
        _setOperator(request.subject, request.operator, Via.Signature);
    }

    /// @inheritdoc IConsentRegistry
    function registerCategorySet(bytes32[] calldata categories) external returns (uint32 categorySetId) {
        return _categorySetIdFor(categories);
    }

    /// @inheritdoc IConsentRegistry
    function isValid(address subject, address grantee, bytes32 purpose, bytes32 category) external view returns (bool) {
        Consent memory consent = _consents[consentIdOf(subject, grantee, purpose)];
        return _inForce(consent, subject) && _setContains[consent.categorySetId][category];
    }

    /// @inheritdoc IConsentRegistry
    function isValidForSet(
        address subject,
        address grantee,
        bytes32 purpose,
        uint32 categorySetId
    ) external view returns (bool) {
        Consent memory consent = _consents[consentIdOf(subject, grantee, purpose)];
        if (!_inForce(consent, subject)) return false;
        if (consent.categorySetId == categorySetId) return true;
        bytes32[] storage required = _categorySets[categorySetId];
        uint256 count = required.length;
        if (count == 0) return false; // an unknown set is covered by nothing
        mapping(bytes32 category => bool) storage given = _setContains[consent.categorySetId];
        for (uint256 i = 0; i < count; ++i) {
            if (!given[required[i]]) return false;
        }
        return true;
    }

    /// @inheritdoc IConsentRegistry
    function isValidBatch(
        address[] calldata subjects,
        address grantee,
        bytes32 purpose,
        bytes32 category
    ) external view returns (bool[] memory valid) {
        valid = new bool[](subjects.length);
        // Citizens who answered the same consent form share a category set: look each set up once in a row.
        uint32 lastSetId;
        bool lastSetContains;
        for (uint256 i = 0; i < subjects.length; ++i) {
            address subject = subjects[i];
            Consent memory consent = _consents[consentIdOf(subject, grantee, purpose)];
            if (!_inForce(consent, subject)) continue;
            if (consent.categorySetId != lastSetId) {
                lastSetId = consent.categorySetId;
                lastSetContains = _setContains[lastSetId][category];
            }
            valid[i] = lastSetContains;
        }
    }

    /// @inheritdoc IConsentRegistry
    function getConsent(address subject, address grantee, bytes32 purpose) external view returns (Consent memory) {
        return _consents[consentIdOf(subject, grantee, purpose)];
    }

    /// @inheritdoc IConsentRegistry
    function getSubject(address subject) external view returns (Subject memory) {
        return _subjects[subject];
    }

    /// @inheritdoc IConsentRegistry
    function categoriesOf(uint32 categorySetId) external view returns (bytes32[] memory) {
        if (categorySetId == 0 || categorySetId > _categorySetCount) {
            revert ConsentRegistryUnknownCategorySet(categorySetId);
        }
        return _categorySets[categorySetId];
    }

    /// @inheritdoc IConsentRegistry
    function categorySetIdOf(bytes32[] calldata categories) external view returns (uint32) {
        return _categorySetIds[keccak256(abi.encodePacked(categories))];
    }

    /// @notice The EIP-712 domain separator of this registry on this chain.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IConsentRegistry
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    /// @inheritdoc IConsentRegistry
    function consentIdOf(address subject, address grantee, bytes32 purpose) public pure returns (bytes32) {
        return keccak256(abi.encode(subject, grantee, purpose));
    }

    /// @dev Records a consent for `subject`, who has already been authenticated by the caller.
    function _grant(
        bytes32 consentId,
        address subject,
        address grantee,
        bytes32 purpose,
        bytes32[] calldata categories,
        uint64 validUntil,
        bytes32 receiptHash,
        Via via
    ) private {
        if (grantee == address(0) || grantee == subject) revert ConsentRegistryInvalidGrantee(grantee);
        if (purpose == bytes32(0)) revert ConsentRegistryInvalidPurpose();
        if (validUntil < block.timestamp) revert ConsentRegistryExpiryInPast(validUntil, block.timestamp);
        uint32 categorySetId = _categorySetIdFor(categories);

        Consent storage consent = _consents[consentId];
        uint64 nonce = consent.nonce + 1;
        consent.validUntil = validUntil;
        consent.epoch = _subjects[subject].epoch;
        consent.categorySetId = categorySetId;
        consent.nonce = nonce;
        consent.active = true;

        emit ConsentGranted(
            consentId,
            subject,
            grantee,
            purpose,
            categories,
            categorySetId,
            validUntil,
            receiptHash,
            nonce,
            msg.sender,
            via
        );
    }

    /// @dev Ends an active consent of `subject`, who (or whose operator) has already been authenticated.
    function _withdraw(bytes32 consentId, address subject, address grantee, bytes32 purpose, Via via) private {
        Consent storage consent = _consents[consentId];
        if (!consent.active) revert ConsentRegistryNothingToWithdraw(consentId);
        uint64 nonce = consent.nonce + 1;
        consent.active = false;
        consent.nonce = nonce;
        emit ConsentWithdrawn(
            consentId,
            subject,
            grantee,
            purpose,
            consent.categorySetId,
            consent.validUntil,
            nonce,
            msg.sender,
            via
        );
    }

    /// @dev Moves `subject` to a new epoch, voiding every consent granted before.
    function _withdrawAll(address subject, Via via) private returns (uint32 epoch) {
        Subject storage state = _subjects[subject];
        epoch = state.epoch + 1;
        state.epoch = epoch;
        emit AllConsentsWithdrawn(subject, epoch, msg.sender, via);
    }

    /// @dev Appoints `operator` for `subject`, who has already been authenticated.
    function _setOperator(address subject, address operator, Via via) private {
        if (operator == subject) revert ConsentRegistryInvalidOperator(operator);
        Subject storage state = _subjects[subject];
        address previousOperator = state.operator;
        state.operator = operator;
        emit OperatorSet(subject, previousOperator, operator, msg.sender, via);
    }

    /// @dev Returns the id of the set of `categories`, registering it on first use.
    function _categorySetIdFor(bytes32[] calldata categories) private returns (uint32 categorySetId) {
        bytes32 categoriesHash = keccak256(abi.encodePacked(categories));
        categorySetId = _categorySetIds[categoriesHash];
        if (categorySetId != 0) return categorySetId;

        uint256 count = categories.length;
        if (count == 0 || count > MAX_CATEGORIES) revert ConsentRegistryInvalidCategoryCount(count, MAX_CATEGORIES);
        categorySetId = ++_categorySetCount;
        bytes32 previous = bytes32(0);
        for (uint256 i = 0; i < count; ++i) {
            bytes32 category = categories[i];
            // Strictly ascending and above zero: one canonical order, so equal sets hash alike, and no duplicates.
            if (category <= previous) revert ConsentRegistryCategoriesNotSorted(i);
            previous = category;
            _setContains[categorySetId][category] = true;
        }
        _categorySetIds[categoriesHash] = categorySetId;
        _categorySets[categorySetId] = categories;
        emit CategorySetRegistered(categorySetId, categories);
    }

    /// @dev The EIP-712 struct hash of a signed grant.
    function _grantStructHash(GrantRequest calldata request) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _GRANT_TYPEHASH,
                    request.subject,
                    request.grantee,
                    request.purpose,
                    keccak256(abi.encodePacked(request.categories)),
                    request.validUntil,
                    request.receiptHash,
                    request.nonce,
                    request.epoch,
                    request.deadline
                )
            );
    }

    /// @dev Consumes the nonce of a consent for a signed request; the change itself increments it.
    function _useConsentNonce(bytes32 consentId, uint64 given) private view {
        uint64 expected = _consents[consentId].nonce;
        if (given != expected) revert ConsentRegistryInvalidNonce(expected, given);
    }

    /// @dev Consumes the subject-level nonce for a signed withdraw-all or operator change.
    function _useSubjectNonce(address subject, uint64 given) private {
        Subject storage state = _subjects[subject];
        uint64 expected = state.nonce;
        if (given != expected) revert ConsentRegistryInvalidNonce(expected, given);
        state.nonce = expected + 1;
    }

    /// @dev Reverts unless `subject` signed `structHash` and `deadline` has not passed.
    function _checkSignature(
        address subject,
        uint256 deadline,
        bytes32 structHash,
        bytes calldata signature
    ) private view {
        if (deadline == 0) revert ConsentRegistryMissingDeadline();
        if (block.timestamp > deadline) revert ConsentRegistryExpiredSignature(deadline);
        if (!SignatureChecker.isValidSignatureNowCalldata(subject, _hashTypedDataV4(structHash), signature)) {
            revert ConsentRegistryInvalidSignature(subject);
        }
    }

    /// @dev Returns how the caller may act for `subject`, or reverts if it may not.
    function _authorize(address subject) private view returns (Via) {
        if (msg.sender == subject) return Via.Subject;
        if (msg.sender != address(0) && msg.sender == _subjects[subject].operator) return Via.Operator;
        revert ConsentRegistryUnauthorized(msg.sender, subject);
    }

    /// @dev Whether a stored consent is active, unexpired and from the subject's current epoch.
    function _inForce(Consent memory consent, address subject) private view returns (bool) {
        return consent.active && block.timestamp <= consent.validUntil && consent.epoch == _subjects[subject].epoch;
    }
}
