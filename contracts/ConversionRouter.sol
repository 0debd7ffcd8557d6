// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IAVL} from "./interfaces/IAVL.sol";
import {IPriceOracle} from "./interfaces/IPriceOracle.sol";

/// @title ConversionRouter
/// @notice Burns AVL for ACU at the oracle's price: the operator's AVL goes to the burn agent and is burnt there,
/// and the same call moves ACU from the reserve to the recipient, up to a lifetime spend limit.
/// @dev The seed's checks, in the seed's order (pause first, then role, recipient, amount, limit, quote). Two
/// departures: token calls go through SafeERC20 (a token that returns false reverts with SafeERC20FailedOperation
/// instead of a bare require), and acuSpent is raised before the token calls so a re-entering token cannot spend
/// past the limit. A revert undoes it either way.
contract ConversionRouter is AccessControl, Pausable {
    using SafeERC20 for IERC20;
    using SafeERC20 for IAVL;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    IAVL public immutable avl;
    IERC20 public immutable acu;
    IPriceOracle public immutable oracle;
    address public immutable burnAgent;

    /// @notice The account whose ACU (approved to this router) pays conversions.
    address public reserve;
    /// @notice Lifetime cap on ACU this router may move; acuSpent counts against it.
    uint256 public acuSpendLimit;
    uint256 public acuSpent;

    event ConversionExecuted(address indexed operator, address indexed recipient, uint256 acuAmount, uint256 avlBurned);
    event SpendLimitUpdated(uint256 oldLimit, uint256 newLimit);
    event ReserveUpdated(address indexed oldReserve, address indexed newReserve);

    constructor(
        address avl_,
        address acu_,
        address oracle_,
        address burnAgent_,
        address reserve_,
        uint256 acuSpendLimit_,
        address admin
    ) {
        require(avl_ != address(0), "zero avl");
        require(acu_ != address(0), "zero acu");
        require(oracle_ != address(0), "zero oracle");
        require(burnAgent_ != address(0), "zero burn agent");
        require(reserve_ != address(0), "zero reserve");
        require(admin != address(0), "zero admin");

        avl = IAVL(avl_);
        acu = IERC20(acu_);
        oracle = IPriceOracle(oracle_);
        burnAgent = burnAgent_;

        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setRoleAdmin(OPERATOR_ROLE, DEFAULT_ADMIN_ROLE);
        _setRoleAdmin(PAUSER_ROLE, DEFAULT_ADMIN_ROLE);

        reserve = reserve_;
        emit ReserveUpdated(address(0), reserve_);
        acuSpendLimit = acuSpendLimit_;
        emit SpendLimitUpdated(0, acuSpendLimit_);
    }

    /// @notice Converts: burns the oracle's quote of AVL from the caller and pays `acuAmount` ACU to `recipient`.
    /// @return avlNeeded the AVL burnt.
    function burnAVLForACU(uint256 acuAmount, address recipient) external whenNotPaused returns (uint256) {
        require(hasRole(OPERATOR_ROLE, msg.sender), "not operator");
        require(recipient != address(0), "zero recipient");
        require(acuAmount > 0, "zero amount");
        require(acuSpent + acuAmount <= acuSpendLimit, "spend limit");

        uint256 avlNeeded = oracle.quoteAVLforACU(acuAmount);
        require(avlNeeded > 0, "zero quote");

        acuSpent += acuAmount;
        avl.safeTransferFrom(msg.sender, burnAgent, avlNeeded);
        avl.burn(burnAgent, avlNeeded);
        acu.safeTransferFrom(reserve, recipient, acuAmount);

        emit ConversionExecuted(msg.sender, recipient, acuAmount, avlNeeded);
        return avlNeeded;
    }

    function setReserve(address newReserve) external onlyRole(DEFAULT_ADMIN_ROLE) {
        require(newReserve != address(0), "zero reserve");
        address old = reserve;
        reserve = newReserve;
        emit ReserveUpdated(old, newReserve);
    }

    /// @notice A limit below acuSpent is allowed: it stops further conversions without touching past ones.
    function setSpendLimit(uint256 newLimit) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 old = acuSpendLimit;
        acuSpendLimit = newLimit;
        emit SpendLimitUpdated(old, newLimit);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }
}
