// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice The AVL token as the router sees it: an ERC-20 whose authorised burner can burn from an account.
interface IAVL is IERC20 {
    function burn(address from, uint256 amount) external;
}
