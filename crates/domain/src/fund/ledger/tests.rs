use super::*;
use proptest::prelude::*;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, 1).unwrap()
}

fn p(account: i64, pence: i64) -> Posting {
    Posting {
        account: FundAccountId(account),
        amount: Pence::from_pence(pence),
    }
}

#[test]
fn a_transaction_must_balance_with_two_or_more_lines() {
    let ok = BalancedTransaction::new(
        day(),
        TransactionKind::Manual,
        "Opening balance",
        vec![p(1, 25_000), p(2, -15_000), p(3, -10_000)],
    )
    .unwrap();
    assert_eq!(ok.postings().len(), 3);
    assert_eq!(ok.memo(), "Opening balance");
    let one = BalancedTransaction::new(day(), TransactionKind::Manual, "x", vec![p(1, 0)]);
    assert_eq!(one, Err(LedgerError::TooFewLines));
    let zero =
        BalancedTransaction::new(day(), TransactionKind::Manual, "x", vec![p(1, 0), p(2, 0)]);
    assert_eq!(zero, Err(LedgerError::ZeroLine));
    let off = BalancedTransaction::new(
        day(),
        TransactionKind::Manual,
        "x",
        vec![p(1, 100), p(2, -99)],
    );
    assert_eq!(
        off,
        Err(LedgerError::Unbalanced {
            by: Pence::from_pence(1)
        })
    );
    assert_eq!(
        off.unwrap_err().to_string(),
        "The lines do not balance: the debits and the credits differ by £0.01."
    );
    let huge = BalancedTransaction::new(
        day(),
        TransactionKind::Manual,
        "x",
        vec![p(1, i64::MAX), p(2, 1), p(3, -1)],
    );
    assert_eq!(huge, Err(LedgerError::TooLarge));
    let memo = BalancedTransaction::new(
        day(),
        TransactionKind::Manual,
        "a\nb",
        vec![p(1, 1), p(2, -1)],
    );
    assert!(matches!(memo, Err(LedgerError::Memo(_))));
}

#[test]
fn a_transfer_needs_more_than_nothing() {
    let t = BalancedTransaction::transfer(
        day(),
        TransactionKind::Donation,
        "From Eastfield branch",
        FundAccountId(1),
        FundAccountId(2),
        Pence::from_pence(25_000),
    )
    .unwrap();
    assert_eq!(t.postings(), [p(1, 25_000), p(2, -25_000)]);
    for bad in [0, -5] {
        let refused = BalancedTransaction::transfer(
            day(),
            TransactionKind::Manual,
            "x",
            FundAccountId(1),
            FundAccountId(2),
            Pence::from_pence(bad),
        );
        assert_eq!(refused, Err(LedgerError::NotPositive));
    }
}

#[test]
fn a_reversal_negates_every_line_and_needs_a_reason() {
    let original = [p(1, 500), p(2, -500)];
    let r = BalancedTransaction::reversal(day(), "Entered twice", &original).unwrap();
    assert_eq!(r.postings(), [p(1, -500), p(2, 500)]);
    assert_eq!(r.kind(), TransactionKind::Reversal);
    assert_eq!(r.memo(), "Reversal: Entered twice");
    assert_eq!(
        BalancedTransaction::reversal(day(), "  ", &original),
        Err(LedgerError::Reason)
    );
}

#[test]
fn account_codes_are_plain() {
    for good in ["bank", "strike-pay-owed", "a1"] {
        assert_eq!(good.parse::<AccountCode>().unwrap().as_str(), good);
    }
    for bad in [
        "",
        "Bank",
        "1bank",
        "bank account",
        "bank:x",
        &"a".repeat(41),
    ] {
        assert_eq!(
            bad.parse::<AccountCode>(),
            Err(LedgerError::AccountCode),
            "{bad}"
        );
    }
    assert_eq!(account_name(""), Err(LedgerError::AccountNameMissing));
    assert_eq!(account_name(" Bank ").unwrap(), "Bank");
}

#[test]
fn kinds_have_their_usual_sign() {
    assert_eq!(AccountKind::Asset.normal_sign(), 1);
    assert_eq!(AccountKind::Expense.normal_sign(), 1);
    assert_eq!(AccountKind::Income.normal_sign(), -1);
    assert_eq!(AccountKind::Liability.normal_sign(), -1);
    for kind in AccountKind::ALL {
        assert_eq!(AccountKind::parse(kind.as_str()), Some(*kind));
    }
}

proptest! {
    /// Whatever the amounts, a transaction made balanced is balanced, and its reversal too;
    /// the two together leave every account where it was.
    #[test]
    fn balanced_transactions_and_their_reversals_cancel(amounts in proptest::collection::vec(1_i64..10_000_000, 1..8)) {
        let total: i64 = amounts.iter().sum();
        let mut lines: Vec<Posting> = amounts.iter().enumerate().map(|(i, a)| p(i as i64 + 2, *a)).collect();
        lines.push(p(1, -total));
        let t = BalancedTransaction::new(day(), TransactionKind::Manual, "x", lines).unwrap();
        let sum: i64 = t.postings().iter().map(|l| l.amount.pence()).sum();
        prop_assert_eq!(sum, 0);
        let r = BalancedTransaction::reversal(day(), "mistake", t.postings()).unwrap();
        for (a, b) in t.postings().iter().zip(r.postings()) {
            prop_assert_eq!(a.account, b.account);
            prop_assert_eq!(a.amount.pence() + b.amount.pence(), 0);
        }
    }

    /// Lines that do not add up to zero are always refused.
    #[test]
    fn unbalanced_lines_are_refused(a in 1_i64..1_000_000, b in 1_i64..1_000_000) {
        prop_assume!(a != b);
        let t = BalancedTransaction::new(day(), TransactionKind::Manual, "x", vec![p(1, a), p(2, -b)]);
        prop_assert_eq!(t, Err(LedgerError::Unbalanced { by: Pence::from_pence(a - b) }));
    }
}
