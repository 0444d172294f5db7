//! The store's contract tests, against the backend this run selects.

use picket_test_support::test_db;

macro_rules! contract {
    ($name:ident) => {
        #[tokio::test]
        async fn $name() {
            let db = test_db().await;
            picket_store::contract::$name(db.dyn_store()).await;
        }
    };
}

picket_store::for_each_contract_test!(contract);
