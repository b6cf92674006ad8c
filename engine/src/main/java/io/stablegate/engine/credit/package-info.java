/**
 * The vocabulary of credits shared by the invoice and the wallet ledger, which do not know each
 * other: how a transfer came to credit an invoice ({@link io.stablegate.engine.credit.PaymentSource}),
 * who attached it ({@link io.stablegate.engine.credit.Attribution}), and the underpayment tolerance
 * rule both judge transfers by ({@link io.stablegate.engine.credit.Tolerance}).
 */
package io.stablegate.engine.credit;
