//! Signatures per second straight against the store, one commit per signature against group
//! commit, on either engine; and a burst that `bench/signatures.sh` kills with SIGKILL to show
//! that no acknowledged signature is lost. Run through `bench/signatures.sh`.
//!
//! ```text
//! sign_burst throughput sqlite|postgres SECONDS CLIENTS   fresh database, both ways, a table row each
//! sign_burst prepare sqlite|postgres DIR                  a database for the kill test; prints its URL
//! sign_burst burst URL CLIENTS                            signs until killed, printing "acked N"
//! sign_burst count URL                                    signatures stored
//! sign_burst dropdb URL                                   drops a PostgreSQL database made by prepare
//! sign_burst http DB_URL SERVER SECONDS CLIENTS            signs over the public HTTP API of a
//!                                                          `picket serve` at SERVER (prepared
//!                                                          database); prints a table row
//! sign_burst http-burst DB_URL SERVER CLIENTS              the same until killed, printing "acked N"
//! ```

use anyhow::{bail, Context};
use picket_domain::disputes::DisputeStatus;
use picket_domain::eactions::{EactionInput, NewEaction, Signer};
use picket_domain::{BranchId, DisputeId, Division, EactionId, Nation};
use picket_store::disputes::NewDispute;
use picket_store::eactions::{NewSignature, SignOutcome};
use picket_store::prelude::*;
use picket_store::signing::{SignatureWriter, WriterConfig};
use picket_store::sql::SqlStore;
use picket_store::Backend;
use sqlx::Connection;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Connections in the pool: enough for 64 clients committing one by one on PostgreSQL.
const POOL: u32 = 32;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    match arg(0) {
        "throughput" => {
            let backend = backend(arg(1))?;
            let seconds: u64 = arg(2).parse().unwrap_or(5);
            let clients: usize = arg(3).parse().unwrap_or(64);
            throughput(backend, seconds, clients).await
        }
        "prepare" => {
            let url = match backend(arg(1))? {
                Backend::Sqlite => format!("sqlite://{}/burst.db", arg(2)),
                Backend::Postgres => {
                    let (url, guard) =
                        picket_test_support::db::fresh_url_on(Backend::Postgres).await;
                    // Kept past this process: `dropdb` removes it.
                    std::mem::forget(guard);
                    url
                }
            };
            let store = open(&url).await?;
            campaign(&store, "burst").await?;
            println!("{url}");
            Ok(())
        }
        "burst" => burst(arg(1), arg(2).parse().unwrap_or(64)).await,
        "count" => {
            let store = open(arg(1)).await?;
            println!("{}", stored(&store).await?);
            Ok(())
        }
        "dropdb" => {
            let url = url::Url::parse(arg(1))?;
            let name = url.path().trim_start_matches('/').to_string();
            let mut conn =
                sqlx::AnyConnection::connect(&picket_test_support::db::postgres_admin_url())
                    .await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await?;
            Ok(())
        }
        "http" => {
            let seconds: u64 = arg(3).parse().unwrap_or(5);
            http(arg(1), arg(2), Some(seconds), arg(4).parse().unwrap_or(64)).await
        }
        "http-burst" => http(arg(1), arg(2), None, arg(3).parse().unwrap_or(64)).await,
        other => bail!("unknown command `{other}`: see the comment at the top of sign_burst.rs"),
    }
}

/// The engine's usual writer settings, or `SIGN_WRITERS`, `SIGN_BATCH` and `SIGN_GATHER_US`
/// (microseconds) when set.
fn config(backend: Backend) -> WriterConfig {
    let mut config = WriterConfig::for_backend(backend);
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    config.writers = var("SIGN_WRITERS").unwrap_or(config.writers);
    config.max_batch = var("SIGN_BATCH").unwrap_or(config.max_batch);
    if let Some(micros) = var("SIGN_GATHER_US") {
        config.gather = Duration::from_micros(u64::try_from(micros).unwrap_or(0));
    }
    config
}

fn backend(name: &str) -> anyhow::Result<Backend> {
    match name {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" => Ok(Backend::Postgres),
        other => bail!("backend must be sqlite or postgres, not `{other}`"),
    }
}

async fn open(url: &str) -> anyhow::Result<SqlStore> {
    sqlx::any::install_default_drivers();
    Ok(if url.starts_with("sqlite:") {
        picket_store_sqlite::connect(url, POOL).await?
    } else {
        picket_store_postgres::connect(url, POOL).await?
    })
}

/// A branch, a dispute and an open count-only campaign without confirmation.
async fn campaign(
    store: &SqlStore,
    slug: &str,
) -> anyhow::Result<(BranchId, DisputeId, EactionId)> {
    let mut work = store.begin().await?;
    let branch = work
        .create_branch(&slug.parse()?, "Bench", Division::EnglandAndWales)
        .await?
        .id;
    let dispute = work
        .create_dispute(
            branch,
            &NewDispute {
                title: "Caseloads".into(),
                employer: "A council".into(),
                nation: Nation::England,
                status: DisputeStatus::InAction,
                summary: String::new(),
            },
        )
        .await?
        .id;
    let new = NewEaction::parse(&EactionInput {
        kind: "email",
        title: "Write to the Chief Executive",
        subject: "Settle the dispute",
        body: "Dear Chief Executive,\n\n{name}, {postcode}",
        delivery: "count-only",
        per_hour: 0,
        confirm_email: false,
        own_words_max: 0,
        open: true,
    })?;
    let eaction = work.create_eaction(branch, dispute, &new).await?;
    work.commit().await?;
    Ok((branch, dispute, eaction))
}

/// The campaign a prepared database holds.
async fn prepared(store: &SqlStore) -> anyhow::Result<(BranchId, DisputeId, EactionId)> {
    let branch = store.branch_by_slug("burst").await?.id;
    let dispute = store
        .disputes(branch)
        .await?
        .first()
        .context("no dispute")?
        .id;
    let eaction = store
        .eactions(branch, dispute)
        .await?
        .first()
        .context("no campaign")?
        .id;
    Ok((branch, dispute, eaction))
}

fn signature(at: (BranchId, DisputeId, EactionId), n: u64) -> NewSignature {
    NewSignature {
        branch: at.0,
        dispute: at.1,
        eaction: at.2,
        signer: Signer::parse(
            &format!("Supporter {n}"),
            &format!("s{n}@example.org"),
            "M1 1AE",
            "",
            0,
        )
        .expect("valid"),
        consent: n.is_multiple_of(2).then(|| "Keep me in touch.".to_string()),
        confirmation: None,
    }
}

async fn stored(store: &SqlStore) -> anyhow::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM eaction_signatures")
            .fetch_one(store.pool())
            .await?,
    )
}

/// How one client signs.
#[derive(Clone)]
enum Way {
    /// A unit of work and a commit for each signature.
    OneByOne(Arc<dyn Store>),
    /// Through the group-commit writer.
    Grouped(SignatureWriter),
}

impl Way {
    async fn sign(&self, s: NewSignature) -> anyhow::Result<SignOutcome> {
        Ok(match self {
            Way::OneByOne(store) => {
                let mut work = store.begin().await?;
                let outcome = work.sign_batch(std::slice::from_ref(&s)).await?.remove(0)?;
                work.commit().await?;
                outcome
            }
            Way::Grouped(writer) => writer.sign(s).await?,
        })
    }
}

/// `clients` tasks sign new addresses for `seconds`; returns how many were acknowledged.
async fn run(
    way: Way,
    at: (BranchId, DisputeId, EactionId),
    seconds: u64,
    clients: usize,
    first: u64,
) -> anyhow::Result<(u64, f64)> {
    let acked = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicU64::new(first));
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (way, acked, next) = (way.clone(), acked.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < until {
                let n = next.fetch_add(1, Ordering::Relaxed);
                match way.sign(signature(at, n)).await? {
                    SignOutcome::Signed { .. } => acked.fetch_add(1, Ordering::Relaxed),
                    other => bail!("unexpected {other:?}"),
                };
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok((acked.load(Ordering::Relaxed), start.elapsed().as_secs_f64()))
}

async fn throughput(backend: Backend, seconds: u64, clients: usize) -> anyhow::Result<()> {
    let (url, _guard) = picket_test_support::db::fresh_url_on(backend).await;
    let store = Arc::new(open(&url).await?);
    let at = campaign(&store, "bench").await?;
    let dyn_store: Arc<dyn Store> = store.clone();
    let one = run(Way::OneByOne(dyn_store.clone()), at, seconds, clients, 0).await?;
    let writer = SignatureWriter::start(dyn_store, config(backend));
    let grouped = run(Way::Grouped(writer), at, seconds, clients, 1 << 40).await?;
    let total = stored(&store).await?;
    let rate = |(n, secs): (u64, f64)| n as f64 / secs;
    println!(
        "| {} | {clients} | {:.0} | {:.0} | {:.1} | {} acknowledged, {total} stored |",
        backend.as_str(),
        rate(one),
        rate(grouped),
        rate(grouped) / rate(one),
        one.0 + grouped.0,
    );
    if total != i64::try_from(one.0 + grouped.0)? {
        bail!("stored {total} but acknowledged {}", one.0 + grouped.0);
    }
    store.close().await;
    Ok(())
}

/// Signs until killed, printing how many were acknowledged every 20 ms.
async fn burst(url: &str, clients: usize) -> anyhow::Result<()> {
    let store = Arc::new(open(url).await?);
    let at = prepared(&store).await?;
    let writer = SignatureWriter::start(store.clone(), config(store.backend()));
    let acked = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicU64::new(0));
    for _ in 0..clients {
        let (writer, acked, next) = (writer.clone(), acked.clone(), next.clone());
        tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if let Ok(SignOutcome::Signed { .. }) = writer.sign(signature(at, n)).await {
                    acked.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    let mut out = std::io::stdout();
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        writeln!(out, "acked {}", acked.load(Ordering::Relaxed))?;
        out.flush()?;
    }
}

/// `clients` HTTP clients sign the prepared campaign through the public API of the server at
/// `server` (`http://127.0.0.1:PORT`): each answer is sent only after the commit that holds
/// the signature. For `seconds`, then a table row with the rate, the median and 99th
/// percentile time to an answer, this process's CPU time a second (the load it puts on the
/// machine) and the database's count; or, without `seconds`, until killed, printing how many
/// were acknowledged every 20 ms.
async fn http(db: &str, server: &str, seconds: Option<u64>, clients: usize) -> anyhow::Result<()> {
    let store = open(db).await?;
    let (_, dispute, eaction) = prepared(&store).await?;
    let before = stored(&store).await?;
    let url =
        format!("{server}/api/v1/branches/burst/disputes/{dispute}/eactions/{eaction}/signatures");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let acked = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicU64::new(u64::from(std::process::id()) << 32));
    let cpu_before = picket_test_support::cpu_seconds();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, acked, refused, next) = (
            client.clone(),
            url.clone(),
            acked.clone(),
            refused.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            // Microseconds from sending to the answer, of each acknowledged signature.
            let mut waits: Vec<u32> = Vec::new();
            while seconds.is_none_or(|s| start.elapsed() < Duration::from_secs(s)) {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let body = format!(
                    r#"{{"name":"Supporter {n}","email":"s{n}@example.org","postcode":"M1 1AE","consent":{}}}"#,
                    n % 2 == 0
                );
                let sent_at = Instant::now();
                let sent = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        acked.fetch_add(1, Ordering::Relaxed);
                        if seconds.is_some() {
                            waits.push(
                                u32::try_from(sent_at.elapsed().as_micros()).unwrap_or(u32::MAX),
                            );
                        }
                    }
                    _ => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        if seconds.is_none() {
                            // The server is gone: wait for the kill rather than spin.
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                    }
                }
            }
            waits
        }));
    }
    let Some(_) = seconds else {
        let mut out = std::io::stdout();
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            writeln!(out, "acked {}", acked.load(Ordering::Relaxed))?;
            out.flush()?;
        }
    };
    let mut waits = Vec::new();
    for task in tasks {
        waits.extend(task.await?);
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = (picket_test_support::cpu_seconds() - cpu_before) / secs;
    waits.sort_unstable();
    let at = |q: f64| {
        // Index of the q-quantile; rounding to an index is the point of the cast.
        let i = ((waits.len().saturating_sub(1)) as f64 * q).round() as usize;
        f64::from(waits.get(i).copied().unwrap_or(0)) / 1000.0
    };
    let (acked, refused) = (
        acked.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
    );
    let total = stored(&store).await? - before;
    println!(
        "| {} | {clients} | {:.0} | {:.1} ms | {:.1} ms | {cpu:.2} | {acked} acknowledged, {refused} refused, {total} stored |",
        store.backend().as_str(),
        acked as f64 / secs,
        at(0.5),
        at(0.99),
    );
    if total < i64::try_from(acked)? {
        bail!("stored {total} but acknowledged {acked}");
    }
    Ok(())
}
