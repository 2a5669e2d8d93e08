//! Running `mpppal` subcommands as child processes.
#![allow(dead_code)] // each test file uses its own part of this

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};

/// A child process killed when the test ends, pass or fail. Its output stays open, so the
/// child never writes into a closed pipe.
pub struct Running(pub Child, pub BufReader<std::process::ChildStdout>);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `mpppal <args>` and waits for its first line of output.
pub fn start(args: &[&str]) -> (Running, String) {
    start_with_env(args, &[])
}

/// As [`start`], with `envs` set in the child's environment.
pub fn start_with_env(args: &[&str], envs: &[(&str, &str)]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    (Running(child, stdout), line)
}

pub fn mpppal(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .args(args)
        .output()
        .unwrap()
}

pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database of its own for this test, dropped at the end.
pub struct FreshDatabase {
    admin: sqlx::PgPool,
    name: String,
}

impl FreshDatabase {
    pub async fn create() -> Self {
        let admin = sqlx::PgPool::connect(&server_url())
            .await
            .expect("PostgreSQL (README)");
        // Unique per test in this process, and per process.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("mpppal_serve_{}_{n}", std::process::id());
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .unwrap();
        Self { admin, name }
    }

    /// The server URL with this database's name in place of the last path segment.
    pub fn url(&self) -> String {
        let server = server_url();
        let base = server
            .rsplit_once('/')
            .map_or(server.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }

    pub async fn drop_now(self) {
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&self.admin)
        .await
        .unwrap();
    }
}
