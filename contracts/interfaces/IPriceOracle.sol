// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice Prices a conversion: how much AVL (in its base units) buys `acuAmount` ACU base units.
interface IPriceOracle {
    function quoteAVLforACU(uint256 acuAmount) external view returns (uint256);
}
