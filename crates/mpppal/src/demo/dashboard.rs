//! The dashboard for `mpppal demo --stay`: its static export, built from `dashboard/` on first
//! use when npm is on the machine (saying so), and a one-time sign-in link at the end.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::Command;

use super::narrator::Narrator;

/// Where the export is: `MPPPAL_DASHBOARD_DIR`, else `dashboard/out` of this source tree.
fn export_dir() -> PathBuf {
    std::env::var_os("MPPPAL_DASHBOARD_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| source_dir().join("out"))
}

fn source_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dashboard")
}

/// The export's directory, built first if it is missing.
pub fn prepare(n: &mut Narrator) -> Result<PathBuf> {
    let out = export_dir();
    if out.join("index.html").is_file() {
        return Ok(out);
    }
    let source = source_dir();
    if !source.join("package.json").is_file() {
        bail!(
            "no dashboard export at {} and no dashboard/ sources to build it from; set MPPPAL_DASHBOARD_DIR",
            out.display()
        );
    }
    n.step(
        "Building the dashboard once (npm ci && npm run build in dashboard/; Node.js 20+ needed)",
    );
    let npm = |args: &[&str]| -> Result<()> {
        let status = Command::new("npm")
            .args(args)
            .current_dir(&source)
            .env("NEXT_TELEMETRY_DISABLED", "1")
            .status()
            .context("running npm (install Node.js 20 or newer, or set MPPPAL_DASHBOARD_DIR to a built export)")?;
        if !status.success() {
            bail!("npm {} failed in dashboard/", args.join(" "));
        }
        Ok(())
    };
    if !source.join("node_modules").is_dir() {
        npm(&["ci", "--no-audit", "--no-fund"])?;
    }
    npm(&["run", "build"])?;
    if !out.join("index.html").is_file() {
        bail!("npm run build made no {}", out.join("index.html").display());
    }
    Ok(source.join("out"))
}
