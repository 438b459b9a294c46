// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDataLicensing} from "../../../contracts/interfaces/IDataLicensing.sol";
import {VM_ADDRESS} from "./Vm.sol";

/// @notice Foundry's log-recording cheatcodes, as served by Hardhat 3's EDR at `VM_ADDRESS`.
/// @dev Hand-written (no forge-std in this project); signatures must match Foundry's exactly.
interface VmLogs {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;

    function getRecordedLogs() external returns (Log[] memory logs);
}

VmLogs constant VM_LOGS = VmLogs(VM_ADDRESS);

/// @notice Reads the `Sale` breakdown a DataLicensing put in its `LicenceIssued` event.
library SaleLogs {
    /// @notice Starts recording logs (and forgets those recorded so far).
    function record() internal {
        VM_LOGS.recordLogs();
    }

    /// @notice The `Sale` of the one `LicenceIssued` event `licensing` emitted since {record}; `found` is false if
    /// there is none, and the last one counts if there are several.
    function recordedSale(address licensing) internal returns (bool found, IDataLicensing.Sale memory sale) {
        VmLogs.Log[] memory logs = VM_LOGS.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != licensing || logs[i].topics.length == 0) continue;
            if (logs[i].topics[0] != IDataLicensing.LicenceIssued.selector) continue;
            (, , , sale) = abi.decode(logs[i].data, (IDataLicensing.Model, uint32, uint64, IDataLicensing.Sale));
            found = true;
        }
    }
}
