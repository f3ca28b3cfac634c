//! The `neuroflow` command line: database migration and team administration.

mod args;

use std::io::Read;
use std::process::ExitCode;

use neuroflow_model::OrgRole;
use neuroflow_store::{pg_admin, Db};

use crate::args::{Args, UsageError};

const USAGE: &str = "\
neuroflow — NeuroFlow Studio command line

USAGE:
    neuroflow db migrate --database-url URL
    neuroflow admin create-user --database-url URL --email EMAIL --org SLUG
                                --role OWNER|ADMIN|MEMBER|VIEWER --password-stdin

URL is a Postgres URL (postgres://user:password@host:port/db) or a SQLite file path.
create-user makes the organization if it is missing, the user, the membership and the
user's Postgres LOGIN role, and prints the role name. The password is read from stdin.
";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.is_empty() || argv.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if argv.iter().any(|a| a == "-V" || a == "--version") {
        println!("neuroflow {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("neuroflow: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(argv)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            eprintln!("neuroflow: {e} (see neuroflow --help)");
            ExitCode::from(2)
        }
        Err(Failure::Run(message)) => {
            eprintln!("neuroflow: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Usage(UsageError),
    Run(String),
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e)
    }
}

fn run_err(e: impl std::fmt::Display) -> Failure {
    // One line, whatever the source error looked like.
    Failure::Run(
        e.to_string()
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

async fn dispatch(argv: Vec<String>) -> Result<(), Failure> {
    let mut args = Args::new(argv, &["--password-stdin"]);
    let group = args.positional("a command (db, admin)")?;
    let action = args.positional("a subcommand")?;
    match (group.as_str(), action.as_str()) {
        ("db", "migrate") => {
            let url = args.required("--database-url")?;
            args.finish()?;
            let db = connect(&url).await?;
            db.migrate().await.map_err(run_err)?;
            db.close().await;
            println!("database is up to date");
            Ok(())
        }
        ("admin", "create-user") => {
            let url = args.required("--database-url")?;
            let email = args.required("--email")?;
            let org = args.required("--org")?;
            let role: OrgRole = args.required("--role")?.parse().map_err(run_err)?;
            if !args.flag("--password-stdin") {
                return Err(UsageError(
                    "--password-stdin is required: the password is never taken as an argument"
                        .into(),
                )
                .into());
            }
            args.finish()?;
            let password = read_password()?;
            let db = connect(&url).await?;
            let result = match &db {
                Db::Postgres(pool) => {
                    db.migrate().await.map_err(run_err)?;
                    pg_admin::create_user(pool, &email, &org, role, &password)
                        .await
                        .map_err(run_err)
                }
                Db::Sqlite(_) => Err(Failure::Run(
                    "create-user makes a Postgres LOGIN role: give a Postgres --database-url"
                        .into(),
                )),
            };
            db.close().await;
            let created = result?;
            println!("{}", created.role_name);
            Ok(())
        }
        _ => Err(UsageError(format!("unknown command '{group} {action}'")).into()),
    }
}

async fn connect(url: &str) -> Result<Db, Failure> {
    Db::connect(url).await.map_err(run_err)
}

fn read_password() -> Result<String, Failure> {
    let mut buf = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut buf)
        .map_err(|e| Failure::Run(format!("cannot read the password from stdin: {e}")))?;
    let password = buf.trim_end_matches(['\n', '\r']).to_string();
    if password.chars().count() < 8 {
        return Err(Failure::Run(
            "the password must be at least 8 characters".into(),
        ));
    }
    Ok(password)
}
