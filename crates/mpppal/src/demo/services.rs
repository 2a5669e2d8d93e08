//! PostgreSQL and Redis for the demo. With `DATABASE_URL` and `REDIS_URL` set, the demo uses those
//! servers (in a database of its own, dropped at the end). Otherwise it starts throwaway servers
//! from the PostgreSQL and Redis packages' binaries, in a temporary directory on free loopback
//! ports, and stops them when it ends.

use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a throwaway server may take to accept connections.
const STARTUP: Duration = Duration::from_secs(30);

pub struct Services {
    pub database_url: String,
    pub redis_url: String,
    /// One line for the story: where the data lives.
    pub description: String,
    /// A database this run made on a configured server: (server URL, name), dropped at the end.
    made_database: Option<(String, String)>,
    children: Vec<Child>,
    _dir: Option<tempfile::TempDir>,
}

impl Services {
    pub async fn start() -> Result<Self> {
        let configured = (std::env::var("DATABASE_URL"), std::env::var("REDIS_URL"));
        match configured {
            (Ok(database), Ok(redis)) => Self::configured(database, redis).await,
            _ => Self::throwaway().await,
        }
    }

    async fn configured(server: String, redis_url: String) -> Result<Self> {
        let name = format!("mpppal_demo_{}", random_hex(6));
        let admin = mpppal_db::connect(&server)
            .await
            .context("connecting to DATABASE_URL")?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .context("creating the demo's database")?;
        admin.close().await;
        let database_url = with_database(&server, &name)?;
        Ok(Self {
            description: format!("PostgreSQL from DATABASE_URL (database {name}, dropped at the end), Redis from REDIS_URL"),
            database_url,
            redis_url,
            made_database: Some((server, name)),
            children: Vec::new(),
            _dir: None,
        })
    }

    async fn throwaway() -> Result<Self> {
        let dir = tempfile::tempdir().context("making a temporary directory")?;
        let mut children = Vec::new();
        let (database_url, redis_url) = match start_both(dir.path(), &mut children).await {
            Ok(urls) => urls,
            Err(e) => {
                stop(&mut children);
                return Err(e);
            }
        };
        Ok(Self {
            description:
                "throwaway PostgreSQL and Redis servers (DATABASE_URL and REDIS_URL are not set)"
                    .into(),
            database_url,
            redis_url,
            made_database: None,
            children,
            _dir: Some(dir),
        })
    }

    /// Drops what this run made.
    pub async fn stop(mut self) {
        if let Some((server, name)) = self.made_database.take() {
            if let Ok(admin) = mpppal_db::connect(&server).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&admin)
                    .await;
            }
        }
        stop(&mut self.children);
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        stop(&mut self.children);
    }
}

async fn start_both(dir: &Path, children: &mut Vec<Child>) -> Result<(String, String)> {
    let pg_port = free_port()?;
    let redis_port = free_port()?;
    children.push(start_postgres(dir, pg_port)?);
    children.push(
        Command::new("redis-server")
            .args(["--port", &redis_port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                anyhow!("cannot start redis-server ({e}); install Redis or set REDIS_URL and DATABASE_URL")
            })?,
    );
    let database_url = format!("postgres://postgres@127.0.0.1:{pg_port}/postgres");
    let redis_url = format!("redis://127.0.0.1:{redis_port}");
    wait_until("PostgreSQL", || async {
        mpppal_db::connect(&database_url)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await?;
    wait_until("Redis", || async {
        let client = redis::Client::open(redis_url.as_str()).map_err(|e| e.to_string())?;
        let mut conn = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| e.to_string())?;
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await?;
    Ok((database_url, redis_url))
}

/// The directory holding `initdb` and `postgres`: on `PATH`, or where Debian's packages put them.
fn postgres_bin() -> Result<PathBuf> {
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("postgres").is_file() {
                return Ok(dir);
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .pop()
        .filter(|bin| bin.join("initdb").is_file())
        .ok_or_else(|| {
            anyhow!("no PostgreSQL server binaries found (initdb, postgres); install PostgreSQL or set DATABASE_URL and REDIS_URL")
        })
}

/// PostgreSQL refuses to run as root; as root, the servers run as the `postgres` user.
fn as_server_user(program: &Path, dir: &Path) -> Result<Command> {
    if !rustix::process::getuid().is_root() {
        return Ok(Command::new(program));
    }
    let owned = Command::new("chown")
        .args(["-R", "postgres:"])
        .arg(dir)
        .status()
        .context("chown")?;
    if !owned.success() {
        bail!("running as root, the demo's PostgreSQL needs a `postgres` user; set DATABASE_URL and REDIS_URL instead");
    }
    let mut command = Command::new("runuser");
    command.args(["-u", "postgres", "--"]).arg(program);
    Ok(command)
}

fn start_postgres(dir: &Path, port: u16) -> Result<Child> {
    let bin = postgres_bin()?;
    let data = dir.join("pgdata");
    let init = as_server_user(&bin.join("initdb"), dir)?
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
        .output()
        .context("running initdb")?;
    if !init.status.success() {
        bail!(
            "initdb failed: {}",
            String::from_utf8_lossy(&init.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    as_server_user(&bin.join("postgres"), dir)?
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
        .arg("-c")
        .arg(format!("unix_socket_directories={}", dir.display()))
        .args(["-c", "fsync=off"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting postgres")
}

async fn wait_until<F, Fut>(what: &str, mut ready: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let started = Instant::now();
    loop {
        match ready().await {
            Ok(()) => return Ok(()),
            Err(e) if started.elapsed() > STARTUP => {
                bail!("{what} did not start within {} s: {e}", STARTUP.as_secs())
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Stops the servers gently (SIGTERM), then waits for them.
fn stop(children: &mut Vec<Child>) {
    for child in children.iter() {
        if let Some(pid) = rustix::process::Pid::from_raw(child.id() as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
    }
    for mut child in children.drain(..) {
        let _ = child.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// `server` with its database replaced by `name`.
fn with_database(server: &str, name: &str) -> Result<String> {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        url = format!("{url}?{q}");
    }
    Ok(url)
}
