//! The dashboard's typed client is generated from `dashboard/openapi.json`, a copy of this
//! server's OpenAPI description. A route or field changed here without refreshing that copy (and
//! the types generated from it) fails here, not in an operator's browser.

use std::path::PathBuf;

#[test]
fn the_dashboards_copy_of_the_spec_is_the_servers() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dashboard/openapi.json");
    let served = serde_json::to_value(mpppal_api::routes::spec()).unwrap();
    if std::env::var_os("MPPPAL_UPDATE_OPENAPI").is_some() {
        let text = serde_json::to_string_pretty(&served).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
    }
    let copy = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let copy: serde_json::Value = serde_json::from_str(&copy).unwrap();
    assert!(
        copy == served,
        "dashboard/openapi.json differs from the server's spec: refresh it with \
         `MPPPAL_UPDATE_OPENAPI=1 cargo test -p mpppal-api --test openapi_copy`, then \
         `npm run api:gen` in dashboard/"
    );
}
