// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IConsentRegistry
/// @notice A ledger of citizens' consents: which subject allows which grantee (a data controller) to
/// process which categories of personal data for which purpose, and until when.
/// @dev Purposes and categories are `bytes32` ids of W3C DPV terms (keccak256 of the term's IRI). No
/// personal data is recorded: subjects and grantees are addresses, everything else is an id or a hash.
///
/// A consent is identified by `(subject, grantee, purpose)`: granting again for the same triple
/// replaces the consent's categories, expiry and receipt. Each consent carries a nonce that every change
/// increments; a signed request names the nonce it was signed against, so any later change to that
/// consent voids signatures still waiting to be relayed, while requests for other consents are unaffected.
interface IConsentRegistry {
    /// @notice How an action reached the registry.
    /// @dev `Subject`: the subject's own transaction. `Operator`: the subject's appointed operator.
    /// `Signature`: a request the subject signed, relayed by the transaction's sender.
    enum Via {
        Subject,
        Operator,
        Signature
    }

    /// @notice The state of a consent as stored.
    /// @param validUntil Last second (unix time, inclusive) at which the consent is valid.
    /// @param epoch The subject's withdraw-all epoch when the consent was granted.
    /// @param categorySetId Id of the registered set of personal-data categories it covers.
    /// @param nonce Number of changes made to this consent so far.
    /// @param active False once withdrawn (or never granted).
    struct Consent {
        uint64 validUntil;
        uint32 epoch;
        uint32 categorySetId;
        uint64 nonce;
        bool active;
    }

    /// @notice A subject's own state.
    /// @param operator The subject's appointed operator, or zero.
    /// @param epoch Incremented by every withdraw-all; consents from an earlier epoch are void.
    /// @param nonce Number of signed subject-level requests (withdraw-all, set operator) used so far.
    struct Subject {
        address operator;
        uint32 epoch;
        uint64 nonce;
    }

    /// @notice A grant signed by the subject, to be relayed by anyone.
    /// @dev `nonce` is the consent's current nonce and `epoch` the subject's current epoch: a later change to
    /// the consent, or a withdraw-all, voids a grant signed before it.
    struct GrantRequest {
        address subject;
        address grantee;
        bytes32 purpose;
        bytes32[] categories;
        uint64 validUntil;
        bytes32 receiptHash;
        uint64 nonce;
        uint32 epoch;
        uint256 deadline;
    }

    /// @notice A withdrawal signed by the subject, to be relayed by anyone.
    struct WithdrawRequest {
        address subject;
        address grantee;
        bytes32 purpose;
        uint64 nonce;
        uint256 deadline;
    }

    /// @notice A withdraw-all signed by the subject, to be relayed by anyone.
    struct WithdrawAllRequest {
        address subject;
        uint64 nonce;
        uint256 deadline;
    }

    /// @notice An operator appointment (or removal, with a zero operator) signed by the subject.
    struct SetOperatorRequest {
        address subject;
        address operator;
        uint64 nonce;
        uint256 deadline;
    }

    /// @notice Emitted when a set of personal-data categories is registered.
    /// @param categorySetId The set's id, used by consents that cover it.
    /// @param categories The categories, in strictly ascending order.
    event CategorySetRegistered(uint32 indexed categorySetId, bytes32[] categories);

    /// @notice Emitted when a consent is granted or replaced.
    /// @param consentId `keccak256(abi.encode(subject, grantee, purpose))`.
    /// @param subject The data subject.
    /// @param grantee The controller allowed to process the data.
    /// @param purpose DPV purpose id.
    /// @param categories DPV personal-data category ids, strictly ascending.
    /// @param categorySetId Id of the registered set of `categories`.
    /// @param validUntil Last second at which the consent is valid.
    /// @param receiptHash Hash of the off-chain consent receipt.
    /// @param nonce The consent's nonce after this change.
    /// @param actor The transaction's sender.
    /// @param via Whether the subject, its operator or a relayed signature acted.
    event ConsentGranted(
        bytes32 indexed consentId,
        address indexed subject,
        address indexed grantee,
        bytes32 purpose,
        bytes32[] categories,
        uint32 categorySetId,
        uint64 validUntil,
        bytes32 receiptHash,
        uint64 nonce,
        address actor,
        Via via
    );

    /// @notice Emitted when a consent is withdrawn.
    /// @param consentId `keccak256(abi.encode(subject, grantee, purpose))`.
    /// @param subject The data subject.
    /// @param grantee The controller whose consent ends.
    /// @param purpose DPV purpose id.
    /// @param categorySetId Id of the registered set of categories the consent covered.
    /// @param validUntil The expiry the consent had.
    /// @param nonce The consent's nonce after this change.
    /// @param actor The transaction's sender.
    /// @param via Whether the subject, its operator or a relayed signature acted.
    event ConsentWithdrawn(
        bytes32 indexed consentId,
        address indexed subject,
        address indexed grantee,
        bytes32 purpose,
        uint32 categorySetId,
        uint64 validUntil,
        uint64 nonce,
        address actor,
        Via via
    );

    /// @notice Emitted when a subject voids every consent it has granted.
    /// @param subject The data subject.
    /// @param epoch The subject's new epoch: consents granted in earlier epochs are void.
    /// @param actor The transaction's sender.
    /// @param via Whether the subject, its operator or a relayed signature acted.
    event AllConsentsWithdrawn(address indexed subject, uint32 epoch, address actor, Via via);

    /// @notice Emitted when a subject appoints, replaces or removes (zero) its operator.
    /// @param subject The data subject.
    /// @param previousOperator The operator before the change, or zero.
    /// @param operator The new operator, or zero.
    /// @param actor The transaction's sender.
    /// @param via Whether the subject or a relayed signature acted.
    event OperatorSet(
        address indexed subject,
        address indexed previousOperator,
        address indexed operator,
        address actor,
        Via via
    );

    /// @notice Thrown when the grantee is zero or the subject itself.
    error ConsentRegistryInvalidGrantee(address grantee);

    /// @notice Thrown when the purpose id is zero.
    error ConsentRegistryInvalidPurpose();

    /// @notice Thrown when no categories, or more than `MAX_CATEGORIES`, are given.
    error ConsentRegistryInvalidCategoryCount(uint256 count, uint256 max);

    /// @notice Thrown when categories are not strictly ascending (unsorted or duplicated) or one is zero.
    error ConsentRegistryCategoriesNotSorted(uint256 index);

    /// @notice Thrown when a consent would already have expired when granted.
    error ConsentRegistryExpiryInPast(uint64 validUntil, uint256 nowTimestamp);

    /// @notice Thrown when a withdrawal names a consent that is not active (never granted, or already
    /// withdrawn). An expired consent, or one voided by withdraw-all, can still be withdrawn.
    error ConsentRegistryNothingToWithdraw(bytes32 consentId);

    /// @notice Thrown when the caller is neither the subject nor the subject's operator.
    error ConsentRegistryUnauthorized(address caller, address subject);

    /// @notice Thrown when a subject tries to appoint itself as its operator.
    error ConsentRegistryInvalidOperator(address operator);

    /// @notice Thrown when a signed request has no deadline (zero).
    error ConsentRegistryMissingDeadline();

    /// @notice Thrown when a signed request is relayed after its deadline.
    error ConsentRegistryExpiredSignature(uint256 deadline);

    /// @notice Thrown when a signed request names a nonce other than the current one (used or not yet valid).
    error ConsentRegistryInvalidNonce(uint64 expected, uint64 given);

    /// @notice Thrown when a signed grant was signed before the subject's latest withdraw-all.
    error ConsentRegistryStaleEpoch(uint32 expected, uint32 given);

    /// @notice Thrown when a signature is not the subject's: wrong signer, wrong chain or contract,
    /// altered request, malleable ECDSA signature, or a smart-contract wallet that refuses it.
    error ConsentRegistryInvalidSignature(address subject);

    /// @notice Thrown when a category set id has not been registered.
    error ConsentRegistryUnknownCategorySet(uint32 categorySetId);

    /// @notice Grants (or replaces) the caller's consent for `grantee` to process `categories` for `purpose`.
    /// @param grantee The controller allowed to process the data.
    /// @param purpose DPV purpose id.
    /// @param categories DPV personal-data category ids, strictly ascending, 1 to `MAX_CATEGORIES` of them.
    /// @param validUntil Last second (unix time, inclusive) at which the consent is valid; must not be past.
    /// @param receiptHash Hash of the off-chain consent receipt.
    /// @return consentId `keccak256(abi.encode(msg.sender, grantee, purpose))`.
    function grant(
        address grantee,
        bytes32 purpose,
        bytes32[] calldata categories,
        uint64 validUntil,
        bytes32 receiptHash
    ) external returns (bytes32 consentId);

    /// @notice Grants a consent the subject signed (EIP-712 or ERC-1271); anyone may relay it.
    /// @param request The signed grant; `request.nonce` must equal the consent's current nonce and
    /// `request.epoch` the subject's current epoch.
    /// @param signature The subject's signature over `request`.
    /// @return consentId The consent's id.
    function grantBySig(GrantRequest calldata request, bytes calldata signature) external returns (bytes32 consentId);

    /// @notice Withdraws `subject`'s consent for `grantee` and `purpose`. Callable by the subject or its operator.
    /// @param subject The data subject.
    /// @param grantee The controller whose consent ends.
    /// @param purpose DPV purpose id.
    /// @return consentId The consent's id.
    function withdraw(address subject, address grantee, bytes32 purpose) external returns (bytes32 consentId);

    /// @notice Withdraws a consent by the subject's signature; anyone may relay it.
    /// @param request The signed withdrawal; `request.nonce` must equal the consent's current nonce.
    /// @param signature The subject's signature over `request`.
    /// @return consentId The consent's id.
    function withdrawBySig(
        WithdrawRequest calldata request,
        bytes calldata signature
    ) external returns (bytes32 consentId);

    /// @notice Voids every consent `subject` has granted, at constant cost. Callable by the subject or its operator.
    /// @dev Consents granted afterwards are valid again.
    /// @param subject The data subject.
    /// @return epoch The subject's new epoch.
    function withdrawAll(address subject) external returns (uint32 epoch);

    /// @notice Voids every consent of the subject by its signature; anyone may relay it.
    /// @param request The signed request; `request.nonce` must equal the subject's current nonce.
    /// @param signature The subject's signature over `request`.
    /// @return epoch The subject's new epoch.
    function withdrawAllBySig(
        WithdrawAllRequest calldata request,
        bytes calldata signature
    ) external returns (uint32 epoch);

    /// @notice Appoints, replaces or (with zero) removes the caller's operator, in one call.
    /// @param operator The new operator, or zero.
    function setOperator(address operator) external;

    /// @notice Sets the subject's operator by the subject's signature; anyone may relay it.
    /// @param request The signed request; `request.nonce` must equal the subject's current nonce.
    /// @param signature The subject's signature over `request`.
    function setOperatorBySig(SetOperatorRequest calldata request, bytes calldata signature) external;

    /// @notice Registers a set of categories so consents can refer to it (anyone may; grants also do it).
    /// @param categories DPV personal-data category ids, strictly ascending.
    /// @return categorySetId The set's id; the existing id if it was registered before.
    function registerCategorySet(bytes32[] calldata categories) external returns (uint32 categorySetId);

    /// @notice Whether `subject`'s consent lets `grantee` process `category` for `purpose` now.
    /// @dev Checks that the consent exists, is not withdrawn, has not expired, was granted in the
    /// subject's current epoch, and covers the category.
    function isValid(address subject, address grantee, bytes32 purpose, bytes32 category) external view returns (bool);

    /// @notice Whether `subject`'s consent lets `grantee` process every category of a registered set for `purpose`
    /// now: the consent is in force and its categories include all of `categorySetId`'s.
    /// @dev One call answers for a whole consent form (a revenue pool's membership rests on it). When the consent
    /// was given for exactly that set, no category is read; otherwise each category of the set is looked up.
    function isValidForSet(
        address subject,
        address grantee,
        bytes32 purpose,
        uint32 categorySetId
    ) external view returns (bool);

    /// @notice {isValid} for many subjects at once.
    /// @param subjects The subjects to check; the caller chooses the size.
    /// @return valid `valid[i]` answers {isValid} for `subjects[i]`.
    function isValidBatch(
        address[] calldata subjects,
        address grantee,
        bytes32 purpose,
        bytes32 category
    ) external view returns (bool[] memory valid);

    /// @notice The stored state of a consent (all zero if it was never granted).
    function getConsent(address subject, address grantee, bytes32 purpose) external view returns (Consent memory);

    /// @notice A subject's operator, epoch and subject-level nonce.
    function getSubject(address subject) external view returns (Subject memory);

    /// @notice The categories of a registered set.
    function categoriesOf(uint32 categorySetId) external view returns (bytes32[] memory);

    /// @notice The id of a registered set of categories, or zero if it is not registered.
    function categorySetIdOf(bytes32[] calldata categories) external view returns (uint32);

    /// @notice The id of the consent `(subject, grantee, purpose)`.
    function consentIdOf(address subject, address grantee, bytes32 purpose) external pure returns (bytes32);

    /// @notice The contract's version, as `major.minor.patch`.
    function version() external pure returns (string memory);
}
