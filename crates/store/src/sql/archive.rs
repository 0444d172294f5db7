//! Backup and restore over SQL, generic over the schema.
//!
//! Tables and columns are discovered at run time (SQLite's `sqlite_master` and
//! `pragma_table_info`, PostgreSQL's `information_schema`) and ordered so that a table comes
//! after every table its foreign keys point to. sqlx's `_sqlx_migrations` is not copied:
//! the archive records the schema version instead, and a restore refuses another version.
//!
//! A backup reads everything in one read transaction (PostgreSQL `REPEATABLE READ, READ
//! ONLY`; on SQLite in WAL mode a read transaction sees one snapshot while writers go on),
//! so it is consistent while `picket serve` runs. A restore loads an empty, migrated
//! database in one transaction and then moves PostgreSQL's identity sequences past the
//! restored ids.

use super::SqlStore;
use crate::archive::{
    read_header, read_line, ArchiveColumn, ArchiveError, ArchiveHeader, ArchiveLine,
    ArchiveSummary, ArchiveTable, ArchiveWriter, ColumnKind, Progress, FORMAT_NAME, FORMAT_VERSION,
};
use crate::Backend;
use base64::Engine as _;
use futures::TryStreamExt;
use serde_json::Value;
use sqlx::{Any, AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

/// The table sqlx keeps its migrations in: recorded as the schema version, never copied.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";
/// Most bound values in one INSERT (SQLite's and PostgreSQL's limits are far above).
const MAX_PARAMS: usize = 900;

/// A table as the database describes it.
#[derive(Debug, Clone)]
struct TableSchema {
    name: String,
    columns: Vec<ArchiveColumn>,
    primary_key: Vec<String>,
    parents: BTreeSet<String>,
}

impl SqlStore {
    /// Writes a consistent snapshot of every table to `out` in the archive format. Returns
    /// what was written; the caller finishes the writer (and so the file).
    pub async fn write_archive<W: Write + Send>(
        &self,
        out: &mut ArchiveWriter<W>,
        progress: &dyn Progress,
    ) -> Result<ArchiveSummary, ArchiveError> {
        let mut tx = match self.backend {
            Backend::Postgres => {
                let mut tx = self
                    .pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await
                    .map_err(crate::StoreError::from)?;
                // A large table takes longer to read than an ordinary statement may.
                sqlx::query("SET LOCAL statement_timeout = 0")
                    .execute(&mut *tx)
                    .await
                    .map_err(crate::StoreError::from)?;
                tx
            }
            Backend::Sqlite => self.pool.begin().await.map_err(crate::StoreError::from)?,
        };
        let conn: &mut AnyConnection = &mut tx;
        // The first read fixes SQLite's snapshot; everything below sees the same one.
        let schema_version = current_schema_version(conn).await?;
        let tables = discover(conn, self.backend).await?;
        let mut header = ArchiveHeader {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            schema_version,
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            picket_version: env!("CARGO_PKG_VERSION").into(),
            source_backend: self.backend.as_str().into(),
            tables: Vec::with_capacity(tables.len()),
        };
        for table in &tables {
            let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", q(&table.name)))
                .fetch_one(&mut *conn)
                .await
                .map_err(crate::StoreError::from)?;
            header.tables.push(ArchiveTable {
                name: table.name.clone(),
                columns: table.columns.clone(),
                rows: u64::try_from(rows).unwrap_or(0),
            });
        }
        out.line(&header)?;
        let mut total = 0_u64;
        for (table, described) in tables.iter().zip(&header.tables) {
            progress.start_table(&table.name, described.rows);
            let columns: Vec<String> = table.columns.iter().map(|c| q(&c.name)).collect();
            let order = if table.primary_key.is_empty() {
                columns.join(", ")
            } else {
                table
                    .primary_key
                    .iter()
                    .map(|c| q(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {order}",
                columns.join(", "),
                q(&table.name)
            );
            let mut rows = sqlx::query(&sql).fetch(&mut *conn);
            let mut written = 0_u64;
            while let Some(row) = rows.try_next().await.map_err(crate::StoreError::from)? {
                let values = table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| read_value(&row, i, c, &table.name))
                    .collect::<Result<Vec<_>, _>>()?;
                out.line(&ArchiveLine::Row {
                    table: table.name.clone(),
                    values,
                })?;
                written += 1;
                if written.is_multiple_of(256) {
                    progress.advance(256);
                }
            }
            progress.advance(written % 256);
            progress.finish_table();
            if written != described.rows {
                return Err(ArchiveError::Mismatch(format!(
                    "table `{}` changed while it was read ({} rows counted, {written} read)",
                    table.name, described.rows
                )));
            }
            total += written;
        }
        out.line(&ArchiveLine::End {
            tables: header.tables.len() as u64,
            rows: total,
        })?;
        drop(tx);
        Ok(ArchiveSummary {
            header,
            rows: total,
        })
    }

    /// Loads an archive (already opened: see [`crate::archive::open_archive`]) into this
    /// database, which must be migrated to the archive's schema version and empty. Everything
    /// is loaded in one transaction: on any error nothing is kept.
    pub async fn restore_archive(
        &self,
        lines: &mut dyn BufRead,
        progress: &dyn Progress,
    ) -> Result<ArchiveSummary, ArchiveError> {
        let header = read_header(lines)?;
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        match self.backend {
            Backend::Postgres => {
                sqlx::query("SET LOCAL statement_timeout = 0")
                    .execute(&mut *conn)
                    .await
                    .map_err(crate::StoreError::from)?;
            }
            // Checked at commit instead of per row, so row order within a table with a
            // reference to itself does not matter.
            Backend::Sqlite => {
                sqlx::query("PRAGMA defer_foreign_keys = ON")
                    .execute(&mut *conn)
                    .await
                    .map_err(crate::StoreError::from)?;
            }
        }
        let database = current_schema_version(conn).await?;
        if database != header.schema_version {
            return Err(ArchiveError::SchemaMismatch {
                archive: header.schema_version,
                database,
                picket_version: header.picket_version.clone(),
            });
        }
        let tables = discover(conn, self.backend).await?;
        check_same_tables(&header, &tables)?;
        for table in &tables {
            let sql = format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {} LIMIT 1) t",
                q(&table.name)
            );
            let any: i64 = sqlx::query_scalar(&sql)
                .fetch_one(&mut *conn)
                .await
                .map_err(crate::StoreError::from)?;
            if any > 0 {
                return Err(ArchiveError::NotEmpty {
                    table: table.name.clone(),
                });
            }
        }

        let mut line_number = 1_u64;
        let mut total = 0_u64;
        let mut ended = false;
        for described in &header.tables {
            progress.start_table(&described.name, described.rows);
            let per_batch = (MAX_PARAMS / described.columns.len().max(1)).max(1);
            let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_batch);
            let mut loaded = 0_u64;
            while loaded + (batch.len() as u64) < described.rows {
                line_number += 1;
                match read_line(lines, line_number)? {
                    Some(ArchiveLine::Row { table, values }) if table == described.name => {
                        if values.len() != described.columns.len() {
                            return Err(ArchiveError::Corrupt(format!(
                                "line {line_number} has {} values for the {} columns of `{table}`",
                                values.len(),
                                described.columns.len()
                            )));
                        }
                        batch.push(values);
                    }
                    Some(ArchiveLine::Row { table, .. }) => {
                        return Err(ArchiveError::Corrupt(format!(
                            "line {line_number} is a row of `{table}` where `{}` was expected",
                            described.name
                        )))
                    }
                    Some(ArchiveLine::End { .. }) | None => {
                        return Err(ArchiveError::Corrupt(format!(
                            "`{}` ends after {} of its {} rows",
                            described.name,
                            loaded + batch.len() as u64,
                            described.rows
                        )))
                    }
                }
                if batch.len() == per_batch {
                    insert_batch(conn, described, &batch, line_number).await?;
                    loaded += batch.len() as u64;
                    progress.advance(batch.len() as u64);
                    batch.clear();
                }
            }
            if !batch.is_empty() {
                insert_batch(conn, described, &batch, line_number).await?;
                loaded += batch.len() as u64;
                progress.advance(batch.len() as u64);
            }
            progress.finish_table();
            total += loaded;
        }
        line_number += 1;
        if let Some(ArchiveLine::End { tables, rows }) = read_line(lines, line_number)? {
            // Reading on to the end also checks gzip's checksum of everything before.
            ended = tables == header.tables.len() as u64
                && rows == total
                && read_line(lines, line_number + 1)?.is_none();
        }
        if !ended {
            return Err(ArchiveError::Corrupt(
                "the archive does not end where its header says (cut short or altered)".into(),
            ));
        }
        if self.backend == Backend::Postgres {
            advance_sequences(conn, &header).await?;
        }
        tx.commit().await.map_err(crate::StoreError::from)?;
        Ok(ArchiveSummary {
            header,
            rows: total,
        })
    }
}

/// Quotes an identifier (the same on both engines).
fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn current_schema_version(conn: &mut AnyConnection) -> Result<i64, ArchiveError> {
    let version: Option<i64> =
        sqlx::query_scalar(&format!("SELECT MAX(version) FROM {MIGRATIONS_TABLE}"))
            .fetch_one(&mut *conn)
            .await
            .map_err(crate::StoreError::from)?;
    version.ok_or_else(|| {
        ArchiveError::Mismatch("the database has not been migrated (no schema version)".into())
    })
}

/// Every table with its columns, primary key and parents, parents first.
async fn discover(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<Vec<TableSchema>, ArchiveError> {
    let (tables_sql, columns_sql, key_sql, parents_sql) = match backend {
        Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> $1 ORDER BY name",
            "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
            "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)",
        ),
        Backend::Postgres => (
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = \
             current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY table_name",
            "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE \
             table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            "SELECT k.column_name::text FROM information_schema.table_constraints c JOIN \
             information_schema.key_column_usage k ON k.constraint_name = c.constraint_name \
             AND k.table_schema = c.table_schema AND k.table_name = c.table_name WHERE \
             c.constraint_type = 'PRIMARY KEY' AND c.table_schema = current_schema() AND \
             c.table_name = $1 ORDER BY k.ordinal_position",
            "SELECT DISTINCT u.table_name::text FROM information_schema.table_constraints c \
             JOIN information_schema.constraint_column_usage u ON u.constraint_name = \
             c.constraint_name AND u.constraint_schema = c.constraint_schema WHERE \
             c.constraint_type = 'FOREIGN KEY' AND c.table_schema = current_schema() AND \
             c.table_name = $1",
        ),
    };
    let names: Vec<String> = sqlx::query_scalar(tables_sql)
        .bind(MIGRATIONS_TABLE)
        .fetch_all(&mut *conn)
        .await
        .map_err(crate::StoreError::from)?;
    let mut found = BTreeMap::new();
    for name in names {
        let mut columns = Vec::new();
        for row in sqlx::query(columns_sql)
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(crate::StoreError::from)?
        {
            let column: String = row.try_get(0).map_err(crate::StoreError::from)?;
            let declared: String = row.try_get(1).map_err(crate::StoreError::from)?;
            let kind = ColumnKind::from_declared(&declared).ok_or_else(|| {
                ArchiveError::Mismatch(format!(
                    "column `{name}.{column}` has type `{declared}`, which archives cannot carry"
                ))
            })?;
            columns.push(ArchiveColumn { name: column, kind });
        }
        let primary_key: Vec<String> = sqlx::query_scalar(key_sql)
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(crate::StoreError::from)?;
        let parents: BTreeSet<String> = sqlx::query_scalar::<_, String>(parents_sql)
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(crate::StoreError::from)?
            .into_iter()
            .filter(|p| p != &name)
            .collect();
        found.insert(
            name.clone(),
            TableSchema {
                name,
                columns,
                primary_key,
                parents,
            },
        );
    }
    order_by_dependencies(found)
}

/// Parents before children; ties by name, so the order is the same on both engines.
fn order_by_dependencies(
    mut pending: BTreeMap<String, TableSchema>,
) -> Result<Vec<TableSchema>, ArchiveError> {
    let mut ordered: Vec<TableSchema> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .values()
            .filter(|t| t.parents.iter().all(|p| !pending.contains_key(p)))
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            let stuck: Vec<&str> = pending.keys().map(String::as_str).collect();
            return Err(ArchiveError::Mismatch(format!(
                "the foreign keys of these tables form a cycle: {}",
                stuck.join(", ")
            )));
        }
        for name in ready {
            if let Some(t) = pending.remove(&name) {
                ordered.push(t);
            }
        }
    }
    Ok(ordered)
}

/// The archive's tables and columns must be the database's.
fn check_same_tables(header: &ArchiveHeader, tables: &[TableSchema]) -> Result<(), ArchiveError> {
    let ours: BTreeMap<&str, &TableSchema> = tables.iter().map(|t| (t.name.as_str(), t)).collect();
    let theirs: BTreeSet<&str> = header.tables.iter().map(|t| t.name.as_str()).collect();
    for t in &header.tables {
        let Some(schema) = ours.get(t.name.as_str()) else {
            return Err(ArchiveError::Mismatch(format!(
                "the archive has a table `{}` that this database lacks",
                t.name
            )));
        };
        let mine: BTreeMap<&str, ColumnKind> = schema
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.kind))
            .collect();
        for c in &t.columns {
            if mine.get(c.name.as_str()) != Some(&c.kind) {
                return Err(ArchiveError::Mismatch(format!(
                    "column `{}.{}` of the archive is not in this database with the same type",
                    t.name, c.name
                )));
            }
        }
        if mine.len() != t.columns.len() {
            return Err(ArchiveError::Mismatch(format!(
                "table `{}` has other columns in this database than in the archive",
                t.name
            )));
        }
    }
    if let Some(missing) = ours.keys().find(|name| !theirs.contains(*name)) {
        return Err(ArchiveError::Mismatch(format!(
            "this database has a table `{missing}` that the archive lacks"
        )));
    }
    Ok(())
}

/// One value of a row, typed by its column's kind.
fn read_value(
    row: &sqlx::any::AnyRow,
    i: usize,
    column: &ArchiveColumn,
    table: &str,
) -> Result<Value, ArchiveError> {
    let bad = |e: sqlx::Error| {
        ArchiveError::Mismatch(format!(
            "a value in `{table}.{}` is not of the column's type ({e})",
            column.name
        ))
    };
    Ok(match column.kind {
        ColumnKind::Integer => row
            .try_get::<Option<i64>, _>(i)
            .map_err(bad)?
            .map_or(Value::Null, Value::from),
        ColumnKind::Real => match row.try_get::<Option<f64>, _>(i).map_err(bad)? {
            None => Value::Null,
            Some(f) => serde_json::Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| {
                    ArchiveError::Mismatch(format!(
                        "`{table}.{}` holds a number JSON cannot carry",
                        column.name
                    ))
                })?,
        },
        ColumnKind::Text => row
            .try_get::<Option<String>, _>(i)
            .map_err(bad)?
            .map_or(Value::Null, Value::from),
        ColumnKind::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)
            .map_err(bad)?
            .map_or(Value::Null, |b| {
                Value::from(base64::engine::general_purpose::STANDARD.encode(b))
            }),
        ColumnKind::Bool => row
            .try_get::<Option<bool>, _>(i)
            .map_err(bad)?
            .map_or(Value::Null, Value::from),
    })
}

/// Inserts rows of one table in one statement.
async fn insert_batch(
    conn: &mut AnyConnection,
    table: &ArchiveTable,
    rows: &[Vec<Value>],
    line: u64,
) -> Result<(), ArchiveError> {
    let width = table.columns.len();
    let columns: Vec<String> = table.columns.iter().map(|c| q(&c.name)).collect();
    let tuples: Vec<String> = (0..rows.len())
        .map(|r| {
            let marks: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES {}",
        q(&table.name),
        columns.join(", "),
        tuples.join(", ")
    );
    let mut query = sqlx::query::<Any>(&sql);
    for row in rows {
        for (value, column) in row.iter().zip(&table.columns) {
            query = bind_value(query, value, column).ok_or_else(|| {
                ArchiveError::Corrupt(format!(
                    "a value of `{}.{}` near line {line} is not of the column's type",
                    table.name, column.name
                ))
            })?;
        }
    }
    query.execute(&mut *conn).await.map_err(|e| {
        ArchiveError::Mismatch(format!(
            "rows of `{}` near line {line} cannot be inserted: {e}",
            table.name
        ))
    })?;
    Ok(())
}

type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// Binds `value` with the column's type (a NULL too: PostgreSQL wants a typed NULL).
fn bind_value<'q>(
    query: AnyQuery<'q>,
    value: &Value,
    column: &ArchiveColumn,
) -> Option<AnyQuery<'q>> {
    Some(match (column.kind, value) {
        (ColumnKind::Integer, Value::Null) => query.bind(None::<i64>),
        (ColumnKind::Integer, v) => query.bind(v.as_i64()?),
        (ColumnKind::Real, Value::Null) => query.bind(None::<f64>),
        (ColumnKind::Real, v) => query.bind(v.as_f64()?),
        (ColumnKind::Text, Value::Null) => query.bind(None::<String>),
        (ColumnKind::Text, v) => query.bind(v.as_str()?.to_owned()),
        (ColumnKind::Bytes, Value::Null) => query.bind(None::<Vec<u8>>),
        (ColumnKind::Bytes, v) => query.bind(
            base64::engine::general_purpose::STANDARD
                .decode(v.as_str()?)
                .ok()?,
        ),
        (ColumnKind::Bool, Value::Null) => query.bind(None::<bool>),
        (ColumnKind::Bool, v) => query.bind(v.as_bool()?),
    })
}

/// Moves every identity sequence past the largest restored id, so new rows get fresh ids.
async fn advance_sequences(
    conn: &mut AnyConnection,
    header: &ArchiveHeader,
) -> Result<(), ArchiveError> {
    for table in &header.tables {
        for column in table
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Integer)
        {
            let sequence: Option<String> =
                sqlx::query_scalar("SELECT pg_get_serial_sequence($1, $2)::text")
                    .bind(q(&table.name))
                    .bind(&column.name)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(crate::StoreError::from)?;
            if let Some(sequence) = sequence {
                let sql = format!(
                    "SELECT setval($1::regclass, COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                    q(&column.name),
                    q(&table.name)
                );
                let _: i64 = sqlx::query_scalar(&sql)
                    .bind(sequence)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(crate::StoreError::from)?;
            }
        }
    }
    Ok(())
}
