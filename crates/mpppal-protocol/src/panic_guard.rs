//! The outermost layer of every server MPPPal runs (paywalled provider, operator API, local
//! chain): a handler that panics answers `500` problem+json and is logged, instead of dropping
//! the connection (or, built with `panic = "abort"`, the whole process).

use http::{header, HeaderValue, Response, StatusCode};
use std::any::Any;
use tower_http::catch_panic::{CatchPanicLayer, ResponseForPanic};

/// The layer: wrap a router's service in it last, so it also covers the other layers.
pub fn layer() -> CatchPanicLayer<Answer> {
    CatchPanicLayer::custom(Answer)
}

/// Turns a caught panic into the problem answer; the panic's message goes to the log only.
#[derive(Clone, Copy, Debug, Default)]
pub struct Answer;

impl ResponseForPanic for Answer {
    type ResponseBody = String;

    fn response_for_panic(&mut self, panic: Box<dyn Any + Send + 'static>) -> Response<String> {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        tracing::error!(panic = %message, "a request handler panicked");
        let body = serde_json::json!({
            "type": "about:blank",
            "title": "Internal Server Error",
            "status": 500,
            "code": "internal",
            "detail": "the server failed while answering this request; it has been logged",
        });
        let mut response = Response::new(body.to_string());
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::body::{to_bytes, Body};
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_problem_json_and_the_router_goes_on() {
        let router = Router::new()
            .route(
                "/boom",
                get(|| async {
                    if true {
                        panic!("the handler's own words");
                    }
                    "unreachable"
                }),
            )
            .route("/fine", get(|| async { "fine" }))
            .layer(super::layer());
        let boom = router
            .clone()
            .oneshot(http::Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(boom.status(), 500);
        assert_eq!(boom.headers()["content-type"], "application/problem+json");
        let body = to_bytes(boom.into_body(), 4096).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "internal");
        assert!(
            !body.to_string().contains("the handler's own words"),
            "a panic's message stays in the log: {body}"
        );
        let fine = router
            .oneshot(http::Request::get("/fine").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(fine.status(), 200);
    }
}
